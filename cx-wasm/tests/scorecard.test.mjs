// scorecard() against `cx report --json` on the bundled demo shop: one
// computation (cx::scorecard), the same numbers from JS and the CLI.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";

import * as cx from "cx-wasm";

const root = new URL("../../", import.meta.url);
const demo = (name) => readFileSync(new URL(`cx-cli/data/demo/${name}`, root), "utf8");
// scripts/test builds the CLI (cargo test) before the Node tests run.
const bin = process.env.CX_BIN ?? new URL("target/debug/cx", root).pathname;

/** A CSV without quoted fields as columns; empty cells are null. */
function columns(text) {
  const [head, ...rows] = text.trim().split("\n").map((l) => l.split(","));
  const out = Object.fromEntries(head.map((h) => [h, []]));
  for (const r of rows) head.forEach((h, i) => out[h].push(r[i] === "" ? null : r[i]));
  return out;
}
const num = (v) => v.map((x) => (x === null ? null : Number(x)));

function shop() {
  const o = columns(demo("orders.csv"));
  const f = columns(demo("feedback.csv"));
  const c = columns(demo("contacts.csv"));
  const d = columns(demo("deliveries.csv"));
  const touchpoints = Object.keys(f).filter((k) => k.startsWith("perceived_")).map((k) => k.slice(10));
  const rows = (prefix) => f.customer.map((_, i) => touchpoints.map((t) => num(f[`${prefix}_${t}`])[i]));
  return {
    orders: { customers: o.customer, timestamps: o.date, amounts: num(o.amount) },
    feedback: {
      customers: f.customer, timestamps: f.date, nps: num(f.nps), csat: num(f.csat),
      touchpoints, expected: rows("expected"), perceived: rows("perceived"),
    },
    contacts: {
      customers: c.customer, received: c.received, answered: c.answered, resolved: c.resolved,
      channels: c.channel, cases: c.case,
    },
    deliveries: { customers: d.customer, promised: d.promised, delivered: d.delivered, carriers: d.carrier },
  };
}

const camel = (k) => k.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
/** Compares a CLI (snake_case) value with a JS (camelCase) one. Numbers
 * within 1e-6 relative: the BG/NBD fit behind P(alive) sums its likelihood
 * on all cores natively and on one in WebAssembly, so the optimum differs
 * in the last digits; its parameters lie on a flat ridge of the
 * likelihood and agree to 1e-4 (everything not from the fit agrees to the
 * bit). The risk calibration is fitted on such fits at four cut-offs: 1e-4
 * there too. */
function same(cli, js, path) {
  if (Array.isArray(cli)) {
    assert.equal(js.length, cli.length, `${path}: length`);
    cli.forEach((v, i) => same(v, js[i], `${path}[${i}]`));
  } else if (cli !== null && typeof cli === "object") {
    for (const [k, v] of Object.entries(cli)) same(v, js[camel(k)], `${path}.${k}`);
  } else if (typeof cli === "number") {
    const fitted = path.startsWith("model.model.") || path.includes(".fit.") || path.includes(".backtest.");
    const tol = fitted ? 1e-4 : 1e-6;
    assert.ok(Math.abs(cli - js) <= tol * Math.max(1, Math.abs(cli)), `${path}: ${js} != ${cli}`);
  } else {
    assert.equal(js, cli, path);
  }
}

test("scorecard() gives the numbers of cx report", () => {
  assert.ok(existsSync(bin), `the cx command is not built at ${bin}`);
  const report = JSON.parse(execFileSync(bin, ["report", "--json"], { encoding: "utf8" }));
  const card = cx.scorecard(shop());
  assert.equal(card.asOf, report.as_of);
  for (const s of ["survey", "gaps", "retention", "promise", "risk"]) same(report[s], card[s], s);
  const { cdnow_check: _, ...model } = report.model;
  same(model, card.model, "model");
  assert.ok(card.risk.atRisk > 0 && typeof card.risk.top[0].customer === "string");
});

test("scorecard() errors are typed CxErrors naming the column and row", () => {
  const s = shop();
  s.feedback.nps[5] = 11;
  assert.throws(() => cx.scorecard({ feedback: s.feedback }), (e) =>
    e.name === "CxError" && e.argument === "feedback.nps" && e.index === 5);
  assert.throws(() => cx.scorecard({ orders: s.orders, options: { serviceLevelHours: -1 } }), (e) =>
    e.name === "CxError" && e.code === "invalid_parameter" && e.argument === "service_level_hours");
  assert.throws(() => cx.scorecard(3), (e) => e.name === "CxError" && e.code === "input_type");
});
