// Compile-time check of the survey-only module's declarations
// (cx-wasm/survey): the survey scores and the accumulator, with their types.
import { nps, csat, Distribution, groupBy } from "cx-wasm/survey";
import type { Nps, Csat, Group, CxError } from "cx-wasm/survey";

const r: Nps = nps(Uint8Array.from([10, 9, 3]), { level: 0.9 });
const c: Csat = csat([5, 4, 1], { scale: [1, 5] });
const d = new Distribution(0, 10);
d.push(9);
const groups: Group[] = groupBy([10, 9], { keys: ["a", "b"] });
const code: CxError["code"] = "out_of_range";
void [r.ciLow, c.satisfied.share, d.nps().score, groups.length, code];
