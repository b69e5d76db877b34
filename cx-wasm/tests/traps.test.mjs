// Every export, called with hostile arguments in Node: a typed CxError (or, for
// a Symbol, JavaScript's own TypeError), never a WebAssembly trap. The same
// probe runs in Chromium from browser.test.mjs.
import { test } from "node:test";
import assert from "node:assert/strict";

import * as cx from "cx-wasm";
import * as report from "cx-wasm/report";
import { checkTraps, trapProbe } from "./traps.mjs";

test("no export traps WebAssembly in Node, whatever it is given", () => {
  checkTraps(trapProbe(cx), assert);
});

test("nor in the report module (every family and reportFromFiles)", () => {
  assert.equal(typeof report.reportFromFiles, "function");
  checkTraps(trapProbe(report), assert);
});
