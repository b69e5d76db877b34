// Every export, called with hostile arguments (wrong types, NaN, huge
// lengths, a Symbol), throws an Error and never traps WebAssembly; the module
// keeps working afterwards. Almost all of them throw the typed CxError; the
// exceptions are listed: arguments that must be a ChurnModel or Distribution
// instance (wasm-bindgen's own check) and Symbols (JavaScript cannot convert
// them to numbers before cx sees them).
import { test } from "node:test";
import assert from "node:assert/strict";

import * as cx from "cx-wasm";

const hostile = [undefined, null, NaN, -1, 1e308, "x", {}, [], [null], { length: 1e12 }, new Float64Array(0), true, () => 1, Symbol("s")];
const model = '{"model":"bg_nbd","r":0.243,"alpha":4.414,"a":0.793,"b":2.426}';

test("no export traps WebAssembly, whatever it is given", () => {
  const seen = { cx: 0, ok: 0, traps: [], other: new Set() };
  const probe = (name, f) => {
    for (const a of hostile) {
      for (const b of [undefined, {}, null, -1]) {
        try {
          f(a, b);
          seen.ok++;
        } catch (e) {
          if (e instanceof WebAssembly.RuntimeError) seen.traps.push(`${name}: ${e.message}`);
          else if (e?.name === "CxError") seen.cx++;
          else seen.other.add(typeof a === "symbol" ? "symbol" : name);
        }
      }
    }
  };
  let exports = 0;
  for (const [k, v] of Object.entries(cx)) {
    if (typeof v !== "function" || k === "default" || k.startsWith("init")) continue;
    exports++;
    if (!/^[A-Z]/.test(k)) {
      probe(k, (a, b) => v(a, b));
      continue;
    }
    for (const s of Object.getOwnPropertyNames(v)) {
      if (typeof v[s] === "function" && !["length", "name", "prototype"].includes(s)) probe(`${k}.${s}`, (a, b) => v[s](a, b));
    }
    const inst = k === "Distribution" ? new v(0, 10) : cx.loadModel(model);
    for (const m of Object.getOwnPropertyNames(v.prototype)) {
      const d = Object.getOwnPropertyDescriptor(v.prototype, m);
      if (["constructor", "free", "__destroy_into_raw"].includes(m) || typeof d.value !== "function") continue;
      probe(`${k}#${m}`, (a, b) => inst[m](a, b));
    }
  }
  assert.ok(exports >= 30, `only ${exports} exports found`);
  assert.deepEqual(seen.traps, []);
  assert.ok(seen.cx > 2000, `${seen.cx} CxErrors`);
  assert.deepEqual([...seen.other].sort(), ["ChurnModel#clv", "Distribution#merge", "symbol"]);
  // The module still computes.
  assert.equal(cx.nps([10, 9, 0]).n, 3);
  assert.equal(cx.loadModel(model).kind, "bg_nbd");
});
