// The shared vectors and the JS-specific API in Node, against the nodejs build.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import * as cx from "cx-wasm";
import { retention, survey } from "./vectors.mjs";

const cases = JSON.parse(readFileSync(new URL("../../tests/vectors/survey.json", import.meta.url))).cases;

test("the vector file has its cases", () => assert.ok(cases.length >= 40));

for (const t of survey(cx, cases)) test(t.name, t.run);

const retentionDoc = JSON.parse(readFileSync(new URL("../../tests/vectors/retention.json", import.meta.url)));
test("the retention vector file has its cases", () => assert.ok(retentionDoc.cases.length >= 25));
for (const t of retention(cx, retentionDoc)) test(`retention: ${t.name}`, t.run);

test("accumulator: stream, merge, bytes", () => {
  const a = new cx.Distribution();
  a.extend(Uint8Array.from([10, 9, 3]));
  const b = cx.Distribution.fromBytes(a.toBytes());
  b.push(8);
  a.merge(b);
  assert.equal(a.n, 7);
  assert.deepEqual(a.scale, Int32Array.from([0, 10]));
  assert.ok(Math.abs(a.nps().score - 200 / 7) < 1e-12);
});

test("a failed extend adds nothing", () => {
  const d = new cx.Distribution(1, 5);
  d.extend([5, 4]);
  assert.throws(() => d.extend([1, 6]), (e) => e.code === "out_of_range" && e.index === 1);
  assert.equal(d.n, 2);
});

test("errors are Error objects with code and fields", () => {
  try {
    cx.nps([10, 9, 12]);
    assert.fail("no error");
  } catch (e) {
    assert.ok(e instanceof Error);
    assert.equal(e.name, "CxError");
    assert.equal(e.code, "out_of_range");
    assert.equal(e.argument, "scores");
    assert.equal(e.index, 2);
    assert.equal(e.value, "12");
    assert.match(e.message, /scores/);
  }
});

test("non-numbers in a plain array are an input_type error", () => {
  assert.throws(() => cx.nps(["ten"]), (e) => e.code === "input_type" && e.argument === "scores");
  assert.throws(() => cx.nps("10,9"), (e) => e.code === "input_type");
});

test("null in a plain array is a missing answer with its row", () => {
  assert.throws(() => cx.nps([10, null]), (e) => e.code === "not_finite" && e.index === 1);
});

test("invalid options name the option", () => {
  assert.throws(() => cx.nps([10], { interval: "exact" }), (e) => e.code === "invalid_parameter" && e.argument === "interval");
  assert.throws(() => cx.csat([1], { scale: [5, 1] }), (e) => e.argument === "scale");
  assert.throws(() => cx.nps([10], { level: 2 }), (e) => e.argument === "level");
  assert.throws(() => cx.nps([10], { bogus: 1 }), (e) => e.code === "invalid_parameter" && e.argument === "options");
});

test("groupBy accepts Date objects and ISO strings", () => {
  const g = cx.groupBy([10, 0, 9], {
    timestamps: [new Date(Date.UTC(2024, 2, 31)), "2024-04-01T10:00:00Z", "2024-04-02"],
    bucket: "month",
  });
  assert.deepEqual(g.map((x) => [x.period, x.distribution.n]), [["2024-03-01", 1], ["2024-04-01", 2]]);
  assert.throws(
    () => cx.groupBy([10, 0], { timestamps: ["2024-03-31", "31/03/2024"], bucket: "day" }),
    (e) => e.code === "parse" && e.index === 1 && e.value === "31/03/2024",
  );
  assert.throws(() => cx.groupBy([10, 0], { keys: ["a", null] }), (e) => e.code === "missing" && e.index === 1);
});

test("results compare across a JSON round trip", () => {
  const a = JSON.parse(JSON.stringify(cx.csat([5, 5, 4, 1])));
  const b = cx.csat([5, 1, 1, 1]);
  const c = cx.compareCsat(a, b);
  assert.ok(Math.abs(c.difference - (0.25 - 0.75)) < 1e-12);
  assert.throws(() => cx.compareCsat(a, cx.csat([5], { threshold: 5 })), (e) => e.code === "incompatible");
});
