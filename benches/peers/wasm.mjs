// WebAssembly timings for the peer comparison: the same task on the same
// files as the native `cx-native` binary, through the Node build of the npm
// package. Prints {"task", "seconds", "result"} as JSON.
//
//   node benches/peers/wasm.mjs <task> <dir> [runs]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const cx = require(process.env.CX_WASM_JS ?? "../../cx-wasm/pkg/nodejs/cx_wasm.js");

const [task, dir, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 5);
const buf = (name) => {
  const b = readFileSync(join(dir, name));
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
};
const f64 = (name) => new Float64Array(buf(name));
const i64 = (name) => Float64Array.from(new BigInt64Array(buf(name)), Number);

function time(f) {
  const times = [];
  let last;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    last = f();
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  times.sort((a, b) => a - b);
  return [times[Math.floor(times.length / 2)], last];
}

const customers = () => ({ frequency: f64("frequency.f64"), recency: f64("recency.f64"), t: f64("t.f64") });
let seconds, result;
if (task === "nps") {
  const a = new Uint8Array(buf("answers.u8"));
  const [s, r] = time(() => cx.nps(a));
  [seconds, result] = [s, { score: r.score, n: r.n }];
} else if (task === "summary") {
  const days = i64("days.i64");
  const tx = { customers: i64("customers.i64"), timestamps: days.map((d) => d * 86_400_000), amounts: f64("amounts.f64") };
  const [s, r] = time(() => cx.customerSummary(tx));
  [seconds, result] = [s, { customers: r.customers.length, frequency_sum: r.frequency.reduce((x, y) => x + y, 0) }];
} else if (task === "fit_bg_nbd" || task === "fit_pareto_nbd") {
  const c = customers();
  const [s, m] = time(() => cx.ChurnModel.fit(task.slice(4), c));
  [seconds, result] = [s, { log_likelihood: m.report.logLikelihood }];
} else if (task === "alive_bg_nbd") {
  const c = customers();
  const m = cx.loadModel(readFileSync(join(dir, "model.json"), "utf8"));
  const [s, p] = time(() => m.probabilityAlive(c));
  [seconds, result] = [s, { sum: p.reduce((x, y) => x + y, 0) }];
} else {
  console.error(`wasm.mjs: unknown task ${task}`);
  process.exit(2);
}
console.log(JSON.stringify({ task, seconds, result }));
