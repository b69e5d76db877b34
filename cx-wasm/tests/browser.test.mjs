// The shared vectors in headless Chromium (Debian's package) against the
// `web` build, served from this checkout on a loopback port.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

import { checkTraps } from "./traps.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const browserPath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const types = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".json": "application/json", ".wasm": "application/wasm", ".csv": "text/csv" };

function serve() {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
    if (path.includes("..")) return res.writeHead(403).end();
    try {
      const body = await readFile(join(root, path));
      res.writeHead(200, { "content-type": types[extname(path)] || "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

test("shared vectors pass and no export traps in headless Chromium", { timeout: 120_000 }, async () => {
  assert.ok(existsSync(browserPath), `Chromium not found at ${browserPath} (scripts/setup installs it)`);
  const server = await serve();
  const browser = await chromium.launch({
    executablePath: browserPath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage();
    const consoleErrors = [];
    page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
    page.on("pageerror", (e) => consoleErrors.push(String(e)));
    await page.goto(`http://127.0.0.1:${server.address().port}/cx-wasm/tests/browser.html`);
    await page.waitForFunction(() => window.__cxResults !== undefined, null, { timeout: 60_000 });
    const results = await page.evaluate(() => window.__cxResults);
    const failed = results.filter((r) => !r.ok);
    assert.deepEqual(failed, [], failed.map((f) => `${f.name}: ${f.message}`).join("\n"));
    assert.ok(results.length >= 200, `only ${results.length} vector runs`);
    // The hostile-argument probe of traps.test.mjs, in Chromium's engine.
    checkTraps(await page.evaluate(() => window.__cxTraps), assert);
    assert.deepEqual(consoleErrors, []);
    console.log(`# chromium: ${results.length} vector runs passed, no export traps`);
  } finally {
    await browser.close();
    server.close();
  }
});
