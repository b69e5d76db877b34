// Compile-time check of the published TypeScript declarations (tsc --noEmit).
// Every line uses the API as a web-shop developer would; a wrong type in
// the declarations makes this file fail to compile.
import { nps, csat, ces, smiley, compareNps, compareCsat, groupBy, Distribution, customerSummary, storeSummary, cohortRetention, rfm, cadence, calibrationHoldout, ChurnModel, loadModel } from "cx-wasm";
import type { Nps, Csat, Ces, Smiley, Comparison, Group, CxError, CustomerSummary, StoreSummary, Cohort, Rfm, Cadence, TransactionTable, FitReport, HoldoutCheck } from "cx-wasm";
import * as cx from "cx-wasm";
import * as report from "cx-wasm/report";

const r: Nps = nps(Uint8Array.from([10, 9, 3]), { interval: "wald", level: 0.9 });
const score: number = r.score;
const low: number = r.ciLow;
const s: Csat = csat([5, 4, null], { scale: [1, 5], threshold: 4, weights: [1, 2, 1] });
const share: number = s.satisfied.share;
const sd: number | null = s.mean.sd;
const e: Ces = ces(Float64Array.from([7, 6]), { polarity: "ease", easyThreshold: 5 });
const m: Smiley = smiley([4, 3]);
const c: Comparison = compareNps(r, nps([10, 10]));
const p: number = c.pValue;
const z: number | null = c.z;
const c2: Comparison = compareCsat(s, csat([5]));
const groups: Group[] = groupBy([10, 0], { keys: ["web", "store"], timestamps: [Date.now(), "2024-01-01"], bucket: "week" });
const first: Distribution = groups[0].distribution;
const d = new Distribution(0, 10);
d.extend([10, 9], [1, 2]);
d.merge(Distribution.fromBytes(d.toBytes()));
const n: number = d.n;
const isCx = (x: unknown): x is CxError => x instanceof Error && x.name === "CxError";

const table: TransactionTable = { customers: ["a", "a", "b"], timestamps: ["2024-01-01", new Date(), 1704067200000], amounts: Float64Array.from([1, 2, 3]) };
const summary: CustomerSummary = customerSummary(table, { period: "week", multiplier: 1, observationEnd: "2024-03-31" });
const tOfFirst: number = summary.t[0];
const used: number = summary.report.used;
const store: StoreSummary = storeSummary(table);
const aov: number | null = store.averageOrderValue;
const cohorts: Cohort[] = cohortRetention(table, { bucket: "month" });
const seg: string = rfm(table, { asOf: "2024-04-01" }).segment[0];
const z2: number | null = cadence(table).z[0];
const holdout: number[] = calibrationHoldout(table, { calibrationEnd: "2024-01-15" }).frequencyHoldout;
const r2: Rfm = rfm(table);
const c3: Cadence = cadence(table);

const bg: ChurnModel = ChurnModel.fit("bg_nbd", summary, { penalizer: 0.001, maxIterations: 200 });
const fit: FitReport | null = bg.report;
const alive: Float64Array = bg.probabilityAlive(summary);
const next: Float64Array = bg.predictPurchases(30, { frequency: [1], recency: [2], T: [10] });
const params: Record<string, number> = loadModel(bg.toJson()).params;
const gg: ChurnModel = ChurnModel.fit("gamma_gamma", summary);
const clv: Float64Array = gg.clv(bg, summary, { months: 6, discountRate: 0.01, periodsPerMonth: 30 });
const check: HoldoutCheck = bg.calibrationVsHoldout(summary, [0], 30);
// @ts-expect-error: CLV options are a closed set.
gg.clv(bg, summary, { years: 1 });

// @ts-expect-error: the interval method is a closed set.
nps([10], { interval: "exact" });

export { score, low, share, sd, e, m, p, z, c2, first, n, isCx, tOfFirst, used, aov, cohorts, seg, z2, holdout, r2, c3, fit, alive, next, params, clv, check };

import { signals } from "cx-wasm";
import type { SignalReport, CustomerRisk, SignalKind } from "cx-wasm";
const sr: SignalReport = signals({
  orders: { customers: ["a", "a"], timestamps: ["2024-01-01", new Date()] },
  deliveries: { customers: ["a"], promised: ["2024-01-03"], delivered: [null] },
  options: { asOf: "2024-02-01", overdueRatio: 3, lostAfterDays: null, fitModel: false },
});
const topRisk: CustomerRisk = sr.customers[0];
const why: string = topRisk.signals[0].reason;
const kind: SignalKind = topRisk.signals[0].kind;
const lateCount: number | undefined = sr.counts.late_deliveries;
const pAlive: number | null = topRisk.pAlive;

// Covariates: the fit's model goes straight into the predictions.
{
  const m: cx.CovariateModel = cx.fitCovariates({
    model: "bg_nbd", frequency: [1, 0], recency: [3, 0], t: [5, 4],
    covariates: { late: [0, 1] }, options: { dropout: [], acceptUnconverged: true },
  });
  const p: Float64Array = cx.predictCovariates({ model: m, prediction: { kind: "probability_alive" }, frequency: [1], recency: [3], t: [5], covariates: { late: [1] } });
  const gaps: cx.PromiseCovariates = cx.promiseCovariates({ deliveries: { customers: ["a"], promised: ["2024-01-01"], delivered: ["2024-01-03"] } });
  const d: Float64Array = cx.predictDynamic({
    model: m.json, prediction: { kind: "conditional_expected_purchases", horizon: 1 }, frequency: [0], recency: [0], t: [1],
    first: [0], boundaries: [0, 1, 2], purchases: [0, 0], covariates: { late: [0, 1] },
  });
  void [p, gaps.columns["late_share"], d, m.coefficients[0].pValue, m.fit?.likelihoodRatio.pValue];
}

// Live per-order scoring: a state per customer, scored with a model.
{
  const live = new cx.LiveSummary({ period: "day", multiplier: 7 });
  live.record("ann", new Date("2024-01-01"), 30);
  live.record(7, "2024-01-02");
  const n: number = live.recordMany({ customers: ["bob"], timestamps: ["2024-01-08"], amounts: [10] });
  const s: cx.LiveScore = live.score("ann", loadModel('{"model": "bg_nbd", "r": 0.2, "alpha": 4, "a": 0.8, "b": 2.4}'), { asOf: "2024-01-29", horizon: 4, deadlineThreshold: 0.5 });
  const deadline: number | null = s.churnDeadline;
  const summary: CustomerSummary = live.summary({ observationEnd: "2024-01-29" });
  const st: cx.LiveState | null = live.state("ann");
  const copy: cx.LiveSummary = cx.LiveSummary.fromBytes(live.toBytes());
  copy.merge(live);
  void [n, s.probabilityAlive, deadline, summary.t, copy.size, copy.orders, copy.unpriced, st?.purchases];
}

// The report of the shop's exports, and the survey-only module.
{
  const r: report.ShopReport = report.reportFromFiles(
    { orders: { name: "orders.csv", data: new Uint8Array() }, feedback: "customer,date,nps\n" },
    { asOf: "2024-06-30", skipBadRows: true, delimiter: ";", columns: { "orders.customer": "Kunde" } },
  );
  const page: string = r.html;
  void [page, r.json];
  try {
    report.reportFromFiles({ orders: "customer,date\na,2024-02-30\n" });
  } catch (e) {
    if (isCx(e) && e.code === "file") {
      const where: string = `${e.file}:${e.line} ${e.column} ${e.reason}`;
      void where;
    }
  }
}
