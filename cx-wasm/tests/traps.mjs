// Calls every export of the module with hostile arguments (wrong types, NaN,
// huge lengths, a Symbol, freed objects) and records what each throws. Shared
// by the Node test and the Chromium page so both engines are held to the same
// rule: a typed CxError, never a WebAssembly trap, and the module keeps working.

const hostile = [undefined, null, NaN, -1, 1e308, "x", {}, [], [null], { length: 1e12 }, new Float64Array(0), true, () => 1, Symbol("s")];
const deep = JSON.parse("[".repeat(5000) + "]".repeat(5000));
const model = '{"model":"bg_nbd","r":0.243,"alpha":4.414,"a":0.793,"b":2.426}';

export function trapProbe(cx) {
  const seen = { exports: 0, cx: 0, ok: 0, traps: [], other: [] };
  const freed = cx.loadModel(model);
  freed.free();
  const args = [...hostile, deep, freed];
  const probe = (name, f) => {
    for (const a of args) {
      for (const b of [undefined, {}, null, -1]) {
        try {
          f(a, b);
          seen.ok++;
        } catch (e) {
          if (e instanceof WebAssembly.RuntimeError) seen.traps.push(`${name}: ${e.message}`);
          else if (e?.name === "CxError") seen.cx++;
          else {
            // JavaScript's own conversions fail first for these two: a Symbol
            // cannot become a number, and turning a 5,000-deep array into
            // one overflows JavaScript's stack (a RangeError, not a trap).
            const what = typeof a === "symbol" ? "symbol" : a === deep && e instanceof RangeError ? "deep as number" : name;
            if (!seen.other.includes(what)) seen.other.push(what);
          }
        }
      }
    }
  };
  for (const [k, v] of Object.entries(cx)) {
    if (typeof v !== "function" || k === "default" || k.startsWith("init")) continue;
    seen.exports++;
    if (!/^[A-Z]/.test(k)) {
      probe(k, (a, b) => v(a, b));
      continue;
    }
    // Names starting with `__` (`__wrap`) are wasm-bindgen's glue, not cx's API:
    // handing them a hostile pointer registers garbage for finalization.
    for (const s of Object.getOwnPropertyNames(v)) {
      if (typeof v[s] === "function" && !s.startsWith("__") && !["length", "name", "prototype"].includes(s)) probe(`${k}.${s}`, (a, b) => v[s](a, b));
    }
    const inst = {
      Distribution: () => new v(0, 10),
      ChurnModel: () => cx.loadModel(model),
      ShiftedBetaGeometric: () => v.fromJson('{"model":"sbg","alpha":0.7,"beta":1.2}'),
      BetaGeoBetaBinom: () => v.fromJson('{"model":"bg_bb","alpha":1.2,"beta":0.75,"gamma":0.66,"delta":2.78}'),
      LiveSummary: () => {
        const l = new v({ multiplier: 7 });
        l.record("a", "2024-01-01", 1);
        return l;
      },
    }[k]?.();
    if (!inst) throw new Error(`no instance for class ${k}: add one to the probe`);
    for (const m of Object.getOwnPropertyNames(v.prototype)) {
      const d = Object.getOwnPropertyDescriptor(v.prototype, m);
      if (["constructor", "free"].includes(m) || m.startsWith("__") || typeof d.value !== "function") continue;
      probe(`${k}#${m}`, (a, b) => inst[m](a, b));
    }
  }
  seen.other.sort();

  // Objects handed to another export stay usable; an object merged into itself doubles.
  const a = new cx.Distribution(0, 10);
  a.extend([10, 9, 0]);
  const b = new cx.Distribution(0, 10);
  b.push(7);
  a.merge(b);
  a.merge(a);
  b.push(8);
  const m = cx.loadModel(model);
  const gg = cx.loadModel('{"model":"gamma_gamma","p":6.25,"q":3.74,"v":15.44}');
  const customers = { frequency: [2], recency: [30.43], T: [38.86], monetaryValue: [25] };
  const clv = gg.clv(m, customers, { periodsPerMonth: 4.345 });
  seen.after = {
    merged: a.n,
    other: b.n,
    clvFinite: Number.isFinite(clv[0]) && clv[0] > 0,
    modelKind: m.kind,
    nps: cx.nps([10, 9, 0]).n,
  };
  return seen;
}

// What both tests require of the probe's record.
export function checkTraps(seen, assert) {
  assert.ok(seen.exports >= 30, `only ${seen.exports} exports found`);
  assert.deepEqual(seen.traps, []);
  assert.ok(seen.cx > 2000, `${seen.cx} CxErrors`);
  // Only where JavaScript's own conversion throws before cx sees the value.
  assert.deepEqual(seen.other, ["deep as number", "symbol"]);
  assert.deepEqual(seen.after, { merged: 8, other: 2, clvFinite: true, modelKind: "bg_nbd", nps: 3 });
}
