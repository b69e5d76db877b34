// The self-contained pages of cx-wasm/pkg/pages in headless Chromium
// (Debian's package), opened from file:// with every request that is not
// the page itself (file:, blob:, data:, about:) recorded and refused:
//
// - report.html: the demo shop's four CSV exports chosen through the file
//   input; the report computed in a Web Worker while the page keeps
//   running; its JSON equal to `cx report --json` and its HTML equal to
//   `cx report --out` for the same files; every chart drawn; a bad row named
//   by file and line; no request left the page. Screenshot:
//   target/cx-report-page.png.
// - widget.html: the smiley and NPS buttons clicked through; the live
//   scores and the exported bytes equal what the Node package computes for
//   the same answers. Screenshot: target/cx-widget.png.
//
// Run after scripts/build-wasm and `cargo build -p cx-cli` (CX_BIN overrides
// the binary).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { chromium } from "playwright-core";
import * as cx from "cx-wasm";

const root = fileURLToPath(new URL("../../", import.meta.url));
const bin = process.env.CX_BIN || join(root, "target/debug/cx");
const browserPath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const demo = join(root, "cx-cli/data/demo");
const tables = ["orders", "feedback", "contacts", "deliveries"];
const charts = ["chart-nps-trend", "chart-csat-trend", "chart-gaps", "chart-ipa", "chart-cohorts", "chart-p-alive"];
const own = (url) => /^(file|blob|data|about):/.test(url);

/** Differences between two JSON values beyond 1e-4 relative + 1e-6 absolute;
 * an optimizer's gradient norm at its stop is compared as "small" only. */
function close(path, got, want, out) {
  if (path.endsWith(".gradient_norm")) {
    if (!(got < 1e-4 && want < 1e-4)) out.push(`${path}: ${got} vs ${want}`);
  } else if (typeof want === "number" && typeof got === "number") {
    if (!(Math.abs(got - want) <= 1e-6 + 1e-4 * Math.abs(want))) out.push(`${path}: ${got} vs ${want}`);
  } else if (Array.isArray(want)) {
    if (!Array.isArray(got) || got.length !== want.length) out.push(`${path}: length ${got?.length} vs ${want.length}`);
    else want.forEach((w, i) => close(`${path}[${i}]`, got[i], w, out));
  } else if (want && typeof want === "object") {
    if (!got || typeof got !== "object") out.push(`${path}: ${JSON.stringify(got)} vs an object`);
    else {
      const keys = new Set([...Object.keys(want), ...Object.keys(got)]);
      for (const k of keys) close(`${path}.${k}`, got[k], want[k], out);
    }
  } else if (got !== want) out.push(`${path}: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`);
}

async function open(file) {
  const browser = await chromium.launch({
    executablePath: browserPath,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = await browser.newPage({ viewport: { width: 1150, height: 900 } });
  const errors = [];
  const network = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(String(e)));
  // Every request of the page and of its worker, refused unless it is the page's own.
  page.context().on("request", (r) => own(r.url()) || network.push(r.url()));
  await page.context().route("**/*", (route) => (own(route.request().url()) ? route.continue() : route.abort()));
  await page.goto(pathToFileURL(join(root, "cx-wasm/pkg/pages", file)).href, { waitUntil: "load" });
  return { browser, page, errors, network };
}

test("the report page gives the cx command's report for the same files, offline, in a worker", { timeout: 240_000 }, async () => {
  assert.ok(existsSync(bin), `cx binary not found at ${bin}`);
  assert.ok(existsSync(browserPath), `Chromium not found at ${browserPath} (scripts/setup installs it)`);
  const dir = mkdtempSync(join(tmpdir(), "cx-page-"));
  const cliHtml = join(dir, "cli.html");
  const args = ["report", ...tables.flatMap((t) => [`--${t}`, `${t}.csv`]), "--json", "--out", cliHtml];
  const cliJson = execFileSync(bin, args, { cwd: demo, stdio: ["ignore", "pipe", "pipe"] }).toString();

  const { browser, page, errors, network } = await open("report.html");
  try {
    await page.setInputFiles("#files", tables.map((t) => join(demo, `${t}.csv`)));
    for (const t of tables) assert.match(await page.locator(`#t-${t}`).innerText(), new RegExp(`${t}\\.csv`));
    // The page keeps running while the worker computes.
    await page.evaluate(() => { window.__ticks = 0; setInterval(() => window.__ticks++, 20); });
    await page.click("#run");
    await page.waitForFunction(() => window.__cxReport !== undefined, null, { timeout: 180_000 });
    const { json, ms } = await page.evaluate(() => window.__cxReport);
    const ticks = await page.evaluate(() => window.__ticks);
    assert.ok(ticks >= Math.min(10, ms / 40), `the page stalled: ${ticks} ticks in ${ms.toFixed(0)} ms`);

    // Every section and chart: the JSON of `cx report --json` and its page.
    // Numbers agree to 1e-4 relative: the command sums on all cores and
    // with the system's libm, WebAssembly in one thread with Rust's (the
    // demo's BG/NBD likelihood is flat in a and b: 21.8927 vs 21.8928).
    const diffs = [];
    close("report", JSON.parse(json), JSON.parse(cliJson), diffs);
    assert.deepEqual(diffs, [], diffs.slice(0, 10).join("\n"));
    // The page is the command's page: the same markup and chart geometry,
    // the digits of the numbers aside.
    const html = await page.locator("#report").getAttribute("srcdoc");
    const digitsOut = (h) => h.replace(/\d+(\.\d+)?/g, "#");
    assert.equal(digitsOut(html), digitsOut(readFileSync(cliHtml, "utf8")), "the page's report is the command's page");
    const frame = page.frameLocator("#report");
    for (const id of charts) {
      const shapes = await frame.locator(`#${id} svg`).evaluate((svg) => svg.querySelectorAll("rect,path,polyline,polygon,circle,line").length);
      assert.ok(shapes > 5, `${id}: only ${shapes} shapes`);
    }
    assert.ok((await frame.locator("#at-risk tr").count()) > 10, "at-risk customers listed");
    assert.equal(await frame.locator("#data-quality tr").count(), 5, "a data-quality row per file");
    assert.match(await page.locator("#download-html").getAttribute("href"), /^blob:/);
    assert.match(await page.locator("#status").innerText(), /Nothing was sent anywhere/);
    await page.screenshot({ path: join(root, "target/cx-report-page.png"), fullPage: false });

    // A bad row: the message names the file, the line and the column.
    const orders = readFileSync(join(demo, "orders.csv"), "utf8").split("\n");
    orders[3] = orders[3].replace(/,\d{4}-\d\d-\d\d[^,]*,/, ",31.02.2024,");
    await page.setInputFiles("#files", [{ name: "orders.csv", mimeType: "text/csv", buffer: Buffer.from(orders.join("\n")) }]);
    await page.click("#run");
    await page.waitForFunction(() => document.getElementById("status").className === "error", null, { timeout: 60_000 });
    assert.match(await page.locator("#status").innerText(), /orders\.csv:4: column `date` = "31\.02\.2024"/);

    // A messy export: day-first slash dates need the date format, given in the
    // page (on a fresh page: the format applies to every file chosen).
    await page.reload({ waitUntil: "load" });
    const slashes = readFileSync(join(demo, "orders.csv"), "utf8").replace(/(\d{4})-(\d\d)-(\d\d)/g, "$3/$2/$1");
    const messy = [{ name: "orders.csv", mimeType: "text/csv", buffer: Buffer.from(slashes) }];
    await page.setInputFiles("#files", messy);
    await page.click("#run");
    await page.waitForFunction(() => /day-first or month-first/.test(document.getElementById("status").innerText), null, { timeout: 60_000 });
    await page.click("#format summary");
    await page.fill("#date-format", "%d/%m/%Y");
    await page.evaluate(() => { window.__cxReport = undefined; });
    await page.click("#run");
    await page.waitForFunction(() => window.__cxReport !== undefined, null, { timeout: 120_000 });
    const fixed = JSON.parse(await page.evaluate(() => window.__cxReport.json));
    const cliOrders = JSON.parse(execFileSync(bin, ["report", "--orders", "orders.csv", "--json", "--out", join(dir, "orders.html")], { cwd: demo, stdio: ["ignore", "pipe", "pipe"] }).toString());
    const d2 = [];
    close("orders only", fixed.retention, cliOrders.retention, d2);
    assert.deepEqual(d2, [], d2.slice(0, 5).join("\n"));
    assert.match(fixed.data[0].dialect, /dates `%d\/%m\/%Y`/);

    assert.deepEqual(errors, [], "console or page errors");
    assert.deepEqual(network, [], "no request may leave the page");
  } finally {
    await browser.close();
  }
});

test("the feedback widget collects answers into the accumulator and scores them live", { timeout: 120_000 }, async () => {
  const { browser, page, errors, network } = await open("widget.html");
  try {
    await page.waitForFunction(() => window.__cxReady === true);
    const nps = [10, 9, 9, 7, 3, 10, 0, 8, 9, 6];
    const smileys = [4, 4, 3, 1, 2, 4];
    for (const v of nps) await page.click(`#nps-buttons button[data-v="${v}"]`);
    for (const v of smileys) await page.click(`#smileys button[data-v="${v}"]`);
    const w = await page.evaluate(() => window.__cxWidget);
    const want = cx.nps(Uint8Array.from(nps));
    assert.deepEqual(w.nps, want);
    assert.deepEqual(w.smiley, cx.smiley(Uint8Array.from(smileys)));
    assert.match(await page.locator("#nps").innerText(), new RegExp(`^\\+?${want.score.toFixed(1)}$`));
    assert.match(await page.locator("#nps-detail").innerText(), /95 % interval/);
    const bytes = cx.Distribution.fromBytes(new Uint8Array(Buffer.from(w.bytes, "base64")));
    assert.deepEqual(Array.from(bytes.counts), Array.from(cx.Distribution.fromBytes(cx.groupBy(Uint8Array.from(nps))[0].distribution.toBytes()).counts));
    // Another terminal's answers merge in through the file input.
    const other = new cx.Distribution(0, 10);
    other.extend(Uint8Array.from([10, 10, 10]));
    const file = join(mkdtempSync(join(tmpdir(), "cx-widget-")), "terminal-2.cxsd");
    writeFileSync(file, other.toBytes());
    await page.setInputFiles("#merge", file);
    await page.waitForFunction(() => window.__cxWidget.nps.n === 13);
    assert.deepEqual((await page.evaluate(() => window.__cxWidget)).nps, cx.nps(Uint8Array.from([...nps, 10, 10, 10])));
    await page.screenshot({ path: join(root, "target/cx-widget.png") });
    assert.deepEqual(errors, [], "console or page errors");
    assert.deepEqual(network, [], "no request may leave the page");
  } finally {
    await browser.close();
  }
});
