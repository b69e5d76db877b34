// The HTML report in headless Chromium (Debian's package): `cx report` on
// the bundled demo shop, opened from disk with every network request
// refused. It must render without console or page errors, contain every
// chart as SVG and list at-risk customers with their reasons. A full-page
// screenshot is kept at target/cx-report.png for a person to look at.
//
// Run: node --test cx-cli/tests/report.browser.mjs (after `cargo build -p cx-cli`;
// CX_BIN overrides the binary). playwright-core comes from cx-wasm's npm install.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { chromium } from "../../cx-wasm/node_modules/playwright-core/index.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const bin = process.env.CX_BIN || join(root, "target/debug/cx");
const browserPath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const charts = ["chart-nps-trend", "chart-csat-trend", "chart-gaps", "chart-ipa", "chart-cohorts", "chart-p-alive"];

test("the demo report renders offline in Chromium with every chart", { timeout: 120_000 }, async () => {
  assert.ok(existsSync(bin), `cx binary not found at ${bin}`);
  assert.ok(existsSync(browserPath), `Chromium not found at ${browserPath} (scripts/setup installs it)`);
  const dir = mkdtempSync(join(tmpdir(), "cx-report-"));
  const out = join(dir, "report.html");
  execFileSync(bin, ["report", "--out", out], { stdio: ["ignore", "pipe", "pipe"] });
  assert.ok(statSync(out).size > 20_000, "report is suspiciously small");

  const browser = await chromium.launch({
    executablePath: browserPath,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const errors = [];
    const network = [];
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith("file:")) return route.continue();
      network.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(out).href, { waitUntil: "load" });

    assert.deepEqual(errors, [], "console or page errors");
    assert.deepEqual(network, [], "the report must not need the network");
    for (const id of charts) {
      const shapes = await page.locator(`#${id} svg`).evaluate((svg) => svg.querySelectorAll("rect,path,polyline,polygon,circle,line").length);
      assert.ok(shapes > 5, `${id}: only ${shapes} shapes`);
      const box = await page.locator(`#${id} svg`).boundingBox();
      assert.ok(box && box.width > 200 && box.height > 80, `${id}: not laid out (${JSON.stringify(box)})`);
    }
    const rows = await page.locator("#at-risk tr").count();
    assert.ok(rows > 10, `at-risk table has ${rows - 1} customers`);
    const reasons = await page.locator("#at-risk ul.reasons li").allInnerTexts();
    assert.ok(reasons.some((r) => /no order for \d+ days against a usual \d+/.test(r)), "an overdue reason in words");
    const headline = await page.locator("#headline .card").count();
    assert.ok(headline >= 5, `only ${headline} headline cards`);
    assert.match(await page.locator("#cdnow-check").innerText(), /r = 0\.243, α = 4\.41\d, a = 0\.79\d, b = 2\.4\d\d/);
    const quality = await page.locator("#data-quality tr").count();
    assert.equal(quality, 5, "a data-quality row per input table (+ header)");

    const shot = join(root, "target/cx-report.png");
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`screenshot: ${shot}`);
  } finally {
    await browser.close();
  }
});

// Markup in every text the files bring (customer ids, carriers, channels,
// cases, touchpoint names from the headers, the file names) is shown as
// text: none of it runs, none of it becomes an element.
const payloads = [
  "<img src=x onerror=window.__pwned=1>",
  "<script>window.__pwned=2</script>",
  "x'\"><svg onload=window.__pwned=3>",
  "</title><iframe srcdoc=<script>parent.__pwned=4</script>>",
];
const quote = (v) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

function hostileShop(dir) {
  const demo = join(root, "cx-cli/data/demo");
  const files = {};
  for (const name of ["orders", "feedback", "contacts", "deliveries"]) {
    const [header, ...rows] = readFileSync(join(demo, `${name}.csv`), "utf8").trim().split("\n").map((l) => l.split(","));
    const hostile = (i, v) => `${payloads[i % payloads.length]}${v}`;
    const cols = header.map((h) => ["customer", "carrier", "channel", "case"].includes(h));
    // Touchpoint items get a payload in their name (both columns of a pair alike).
    const head = header.map((h) => h.replace(/^(expected|perceived)_(\w+)$/, (_, side, tp) => `${side}_${tp}${payloads[tp.length % payloads.length]}`));
    const body = rows.map((r) => r.map((v, j) => (cols[j] && v !== "" ? hostile(v.length + j, v) : v)));
    const file = join(dir, `${name}${payloads[name.length % payloads.length].replace(/[\/]/g, "")}.csv`);
    writeFileSync(file, [head, ...body].map((r) => r.map(quote).join(",")).join("\n") + "\n");
    files[name] = file;
  }
  return files;
}

test("markup from the files is shown as text and never runs", { timeout: 120_000 }, async () => {
  assert.ok(existsSync(bin), `cx binary not found at ${bin}`);
  const dir = mkdtempSync(join(tmpdir(), "cx-hostile-"));
  const f = hostileShop(dir);
  const out = join(dir, "report.html");
  execFileSync(bin, ["report", "--orders", f.orders, "--feedback", f.feedback, "--contacts", f.contacts, "--deliveries", f.deliveries, "--out", out, "--top", "50"], { stdio: ["ignore", "pipe", "pipe"] });
  const browser = await chromium.launch({ executablePath: browserPath, args: ["--no-sandbox", "--disable-gpu", "--no-first-run"] });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.route("**/*", (route) => (route.request().url().startsWith("file:") ? route.continue() : route.abort()));
    await page.goto(pathToFileURL(out).href, { waitUntil: "load" });
    await page.waitForTimeout(200);
    const seen = await page.evaluate(() => ({
      pwned: window.__pwned ?? null,
      injected: document.querySelectorAll("img, iframe, body script, svg[onload], [onerror], [onload]").length,
      text: document.body.innerText,
    }));
    assert.equal(seen.pwned, null, "a payload ran");
    assert.equal(seen.injected, 0, "a payload became an element");
    // The payloads are there, as text: in the at-risk list, the touchpoints, the files.
    for (const p of payloads) assert.ok(seen.text.includes(p), `payload not shown as text: ${p}`);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
