// The shared vectors and the JS-specific API in Node, against the nodejs build.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import * as cx from "cx-wasm";
import { backtest, churn, covariates, discrete, experiments, gaps, live, retention, signals, survey } from "./vectors.mjs";

const cases = JSON.parse(readFileSync(new URL("../../tests/vectors/survey.json", import.meta.url))).cases;

test("the vector file has its cases", () => assert.ok(cases.length >= 40));

for (const t of survey(cx, cases)) test(t.name, t.run);
// The survey-only module (cx-wasm/survey, the small build of a feedback
// widget): the same survey vectors, and none of the other families.
import * as surveyOnly from "cx-wasm/survey";
import * as reportModule from "cx-wasm/report";
for (const t of survey(surveyOnly, cases)) test(`survey-only module: ${t.name}`, t.run);
test("the survey-only module exports the survey scores and nothing else", () => {
  for (const name of ["nps", "csat", "ces", "smiley", "compareNps", "compareProportions", "groupBy", "Distribution", "version"]) {
    assert.equal(typeof surveyOnly[name], "function", name);
  }
  for (const name of ["customerSummary", "ChurnModel", "LiveSummary", "scorecard", "reportFromFiles", "signals"]) {
    assert.equal(surveyOnly[name], undefined, name);
  }
  // Its accumulator bytes are the full module's.
  const d = new surveyOnly.Distribution(0, 10);
  d.extend(Uint8Array.from([10, 9, 0]));
  assert.deepEqual(cx.Distribution.fromBytes(d.toBytes()).counts, d.counts);
});

const retentionDoc = JSON.parse(readFileSync(new URL("../../tests/vectors/retention.json", import.meta.url)));
test("the retention vector file has its cases", () => assert.ok(retentionDoc.cases.length >= 25));
for (const t of retention(cx, retentionDoc)) test(`retention: ${t.name}`, t.run);

const churnDoc = JSON.parse(readFileSync(new URL("../../tests/vectors/churn.json", import.meta.url)));
const cdnowCsv = readFileSync(new URL("../../data/cdnow/cdnow_customers_summary_with_transactions.csv", import.meta.url), "utf8");
test("the churn vector file has its cases", () => assert.ok(churnDoc.cases.length >= 25 && churnDoc.fits.length === 4));
const cdnowSample = readFileSync(new URL("../../data/cdnow/CDNOW_sample.txt", import.meta.url), "utf8");
for (const t of churn(cx, churnDoc, cdnowCsv, cdnowSample)) test(t.name, t.run);
const discreteDoc = JSON.parse(readFileSync(new URL("../../tests/vectors/discrete.json", import.meta.url)));
for (const t of discrete(cx, discreteDoc)) test(t.name, t.run);

const gapsDoc = JSON.parse(readFileSync(new URL("../../tests/vectors/gaps.json", import.meta.url)));
test("the gap vector file has its cases", () => assert.ok(gapsDoc.cases.length >= 20));
for (const t of gaps(cx, gapsDoc)) test(t.name, t.run);

const experimentsDoc = JSON.parse(readFileSync(new URL("../../tests/vectors/experiments.json", import.meta.url)));
test("the experiment vector file has its cases", () => assert.ok(experimentsDoc.cases.length >= 28));
for (const t of experiments(cx, experimentsDoc)) test(t.name, t.run);

test("experiments: a chart and a test continue from their state", () => {
  const x = [10.5, 9.2, 11.3, 10.9, 12.1, 11.8, 12.4, 12.0];
  const whole = cx.cusum({ values: x, options: { target: 10, sigma: 1 } });
  const first = cx.cusum({ values: x.slice(0, 4), options: { target: 10, sigma: 1 } });
  const rest = cx.cusum({ values: Float64Array.from(x.slice(4)), state: first.state });
  assert.deepEqual(rest.points, whole.points.slice(4));
  const arms = Array.from({ length: 2000 }, (_, i) => (i % 2 ? "B" : "A"));
  const values = arms.map((a, i) => (a === "B" ? 1 : i % 4 === 0 ? 1 : 0));
  const t = cx.sequentialTest({ values, arms, answers: "share" });
  const t1 = cx.sequentialTest({ values: values.slice(0, 900), arms: arms.slice(0, 900), answers: "share" });
  const t2 = cx.sequentialTest({ values: values.slice(900), arms: arms.slice(900), answers: "share", state: t1.state });
  assert.equal(t2.crossedAt, t.crossedAt);
  assert.equal(t2.pValue, t.pValue);
  assert.ok(t.low > 0 && t.difference === 0.5);
});

const covariatesDoc = JSON.parse(readFileSync(new URL("../../tests/vectors/covariates.json", import.meta.url)));
test("the covariate vector file has its cases", () => assert.ok(covariatesDoc.log_likelihood.length >= 4 && covariatesDoc.errors.length >= 5));
for (const t of covariates(cx, covariatesDoc)) test(t.name, t.run);
const liveDoc = JSON.parse(readFileSync(new URL("../../tests/vectors/live.json", import.meta.url)));
test("the live vector file has its cases", () => assert.ok(liveDoc.cases.length >= 4 && liveDoc.errors.length >= 5));
for (const t of live(cx, liveDoc)) test(t.name, t.run);

const signalsDoc = JSON.parse(readFileSync(new URL("../../tests/vectors/signals.json", import.meta.url)));
test("the signal vector file has its cases", () => assert.ok(signalsDoc.cases.length >= 15));
for (const t of signals(cx, signalsDoc)) test(t.name, t.run);
const backtestDoc = JSON.parse(readFileSync(new URL("../../tests/vectors/backtest.json", import.meta.url)));
test("the backtest vector file has its cases", () => assert.ok(backtestDoc.cases.length >= 7));
for (const t of backtest(cx, backtestDoc)) test(t.name, t.run);

test("backtest: the demo shop's calibration goes back into signals", () => {
  const csv = (name) => readFileSync(new URL(`../../cx-cli/data/demo/${name}.csv`, import.meta.url), "utf8").trim().split("\n").slice(1).map((l) => l.split(","));
  const rows = csv("orders");
  const orders = { customers: rows.map((r) => r[1]), timestamps: rows.map((r) => r[2]), amounts: rows.map((r) => Number(r[3])) };
  const b = cx.backtest({ orders });
  assert.equal(b.cutoffs.length, 4);
  assert.ok("risk_rules" in b.aucSpread, Object.keys(b.aucSpread).join());
  assert.ok(b.holdout.brierCalibrated < b.holdout.brierRules);
  const r = cx.signals({ orders, options: { calibration: b.calibration } });
  assert.equal(r.riskMethod, "calibrated");
  const c = r.customers[0];
  const z = b.calibration.intercept + c.contributions.reduce((s, t) => s + t.logOdds, 0);
  assert.ok(Math.abs(1 / (1 + Math.exp(-z)) - c.risk) < 0.01);
  assert.ok(r.valueAtRisk.total > 0 && r.valueAtRisk.low <= r.valueAtRisk.total);
  // Capacity: the 25 highest ranked.
  const few = cx.signals({ orders, options: { calibration: b.calibration, atRiskCapacity: 25 } });
  assert.equal(few.atRiskCount, 25);
  assert.equal(few.customers.filter((x) => x.atRisk).length, 25);
  assert.ok(few.atRiskRule.includes("at most 25"));
  // The calibration survives JSON text (a notebook's to_json()).
  const again = cx.signals({ orders, options: { calibration: JSON.parse(JSON.stringify(b.calibration)) } });
  assert.deepEqual(again.customers.map((x) => x.risk), r.customers.map((x) => x.risk));
});

test("signals: a non-object argument is a typed error", () => {
  assert.throws(() => cx.signals(42), (e) => e.argument === "arguments");
});

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

test("churn: fit from customerSummary, score, round-trip through JSON", () => {
  const raw = readFileSync(new URL("../../data/cdnow/CDNOW_sample.txt", import.meta.url), "utf8").trim().split("\n");
  const rows = raw.map((l) => l.trim().split(/\s+/));
  const iso = (d) => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
  const summary = cx.customerSummary(
    { customers: rows.map((r) => Number(r[1])), timestamps: rows.map((r) => iso(r[2])), amounts: rows.map((r) => Number(r[4])) },
    { multiplier: 7, observationEnd: "1997-09-30" },
  );
  const m = cx.ChurnModel.fit("bg_nbd", summary);
  assert.equal(m.kind, "bg_nbd");
  assert.ok(m.report.converged && m.report.customers === 2357);
  assert.ok(Math.abs(m.report.logLikelihood - -9582.43) < 0.5);
  const alive = m.probabilityAlive(summary);
  assert.ok(alive instanceof Float64Array && alive.length === 2357 && alive.every((p) => p >= 0 && p <= 1));
  const back = cx.loadModel(m.toJson());
  assert.deepEqual(Array.from(back.probabilityAlive(summary)), Array.from(alive));
  const gg = cx.ChurnModel.fit("gamma_gamma", summary);
  const clv = gg.clv(m, summary, { periodsPerMonth: 4.345 });
  assert.ok(clv.every((v) => Number.isFinite(v) && v >= 0));
  const check = m.calibrationVsHoldout(summary, new Float64Array(2357), 39);
  assert.equal(check.customers, 2357);
  assert.equal(check.actualTotal, 0);
});

test("live: CDNOW one order at a time equals customerSummary, and scores like the fitted model", () => {
  const raw = readFileSync(new URL("../../data/cdnow/CDNOW_sample.txt", import.meta.url), "utf8").trim().split("\n");
  const iso = (d) => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
  const rows = raw.map((l) => l.trim().split(/\s+/)).map((r) => [Number(r[1]), iso(r[2]), Number(r[4])]);
  rows.sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  const live = new cx.LiveSummary({ multiplier: 7 });
  for (const [c, d, a] of rows) live.record(c, new Date(d), a);
  assert.equal(live.size, 2357);
  assert.equal(live.orders, 6919);
  const batch = cx.customerSummary(
    { customers: rows.map((r) => r[0]), timestamps: rows.map((r) => r[1]), amounts: rows.map((r) => r[2]) },
    { multiplier: 7 },
  );
  const s = live.summary();
  assert.deepEqual(s.customers, batch.customers);
  assert.deepEqual(Array.from(s.frequency), Array.from(batch.frequency));
  assert.deepEqual(Array.from(s.recency), Array.from(batch.recency));
  assert.deepEqual(Array.from(s.t), Array.from(batch.t));
  s.monetaryValue.forEach((v, i) => assert.ok(Math.abs(v - batch.monetaryValue[i]) <= 1e-12 * Math.max(1, v), `row ${i}`));
  assert.equal(s.report.merged, batch.report.merged);
  // Two shards of customers, merged through bytes, are the same table.
  const odd = new cx.LiveSummary({ multiplier: 7 });
  const even = new cx.LiveSummary({ multiplier: 7 });
  for (const [c, d, a] of rows) (c % 2 ? odd : even).record(c, d, a);
  odd.merge(cx.LiveSummary.fromBytes(even.toBytes()));
  assert.deepEqual(odd.toBytes(), live.toBytes());
  // The summary straight into a fit, and scores equal the model's predictions.
  const m = cx.ChurnModel.fit("bg_nbd", s);
  const alive = m.probabilityAlive(s);
  const ahead = m.predictPurchases(13, s);
  for (let i = 0; i < s.customers.length; i += 97) {
    const sc = live.score(s.customers[i], m, { horizon: 13, deadlineThreshold: 0.5 });
    assert.ok(Math.abs(sc.probabilityAlive - alive[i]) <= 1e-12, `P(alive) of ${s.customers[i]}`);
    assert.ok(Math.abs(sc.expectedPurchases - ahead[i]) <= 1e-12 * Math.max(1, ahead[i]));
    assert.ok(sc.churnDeadline === null || sc.churnDeadline >= 0);
  }
  // A customer's state, as in Python.
  const one = rows.filter((r) => r[0] === 1);
  assert.deepEqual(live.state(1), {
    firstPeriod: one[0][1], lastPeriod: one.at(-1)[1], purchases: new Set(one.map((r) => r[1])).size, orders: one.length,
    firstSpend: one.filter((r) => r[1] === one[0][1]).reduce((a, r) => a + r[2], 0),
    repeatSpend: one.filter((r) => r[1] !== one[0][1]).reduce((a, r) => a + r[2], 0),
  });
  assert.equal(live.state("nobody"), null);
  // Typed errors, and the table is unchanged by a rejected order.
  const before = live.toBytes();
  assert.throws(() => live.record(1, "1997-02-01", 1), (e) => e.code === "out_of_range" && e.argument === "customers");
  assert.deepEqual(live.toBytes(), before);
  assert.throws(() => live.record(1, "1998-07-01", NaN), (e) => e.code === "not_finite");
  assert.throws(() => live.record(1, "01.07.1998", 1), (e) => e.code === "parse");
  assert.throws(() => live.score(1, m, { asOf: "1997-01-01" }), (e) => e.argument === "observation_end");
  assert.throws(() => live.score(1, "{}"), (e) => e.code === "decode");
  assert.throws(() => live.merge({}), (e) => e.code === "input_type");
  assert.throws(() => cx.LiveSummary.fromBytes(before.slice(0, 40)), (e) => e.code === "decode");
  assert.throws(() => new cx.LiveSummary({ multiplier: 0 }), (e) => e.argument === "multiplier");
});

test("reportFromFiles: the demo shop's exports give the report page and its JSON in Node", () => {
  // Only the report module (cx-wasm/report) carries the CSV reader and the renderer.
  assert.equal(cx.reportFromFiles, undefined);
  const demo = new URL("../../cx-cli/data/demo/", import.meta.url);
  const files = {};
  for (const t of ["orders", "feedback", "contacts", "deliveries"]) files[t] = { name: `${t}.csv`, data: readFileSync(new URL(`${t}.csv`, demo)) };
  const r = reportModule.reportFromFiles(files, { top: 10 });
  for (const id of ["chart-nps-trend", "chart-csat-trend", "chart-gaps", "chart-ipa", "chart-cohorts", "chart-p-alive", "at-risk", "data-quality", "cdnow-check"]) {
    assert.ok(r.html.includes(`id="${id}"`), id);
  }
  const j = JSON.parse(r.json);
  assert.equal(j.data.length, 4);
  assert.deepEqual(j.data.map((q) => q.file), ["orders.csv", "feedback.csv", "contacts.csv", "deliveries.csv"]);
  assert.ok(j.data.every((q) => q.used > 0 && q.rows >= q.used));
  assert.equal(j.risk.top.length, 10);
  // The stand-in for plotters' DOM text measurement is gone afterwards.
  assert.equal(typeof globalThis.document, "undefined");
  assert.equal(typeof globalThis.HTMLElement, "undefined");
  // Text instead of bytes, a German export (';' and decimal commas, dd.mm.yyyy), and typed errors.
  const german = "Kunde;Datum;Betrag\na;01.03.2024;12,50\na;15.03.2024;8,00\nb;02.03.2024;5,00\n";
  const g = JSON.parse(reportModule.reportFromFiles({ orders: german }, { columns: { "orders.customer": "Kunde", "orders.date": "Datum", "orders.amount": "Betrag" } }).json);
  assert.equal(g.data[0].used, 3);
  assert.match(g.data[0].dialect, /separator ';', decimal ','/);
  assert.throws(() => reportModule.reportFromFiles({ orders: "customer,date\na,2024-13-45\n" }), (e) => e.name === "CxError" && e.code === "file" && /orders\.csv:2: column `date`/.test(e.message)
    && e.argument === "files" && e.file === "orders.csv" && e.line === 2 && e.column === "date" && e.value === "2024-13-45" && /^not a date/.test(e.reason));
  assert.throws(() => reportModule.reportFromFiles({ orders: 5 }), (e) => e.code === "input_type" && e.argument === "files.orders");
  assert.throws(() => reportModule.reportFromFiles({ orders: german }, { topp: 1 }), (e) => e.code === "invalid_parameter");
});

test("typed arrays cross as buffers with the results and errors of plain arrays", () => {
  const day = 86_400_000;
  const plain = { customers: [3, 1, 3, 2], timestamps: [0, day, 5 * day, 9 * day], amounts: [1, 2, 3, 4] };
  const typed = { customers: Float64Array.from(plain.customers), timestamps: Float64Array.from(plain.timestamps), amounts: Float64Array.from(plain.amounts) };
  assert.deepEqual(cx.customerSummary(typed), cx.customerSummary(plain));
  assert.deepEqual(cx.customerSummary({ ...typed, customers: Int32Array.from(plain.customers) }), cx.customerSummary(plain));
  // Fractional ids are text keys either way; a missing key or time is the same typed error.
  const frac = [1.5, 2, 1.5, 2];
  assert.deepEqual(cx.customerSummary({ ...typed, customers: Float64Array.from(frac) }), cx.customerSummary({ ...plain, customers: frac }));
  const err = (f) => { try { f(); } catch (e) { return { code: e.code, argument: e.argument, index: e.index }; } return null; };
  assert.deepEqual(err(() => cx.customerSummary({ ...typed, customers: Float64Array.from([3, NaN, 3, 2]) })), err(() => cx.customerSummary({ ...plain, customers: [3, null, 3, 2] })));
  assert.deepEqual(err(() => cx.customerSummary({ ...typed, timestamps: Float64Array.from([0, NaN, 0, 0]) })), { code: "missing", argument: "timestamps", index: 1 });
  const m = cx.loadModel('{"model": "bg_nbd", "r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}');
  const cols = { frequency: [1, 0, 4], recency: [3, 0, 20], t: [10, 5, 30] };
  const tcols = Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, Float64Array.from(v)]));
  assert.deepEqual(Array.from(m.probabilityAlive(tcols)), Array.from(m.probabilityAlive(cols)));
  assert.deepEqual(err(() => m.probabilityAlive({ ...tcols, t: Float64Array.from([10, NaN, 30]) })), err(() => m.probabilityAlive({ ...cols, t: [10, NaN, 30] })));
});

test("churn: bad input is a CxError naming the argument", () => {
  const m = cx.loadModel('{"model": "bg_nbd", "r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}');
  assert.throws(() => m.probabilityAlive({ frequency: [1], recency: [1] }), (e) => e.name === "CxError" && e.argument === "t");
  assert.throws(() => m.probabilityAlive(null), (e) => e.name === "CxError" && e.code === "input_type");
  assert.throws(() => m.predictPurchases(NaN, { frequency: [1], recency: [1], t: [2] }), (e) => e.argument === "horizon");
  assert.throws(() => cx.ChurnModel.fit("bg_nbd", { frequency: [1], recency: [1], t: [2] }, { penalty: 1 }), (e) => e.argument === "options");
  assert.throws(() => cx.loadModel("{"), (e) => e.code === "decode");
});

const names = JSON.parse(readFileSync(new URL("../../tests/names.json", import.meta.url))).names;
test("every JS name of tests/names.json exists", () => {
  assert.ok(names.length >= 30);
  for (const n of names) {
    const [head, method] = n.js.split(".");
    const obj = (n.module === "cx-wasm/report" ? reportModule : cx)[head];
    assert.equal(typeof obj, "function", `${n.concept}: ${head} is not exported`);
    if (method) assert.equal(typeof (obj[method] ?? obj.prototype[method]), "function", `${n.concept}: ${n.js}`);
  }
});

test("wrong argument types are CxErrors, not WebAssembly traps, and the module keeps working", () => {
  const inputType = (e) => e.name === "CxError" && e.code === "input_type";
  for (const bad of [-1, {}, null, undefined, [1, 2], true]) {
    assert.throws(() => cx.loadModel(bad), inputType, `loadModel(${JSON.stringify(bad)})`);
    assert.throws(() => cx.ChurnModel.fromJson(bad), inputType);
    assert.throws(() => cx.Distribution.fromBytes(bad), inputType, `fromBytes(${JSON.stringify(bad)})`);
    assert.throws(() => cx.ChurnModel.fit(bad, { frequency: [1], recency: [1], t: [2] }), inputType);
  }
  assert.throws(() => cx.Distribution.fromBytes(new Uint8Array([1, 2, 3])), (e) => e.code === "decode");
  assert.equal(cx.nps([10, 9, 0]).n, 3);
  assert.equal(cx.loadModel('{"model": "bg_nbd", "r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}').kind, "bg_nbd");
});

test("a weighted fit (lifetimes' weights) equals the fit of the expanded summary", () => {
  const rows = cdnowCsv.trim().split("\n").slice(1).map((l) => l.split(",").map(Number));
  const counts = new Map();
  for (const r of rows) {
    const key = `${r[1]},${r[2]},${r[3]}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const keys = [...counts.keys()].map((k) => k.split(",").map(Number));
  assert.equal(keys.length, 1016);
  const full = cx.ChurnModel.fit("bg_nbd", { frequency: rows.map((r) => r[1]), recency: rows.map((r) => r[2]), T: rows.map((r) => r[3]) });
  const weighted = cx.ChurnModel.fit("bg_nbd", {
    frequency: keys.map((k) => k[0]),
    recency: keys.map((k) => k[1]),
    T: keys.map((k) => k[2]),
    weights: [...counts.values()],
  });
  for (const [k, v] of Object.entries(full.params)) assert.ok(Math.abs(weighted.params[k] - v) <= 1e-6 * v, `${k}: ${weighted.params[k]} vs ${v}`);
  assert.equal(weighted.report.customers, 2357);
});

test("bootstrap intervals: reproducible, bracketing the estimate, typed errors", () => {
  const rows = cdnowCsv.trim().split("\n").slice(1).map((l) => l.split(",").map(Number));
  const customers = { frequency: rows.map((r) => r[1]), recency: rows.map((r) => r[2]), T: rows.map((r) => r[3]) };
  const m = cx.ChurnModel.fit("bg_nbd", customers);
  const p = { kind: "conditional_expected_purchases", horizon: 39 };
  const a = m.bootstrap(p, customers, { replicates: 60, seed: 3 });
  assert.equal(a.estimate.length, 2357);
  assert.equal(a.failed, 0);
  assert.ok(a.estimate.every((e, i) => a.low[i] <= e * 1.0001 && e <= a.high[i] * 1.0001));
  assert.ok(a.total.low < a.total.estimate && a.total.estimate < a.total.high);
  assert.deepEqual(m.bootstrap(p, customers, { replicates: 60, seed: 3 }).low, a.low);
  const fresh = m.bootstrap({ kind: "expected_purchases" }, customers, { replicates: 30, periods: [52] });
  assert.equal(fresh.estimate.length, 1);
  assert.throws(() => m.bootstrap(p, customers, { replicates: 0 }), (e) => e.name === "CxError" && e.argument === "replicates");
});
