// Runs the shared vectors (tests/vectors/*.json) against a loaded cx module.
// Environment-agnostic: the Node tests and the Chromium page both use it.

const camel = (s) => s.replace(/_([a-z])/g, (_, c) => c.toUpperCase());

const floats = (xs) => xs.map((v) => (v === "NaN" ? NaN : v));

export function scoresOf(c) {
  if (c.score_runs) return c.score_runs.flatMap(([v, n]) => Array(n).fill(v));
  return floats(c.scores);
}

const at = (obj, path) => path.split(".").reduce((o, k) => (o == null ? o : o[camel(k)]), obj);

function close(what, got, want, tol) {
  if (want === null || typeof want === "string" || typeof want === "boolean") {
    if (got !== want) throw new Error(`${what}: got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  } else if (typeof want === "number") {
    if (typeof got !== "number" || !(Math.abs(got - want) <= tol)) {
      throw new Error(`${what}: got ${got}, expected ${want} ± ${tol}`);
    }
  } else if (Array.isArray(want)) {
    if (!got || got.length !== want.length) throw new Error(`${what}: length ${got && got.length} != ${want.length}`);
    want.forEach((w, i) => close(`${what}[${i}]`, got[i], w, tol));
  } else {
    for (const [k, w] of Object.entries(want)) close(`${what}.${k}`, got[camel(k)], w, tol);
  }
}

function camelOptions(o) {
  if (!o) return {};
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [camel(k), v]));
}

function run(cx, c, convert) {
  const opts = { ...camelOptions(c.options) };
  if (c.weights) opts.weights = floats(c.weights);
  switch (c.call) {
    case "nps":
    case "csat":
    case "ces":
    case "smiley":
      return cx[c.call](convert(scoresOf(c)), opts);
    case "compare_nps":
      return cx.compareNps(cx.nps(convert(scoresOf(c.a)), opts), cx.nps(convert(scoresOf(c.b)), opts));
    case "compare_csat":
      return cx.compareCsat(
        cx.csat(convert(scoresOf(c.a)), camelOptions(c.a_options)),
        cx.csat(convert(scoresOf(c.b)), camelOptions(c.b_options)),
      );
    case "group_by": {
      const groups = cx.groupBy(convert(scoresOf(c)), {
        keys: c.keys,
        timestamps: c.timestamps_ms,
        bucket: c.bucket,
      });
      return groups.map((g) => {
        const r = g.distribution.nps();
        return { key: g.key, period: g.period, n: r.n, score: r.score };
      });
    }
    case "distribution_bytes": {
      const d = new cx.Distribution(c.scale.min, c.scale.max);
      d.extend(convert(scoresOf(c)), c.weights ? floats(c.weights) : undefined);
      return Array.from(d.toBytes(), (b) => b.toString(16).padStart(2, "0")).join("");
    }
    case "distribution_from_hex": {
      const bytes = new Uint8Array(c.hex.match(/../g).map((h) => parseInt(h, 16)));
      return cx.Distribution.fromBytes(bytes);
    }
    default:
      throw new Error(`unknown call ${c.call}`);
  }
}

function check(cx, c, convert) {
  if (c.error) {
    let thrown = null;
    try {
      run(cx, c, convert);
    } catch (e) {
      thrown = e;
    }
    if (!thrown) throw new Error("expected an error, got none");
    if (!(thrown instanceof Error)) throw new Error(`threw a non-Error: ${thrown}`);
    if (thrown.name !== "CxError") throw new Error(`error name ${thrown.name}: ${thrown.message}`);
    if (thrown.code !== c.error.code) throw new Error(`code ${thrown.code} != ${c.error.code}: ${thrown.message}`);
    if (thrown.argument !== c.error.argument) throw new Error(`argument ${thrown.argument} != ${c.error.argument}`);
    if ("index" in c.error && thrown.index !== c.error.index) throw new Error(`index ${thrown.index} != ${c.error.index}`);
    return;
  }
  const got = run(cx, c, convert);
  const tol = c.tol ?? 0;
  if (c.expected) {
    for (const [path, want] of Object.entries(c.expected)) close(path, at(got, path), want, tol);
  } else if (c.expected_groups) {
    close("groups", got, c.expected_groups, tol);
  } else if (c.expected_hex) {
    if (got !== c.expected_hex) throw new Error(`bytes ${got} != ${c.expected_hex}`);
  } else {
    throw new Error("case has nothing to check");
  }
}

const whole = (xs) => xs.every((v) => Number.isInteger(v));
const allScores = (c) =>
  [c, c.a, c.b].filter((s) => s && (s.scores || s.score_runs)).flatMap((s) => scoresOf(s));

/** One entry per case and input flavour: {name, run()} where run throws on failure. */
export function survey(cx, cases) {
  const out = [];
  for (const c of cases) {
    out.push({ name: `${c.name} [array]`, run: () => check(cx, c, (s) => s) });
    out.push({ name: `${c.name} [Float64Array]`, run: () => check(cx, c, (s) => Float64Array.from(s)) });
    const all = allScores(c);
    if (whole(all) && all.every((v) => v >= 0 && v <= 255)) {
      out.push({ name: `${c.name} [Uint8Array]`, run: () => check(cx, c, (s) => Uint8Array.from(s)) });
    }
    if (whole(all)) {
      out.push({ name: `${c.name} [Int32Array]`, run: () => check(cx, c, (s) => Int32Array.from(s)) });
    }
  }
  return out;
}

const RETENTION_CALLS = {
  customer_summary: "customerSummary",
  calibration_holdout: "calibrationHoldout",
  store_summary: "storeSummary",
  returning_customers: "returningCustomers",
  cohort_retention: "cohortRetention",
  time_to_second_purchase: "timeToSecondPurchase",
  rfm: "rfm",
  cadence: "cadence",
};

function runRetention(cx, doc, c, asTyped) {
  const t = c.transactions ?? doc.shop;
  const tx = { customers: t.customers, timestamps: t.timestamps };
  if (t.amounts) tx.amounts = asTyped ? Float64Array.from(floats(t.amounts)) : floats(t.amounts);
  return cx[RETENTION_CALLS[c.call]](tx, camelOptions(c.options));
}

function checkRetention(cx, doc, c, asTyped) {
  if (c.error) {
    let thrown = null;
    try {
      runRetention(cx, doc, c, asTyped);
    } catch (e) {
      thrown = e;
    }
    if (!thrown) throw new Error("expected an error, got none");
    if (thrown.name !== "CxError") throw new Error(`error name ${thrown.name}: ${thrown.message}`);
    if (thrown.code !== c.error.code) throw new Error(`code ${thrown.code} != ${c.error.code}: ${thrown.message}`);
    if (thrown.argument !== c.error.argument) throw new Error(`argument ${thrown.argument} != ${c.error.argument}`);
    if ("index" in c.error && thrown.index !== c.error.index) throw new Error(`index ${thrown.index} != ${c.error.index}`);
    return;
  }
  const got = runRetention(cx, doc, c, asTyped);
  const tol = c.tol ?? 0;
  if (c.expected) {
    for (const [path, want] of Object.entries(c.expected)) close(path, at(got, path), want, tol);
  } else {
    close("rows", got, c.expected_rows, tol);
  }
}

/** The retention vectors: {name, run()} entries as for the survey. */
export function retention(cx, doc) {
  return doc.cases.flatMap((c) => [
    { name: `${c.name} [arrays]`, run: () => checkRetention(cx, doc, c, false) },
    { name: `${c.name} [Float64Array amounts]`, run: () => checkRetention(cx, doc, c, true) },
  ]);
}

/** Parses the CDNOW summary CSV (ID,x,t_x,T,zbar) into churn-model columns. */
export function cdnowColumns(csvText) {
  const rows = csvText.trim().split(/\r?\n/).slice(1).map((l) => l.split(",").map(Number));
  return {
    frequency: Float64Array.from(rows, (r) => r[1]),
    recency: Float64Array.from(rows, (r) => r[2]),
    t: Float64Array.from(rows, (r) => r[3]),
    monetaryValue: Float64Array.from(rows, (r) => r[4]),
  };
}

function runChurn(cx, doc, c) {
  const model = cx.loadModel(JSON.stringify(c.model));
  const table = c.customers ?? doc.customers;
  const customers = {
    frequency: floats(table.frequency),
    recency: floats(table.recency),
    T: floats(table.T),
    monetaryValue: table.monetary_value ? floats(table.monetary_value) : undefined,
  };
  if (c.spend_model) {
    return cx.loadModel(JSON.stringify(c.spend_model)).clv(model, customers, camelOptions(c.clv));
  }
  const p = c.prediction;
  switch (p.kind) {
    case "probability_alive":
      return model.probabilityAlive(customers);
    case "conditional_expected_purchases":
      return model.predictPurchases(p.horizon, customers);
    case "expected_purchases":
      return model.expectedPurchases(floats(c.t));
    case "probability_of_purchases":
      return model.probabilityOfPurchases(Float64Array.from(floats(c.t)), p.n);
    case "expected_spend":
      return model.expectedSpend(customers);
    case "log_likelihood":
      return model.logLikelihood(customers);
    case "conditional_probability_of_purchases":
      return model.conditionalProbabilityOfPurchases(p.n, p.horizon, customers);
    case "probability_of_any_purchase":
      return model.probabilityOfAnyPurchase(p.horizon, customers);
    case "purchases_quantile":
      return model.purchasesQuantile(p.q, p.horizon, customers);
    case "probability_alive_at":
      return model.probabilityAliveAt(p.horizon, customers);
    case "probability_alive_if_silent":
      return model.probabilityAliveIfSilent(p.horizon, customers);
    case "churn_deadline":
      return model.churnDeadline(p.threshold, customers);
    case "dert":
      return model.dert(p.delta, customers);
    default:
      throw new Error(`unknown prediction ${p.kind}`);
  }
}

function checkChurn(cx, doc, c) {
  if (c.error) {
    let thrown = null;
    try {
      runChurn(cx, doc, c);
    } catch (e) {
      thrown = e;
    }
    if (!thrown) throw new Error("expected an error, got none");
    if (thrown.name !== "CxError") throw new Error(`error name ${thrown.name}: ${thrown.message}`);
    if (thrown.code !== c.error.code) throw new Error(`code ${thrown.code} != ${c.error.code}: ${thrown.message}`);
    if (thrown.argument !== c.error.argument) throw new Error(`argument ${thrown.argument} != ${c.error.argument}`);
    if ("index" in c.error && thrown.index !== c.error.index) throw new Error(`index ${thrown.index} != ${c.error.index}`);
    return;
  }
  const got = runChurn(cx, doc, c);
  if (!(got instanceof Float64Array)) throw new Error("predictions must be a Float64Array");
  if (got.length !== c.expected.length) throw new Error(`length ${got.length} != ${c.expected.length}`);
  c.expected.forEach((w, i) => {
    // "NaN": no number (a churn deadline never reached).
    if (w === "NaN" && Number.isNaN(got[i])) return;
    if (!(Math.abs(got[i] - w) <= c.rel_tolerance * Math.abs(w))) {
      throw new Error(`[${i}]: got ${got[i]}, expected ${w} (rel ${c.rel_tolerance})`);
    }
  });
}

function checkFit(cx, f, columns) {
  const m = cx.ChurnModel.fit(f.model, columns);
  const r = m.report;
  if (!r.converged) throw new Error(`not converged: ${r.termination}`);
  if (Math.abs(r.logLikelihood - f.log_likelihood) > f.ll_tolerance) {
    throw new Error(`log-likelihood ${r.logLikelihood}, expected ${f.log_likelihood}`);
  }
  if (r.customers !== f.customers) throw new Error(`customers ${r.customers} != ${f.customers}`);
  const params = m.params;
  for (const [k, w] of Object.entries(f.params)) {
    if (!(Math.abs(params[k] - w) <= f.rel_tolerance * w)) throw new Error(`${k} = ${params[k]}, expected ${w}`);
  }
  const back = cx.loadModel(m.toJson());
  if (back.toJson() !== m.toJson()) throw new Error("JSON round trip changed the model");
}

/** The churn vectors and fits: {name, run()} entries; `cdnowCsv` is the text of the fit data. */
export function churn(cx, doc, cdnowCsv, cdnowSample) {
  const columns = cdnowColumns(cdnowCsv);
  const tracking = doc.tracking;
  const path = doc.alive_path;
  return [
    {
      name: `churn: alive path, ${path.name}`,
      run: () => {
        const got = cx.loadModel(JSON.stringify(path.model)).alivePath(path.purchases, path.at);
        if (got.length !== path.expected.length) throw new Error(`${got.length} points`);
        path.expected.forEach((w, i) => {
          if (!(Math.abs(got[i] - w) <= path.rel_tolerance * w)) throw new Error(`[${i}]: ${got[i]} vs ${w}`);
        });
      },
    },
    {
      name: `churn: ${tracking.name}`,
      run: () => {
        // CDNOW_sample.txt: master id, sample id, YYYYMMDD, CDs, dollars.
        const rows = cdnowSample.trim().split("\n").map((l) => l.trim().split(/\s+/));
        const iso = (d) => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
        const t = cx.loadModel(JSON.stringify(tracking.model)).expectedCumulativeTransactions(
          { customers: rows.map((r) => Number(r[1])), timestamps: rows.map((r) => iso(r[2])) },
          tracking.options,
        );
        for (const key of ["actual", "predicted"]) {
          if (t[key].length !== tracking[key].length) throw new Error(`${key}: ${t[key].length} rows`);
          tracking[key].forEach((w, i) => {
            if (!(Math.abs(t[key][i] - w) <= tracking.rel_tolerance * Math.max(1, Math.abs(w)))) throw new Error(`${key}[${i}]: ${t[key][i]} vs ${w}`);
          });
        }
        if (t.rows.rows !== rows.length) throw new Error(`rows ${t.rows.rows}`);
      },
    },
    ...doc.cases.map((c) => ({ name: `churn: ${c.name}`, run: () => checkChurn(cx, doc, c) })),
    ...doc.fits.map((f) => ({ name: `churn fit: ${f.name}`, run: () => checkFit(cx, f, columns) })),
    ...doc.penalized_fits.map((c) => ({
      name: `churn penalized fit: ${c.name}`,
      run: () => {
        const m = cx.ChurnModel.fit(c.model, columns, { penalizer: c.penalizer });
        if (!m.report.converged) throw new Error(`not converged: ${m.report.termination}`);
        for (const [k, w] of Object.entries(c.params)) {
          if (!(Math.abs(m.params[k] - w) <= c.rel_tolerance * w)) throw new Error(`${k} = ${m.params[k]}, lifetimes ${w}`);
        }
      },
    })),
    ...doc.fit_errors.map((c) => ({
      name: `churn fit error: ${c.name}`,
      run: () => expectCxError(() => cx.ChurnModel.fit(c.model, doc.fit_columns, camelOptions(c.options)), c.error),
    })),
    // CDNOW as distinct rows with counts (what cx.spark and cx.dask send to the driver).
    ...doc.weighted_fits.map((f) => ({
      name: `churn weighted fit: ${f.name}`,
      run: () => {
        const rows = Object.fromEntries(Object.entries(f.columns).map(([k, v]) => [k, floats(v)]));
        checkFit(cx, f, { ...rows, weights: floats(f.weights) });
      },
    })),
    ...doc.weighted_fit_errors.map((c) => ({
      name: `churn weighted fit error: ${c.name}`,
      run: () => expectCxError(() => cx.ChurnModel.fit(c.model, { ...doc.weighted_fit_columns, weights: floats(c.weights) }), c.error),
    })),
  ];
}

const GAP_FUNCTIONS = {
  servqual: "servqual",
  ipa: "ipa",
  kano: "kano",
  cronbach_alpha: "cronbachAlpha",
  delivery: "delivery",
  answer_times: "answerTimes",
  first_contact_resolution: "firstContactResolution",
  repeat_contacts: "repeatContacts",
};

/** An ISO string as a UTC Date (unparsable text stays text, to test the error). */
function asDate(t) {
  if (t === null) return null;
  const d = new Date(t.length === 10 ? `${t}T00:00:00Z` : `${t}Z`);
  return Number.isNaN(d.getTime()) ? t : d;
}

/** JS-style arguments of a gap vector: camelCase names, channel levels as an object, ISO dates as Date objects. */
function gapArgs(args) {
  const out = {};
  for (const [k, v] of Object.entries(args)) {
    if (k === "channel_levels") out.channelLevels = Object.fromEntries(v.map((l) => [l.channel, l.seconds]));
    else if (["promised", "received"].includes(k)) out[camel(k)] = v.map(asDate);
    else out[camel(k)] = v;
  }
  return out;
}

/** Throws unless `run` throws a CxError with the vector's code, argument and index. */
function expectCxError(run, want) {
  let err;
  try {
    run();
  } catch (e) {
    err = e;
  }
  if (!err) throw new Error("expected an error");
  if (err.name !== "CxError" || err.code !== want.code || err.argument !== want.argument) {
    throw new Error(`got ${err.name} ${err.code} ${err.argument}: ${err.message}`);
  }
  if ("index" in want && err.index !== want.index) throw new Error(`index ${err.index} != ${want.index}`);
}

function checkGap(cx, c) {
  const fn = cx[GAP_FUNCTIONS[c.call]];
  if (typeof fn !== "function") throw new Error(`no export for ${c.call}`);
  if (c.error) return expectCxError(() => fn(gapArgs(c.args)), c.error);
  const r = fn(gapArgs(c.args));
  for (const [path, want] of Object.entries(c.expected)) close(path, at(r, path), want, c.tol);
}

/** The expectation-gap vectors: {name, run()} entries. */
export function gaps(cx, doc) {
  return doc.cases.map((c) => ({ name: `gaps: ${c.name}`, run: () => checkGap(cx, c) }));
}

/** JS-style arguments of a signal vector: option names camelCased, received/promised/order times as Dates. */
function signalArgs(args) {
  const out = {};
  for (const [t, v] of Object.entries(args)) {
    if (t === "options") {
      out.options = Object.fromEntries(Object.entries(v).map(([k, x]) => [camel(k), x]));
    } else {
      out[t] = Object.fromEntries(
        Object.entries(v).map(([k, x]) => [k, ["received", "promised", "timestamps"].includes(k) && Array.isArray(x) ? x.map((d) => (d === null ? d : asDate(d))) : x]),
      );
    }
  }
  return out;
}

function checkSignal(cx, c) {
  if (c.error) return expectCxError(() => cx.signals(signalArgs(c.args)), c.error);
  const r = cx.signals(signalArgs(c.args));
  for (const [path, want] of Object.entries(c.expected)) close(path, at(r, path), want, c.tol);
  // counts keys are the signal kinds, as in signal.kind.
  for (const cust of r.customers) for (const s of cust.signals) if (!cust.lost && !(s.kind in r.counts)) throw new Error(`counts lacks ${s.kind}`);
}

/** The customer-signal vectors: {name, run()} entries. */
export function signals(cx, doc) {
  return doc.cases.map((c) => ({ name: `signals: ${c.name}`, run: () => checkSignal(cx, c) }));
}

/** The backtest vectors (tests/vectors/backtest.json): the same tables as the signals. */
export function backtest(cx, doc) {
  return doc.cases.map((c) => ({
    name: `backtest: ${c.name}`,
    run: () => {
      if (c.error) return expectCxError(() => cx.backtest(signalArgs(c.args)), c.error);
      const r = cx.backtest(signalArgs(c.args));
      for (const [path, want] of Object.entries(c.expected)) close(path, at(r, path), want, c.tol);
    },
  }));
}

// The discrete-time models (tests/vectors/discrete.json): sBG and BG/BB.
export function discrete(cx, doc) {
  const near = (got, want, tol, what) => {
    if (got.length !== want.length) throw new Error(`${what}: ${got.length} values`);
    want.forEach((w, i) => {
      if (!(Math.abs(got[i] - w) <= tol)) throw new Error(`${what}[${i}]: ${got[i]} vs ${w} (±${tol})`);
    });
  };
  const sbg = {
    survival: (m, p, t) => m.survival(t),
    retention_rate: (m, p, t) => m.retentionRate(t),
    discounted_expected_lifetime: (m, p) => [m.discountedExpectedLifetime(p.discount_rate)],
    discounted_expected_residual_lifetime: (m, p, t) => m.discountedExpectedResidualLifetime(p.discount_rate, t),
  };
  return [
    ...doc.sbg_fits.map((f) => ({
      name: `sbg: ${f.name}`,
      run: () => {
        const m = cx.ShiftedBetaGeometric.fit({ survivors: f.survivors });
        for (const [k, w] of Object.entries(f.params)) near([m.params[k]], [w], f.param_tolerance, k);
        near([m.report.logLikelihood], [f.log_likelihood], f.ll_tolerance, "ln L");
        for (const p of f.predictions) near(sbg[p.prediction.kind](m, p.prediction, p.t ?? []), p.expected, p.tolerance, p.prediction.kind);
        const again = cx.ShiftedBetaGeometric.fromJson(m.toJson());
        near([again.params.alpha], [m.params.alpha], 0, "round trip");
      },
    })),
    {
      name: `bgbb: ${doc.bgbb_fit.name}`,
      run: () => {
        const f = doc.bgbb_fit;
        const m = cx.BetaGeoBetaBinom.fit({ frequency: f.frequency, recency: f.recency, periods: f.periods, weights: f.weights });
        for (const [k, w] of Object.entries(f.params)) near([m.params[k]], [w], f.param_rel_tolerance * w, k);
        near([m.report.logLikelihood], [f.log_likelihood], f.ll_tolerance, "ln L");
        for (const p of f.predictions) {
          const c = { frequency: p.frequency, recency: p.recency, periods: p.periods };
          const got = {
            expected_purchases: () => m.expectedPurchases(p.periods),
            probability_alive: () => m.probabilityAlive(c),
            conditional_expected_purchases: () => m.predictPurchases(p.prediction.future, c),
            dert: () => m.dert(p.prediction.discount_rate, c),
          }[p.prediction.kind]();
          near(got, p.expected, p.tolerance, p.prediction.kind);
        }
      },
    },
    ...doc.errors.map((c) => ({
      name: `discrete error: ${c.name}`,
      run: () => expectCxError(() => discreteCall(cx, c.call, c.args), c.error),
    })),
  ];
}

// A bind call of discrete.json's errors through the JS classes.
function discreteCall(cx, call, a) {
  if (call === "sbg_fit") return cx.ShiftedBetaGeometric.fit(a);
  if (call === "bgbb_fit") return cx.BetaGeoBetaBinom.fit(a);
  const cls = call === "sbg_predict" ? cx.ShiftedBetaGeometric : cx.BetaGeoBetaBinom;
  const m = cls.fromJson(JSON.stringify(a.model));
  const p = a.prediction;
  const customers = { frequency: a.frequency, recency: a.recency, periods: a.periods };
  switch (p.kind) {
    case "survival":
      return m.survival(a.t);
    case "retention_rate":
      return m.retentionRate(a.t);
    case "probability_alive":
      return m.probabilityAlive(customers);
    case "dert":
      return m.dert(p.discount_rate, customers);
    default:
      throw new Error(`no JS call for ${call} ${p.kind}`);
  }
}

/** JS-style arguments of an experiment vector: every key camelCased, "NaN" readings as NaN. */
function experimentArgs(v) {
  if (Array.isArray(v)) return v.map(experimentArgs);
  if (v === "NaN") return NaN;
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [camel(k), experimentArgs(x)]));
  return v;
}

/** The survey-analytics vectors (tests/vectors/experiments.json): planning, charts, sequences, CUPED. */
export function experiments(cx, doc) {
  return doc.cases.map((c) => ({
    name: `experiments: ${c.name}`,
    run: () => {
      const fn = cx[camel(c.call)];
      if (typeof fn !== "function") throw new Error(`no export for ${c.call}`);
      if (c.error) return expectCxError(() => fn(experimentArgs(c.args)), c.error);
      const r = fn(experimentArgs(c.args));
      for (const [path, want] of Object.entries(c.expected)) close(path, at(r, path), want, c.tol);
    },
  }));
}

/** The covariate vectors (tests/vectors/covariates.json): likelihoods against numpy/scipy, the fit, errors, promise gaps. */
export function covariates(cx, doc) {
  const c = doc.customers;
  const head = (v, n) => Float64Array.from(v.slice(0, n));
  const cols = (n) => ({ frequency: head(c.frequency, n), recency: head(c.recency, n), t: head(c.T, n) });
  const out = doc.log_likelihood.map((k) => ({
    name: `covariates: ${k.name}`,
    run: () => {
      const n = k.rows;
      const covs = { late: head(doc.covariates.late, n), days_late: head(doc.covariates.days_late, n) };
      const got = cx.predictCovariates({ model: JSON.stringify(k.model), prediction: { kind: "log_likelihood" }, ...cols(n), covariates: covs });
      k.expected.forEach((w, i) => close(`row ${i}`, got[i], w, k.tol * (1 + Math.abs(w))));
    },
  }));
  for (const f of doc.fits) {
    out.push({
      name: `covariates: ${f.name}`,
      run: () => {
        const m = cx.fitCovariates({ model: f.model, ...cols(c.T.length), covariates: doc.covariates, covariateNames: f.covariate_names, options: f.options });
        const tp = f.tol.parameters;
        for (const [k, v] of Object.entries(f.expected.base)) close(k, m.base[k], v, tp * (1 + Math.abs(v)));
        f.expected.coefficients.forEach((w, i) => {
          const g = m.coefficients[i];
          close("covariate", g.covariate, w.covariate);
          close("process", g.process, w.process);
          close("estimate", g.estimate, w.estimate, tp * (1 + Math.abs(w.estimate)));
          close("standard error", g.standardError, w.standard_error, f.tol.standard_errors * (1 + w.standard_error));
        });
        const ll = f.expected.log_likelihood;
        close("ln L", m.fit.logLikelihood, ll, f.tol.log_likelihood * (1 + Math.abs(ll)));
        close("null ln L", m.fit.likelihoodRatio.nullLogLikelihood, f.expected.null_log_likelihood, f.tol.log_likelihood * (1 + Math.abs(ll)));
        // The model object (or its json) scores the customers with their covariates.
        const a = cx.predictCovariates({ model: m, prediction: { kind: "probability_alive" }, ...cols(5), covariates: { late: head(doc.covariates.late, 5), days_late: head(doc.covariates.days_late, 5) } });
        const b = cx.predictCovariates({ model: m.json, prediction: { kind: "probability_alive" }, ...cols(5), covariates: { late: head(doc.covariates.late, 5), days_late: head(doc.covariates.days_late, 5) } });
        if (a.length !== 5 || a.some((v, i) => v !== b[i] || !(v > 0 && v <= 1))) throw new Error(`probability_alive ${a} vs ${b}`);
      },
    });
  }
  for (const e of doc.errors) {
    out.push({
      name: `covariates: ${e.name}`,
      run: () => {
        let err;
        try {
          cx.fitCovariates({ model: e.model, ...cols(c.T.length), covariates: e.covariates, covariateNames: e.covariate_names, options: e.options });
        } catch (x) {
          err = x;
        }
        if (!err || err.name !== "CxError") throw new Error(`expected a CxError, got ${err}`);
        for (const [k, v] of Object.entries(e.error)) {
          if (err[k] !== (v === null ? undefined : v) && !(v === null && err[k] === null)) throw new Error(`${k}: ${err[k]} vs ${v} (${err.message})`);
        }
      },
    });
  }
  const v = doc.dynamic;
  for (const kind of ["log_likelihood", "probability_alive", "conditional_expected_purchases"]) {
    out.push({
      name: `covariates: time-varying ${kind}`,
      run: () => {
        const prediction = kind === "conditional_expected_purchases" ? { kind, horizon: v.horizon } : { kind };
        const got = cx.predictDynamic({
          model: JSON.stringify(v.model), prediction,
          frequency: v.customers.frequency, recency: v.customers.recency, t: v.customers.T,
          first: v.first, boundaries: v.boundaries, purchases: Float64Array.from(v.purchases),
          covariates: { campaign: Float64Array.from(v.covariates.campaign), mood: v.covariates.mood },
          covariateNames: ["campaign", "mood"],
        });
        v.expected[kind].forEach((w, i) => close(`row ${i}`, got[i], w, v.tol * (1 + Math.abs(w))));
      },
    });
  }
  for (const p of doc.promise_periods) {
    out.push({
      name: `covariates: ${p.name}`,
      run: () => {
        const r = cx.promisePeriods(JSON.parse(JSON.stringify(p.args)));
        close("customers", r.customers, p.expected.customers);
        for (const [k, v] of Object.entries(p.expected.columns)) close(k, r.columns[k], v, 0);
        close("outside", r.outside.deliveries, p.expected.outside.deliveries, 0);
      },
    });
  }
  for (const p of doc.promise) {
    out.push({
      name: `covariates: ${p.name}`,
      run: () => {
        const args = JSON.parse(JSON.stringify(p.args));
        const r = cx.promiseCovariates(args);
        close("customers", r.customers, p.expected.customers);
        for (const [k, v] of Object.entries(p.expected.columns)) close(k, r.columns[k], v, 1e-12);
        close("deliveries used", r.tables.deliveries.used, p.expected.tables.deliveries.used, 0);
        close("until", r.until, "2024-03-31");
      },
    });
  }
  return out;
}

/** tests/vectors/live.json: LiveSummary fed batches in turn. */
export function live(cx, doc) {
  const tol = doc.tolerance;
  const record = (options, batches) => {
    const l = new cx.LiveSummary(camelOptions(options));
    for (const b of batches) {
      const tx = { customers: b.customers, timestamps: b.timestamps };
      if (b.amounts !== null) tx.amounts = b.amounts.map((a) => (a === null ? NaN : a));
      l.recordMany(tx);
    }
    return l;
  };
  const out = doc.cases.map((c) => ({
    name: `live: ${c.name}`,
    run: () => {
      const l = record(c.options, c.batches);
      const s = l.summary({ observationEnd: c.observation_end });
      const w = c.expected;
      close("customers", s.customers, w.customers, 0);
      close("frequency", s.frequency, w.frequency, 0);
      close("recency", s.recency, w.recency, tol);
      close("t", s.t, w.t, tol);
      close("monetary value", s.monetaryValue, w.monetary_value, tol);
      close("first purchase", s.firstPurchase, w.first_purchase);
      close("orders", s.report.used, w.orders, 0);
      close("merged", s.report.merged, w.merged, 0);
      const sc = c.score;
      const model = cx.loadModel(JSON.stringify(sc.model));
      const got = l.score(sc.customer, model, camelOptions(sc.options));
      close("score", got, sc.expected, tol);
      // A model's JSON scores the same.
      close("score from JSON", l.score(sc.customer, JSON.stringify(sc.model), camelOptions(sc.options)), sc.expected, tol);
    },
  }));
  for (const e of doc.errors) {
    out.push({
      name: `live: ${e.name}`,
      run: () => {
        let err;
        try {
          record(e.options, e.batches);
        } catch (x) {
          err = x;
        }
        if (!err || err.name !== "CxError") throw new Error(`expected a CxError, got ${err}`);
        if (err.code !== e.code || err.argument !== e.argument) throw new Error(`${err.code} ${err.argument}: ${err.message}`);
        if ((err.index ?? null) !== e.index) throw new Error(`index ${err.index} vs ${e.index}`);
      },
    });
  }
  out.push({
    name: "live: bytes written by hand",
    run: () => {
      const l = record(doc.bytes.options, doc.bytes.batches);
      const hex = Array.from(l.toBytes(), (b) => b.toString(16).padStart(2, "0")).join("");
      if (hex !== doc.bytes.hex) throw new Error(`bytes ${hex}`);
      const back = cx.LiveSummary.fromBytes(Uint8Array.from(doc.bytes.hex.match(/../g), (h) => parseInt(h, 16)));
      if (back.orders !== l.orders || back.size !== l.size) throw new Error("decoded table differs");
    },
  });
  return out;
}
