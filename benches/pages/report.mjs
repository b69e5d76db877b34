// The report of the 100,000-customer demo shop (four CSV exports, about
// 40 MB) in headless Chromium through cx-wasm/pkg/pages/report.html, beside
// `cx report` (release build) on the same files: time to the report and
// peak memory. The page's time runs from the click to the report shown
// (reading the files, the worker's computation, the page drawn); its memory
// is the WebAssembly module's (linear memory only grows: its peak). The
// command's figures are its own summary line (wall time, the kernel's peak
// RSS). One thread in the browser, all cores for the command.
//
//   node benches/pages/report.mjs [customers]      (after scripts/build-wasm)
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { chromium } from "../../cx-wasm/node_modules/playwright-core/index.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const customers = Number(process.argv[2] ?? 100_000);
const tables = ["orders", "feedback", "contacts", "deliveries"];
execFileSync("cargo", ["build", "--release", "-q", "-p", "cx-cli"], { cwd: root, stdio: "inherit" });
const cx = join(root, "target/release/cx");
const dir = join(root, `target/bench-data/demo${customers / 1000}k`);
if (!existsSync(join(dir, "orders.csv"))) {
  execFileSync(cx, ["demo-data", "--customers", String(customers), "--seed", "1", "--out", dir], { stdio: "ignore" });
}
const files = tables.map((t) => join(dir, `${t}.csv`));
const mib = files.reduce((s, f) => s + statSync(f).size, 0) / 2 ** 20;

// The command: its own line "cx: R rows from 4 tables in S s, peak memory P MiB".
const cli = [];
for (let i = 0; i < 3; i++) {
  const run = spawnSync(cx, ["report", ...tables.flatMap((t, j) => [`--${t}`, files[j]]), "--json"], { stdio: ["ignore", "ignore", "pipe"] });
  if (run.status !== 0) throw new Error(run.stderr.toString());
  const out = run.stderr.toString();
  const m = out.match(/in ([\d.]+) s, peak memory ([\d.]+) (MiB|GiB)/);
  cli.push({ s: Number(m[1]), mib: Number(m[2]) * (m[3] === "GiB" ? 1024 : 1) });
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
const page_ = [];
try {
  for (let i = 0; i < 3; i++) {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(join(root, "cx-wasm/pkg/pages/report.html")).href);
    await page.setInputFiles("#files", files);
    const t0 = Date.now();
    await page.click("#run");
    await page.waitForFunction(() => window.__cxReport !== undefined || document.getElementById("status").className === "error", null, { timeout: 600_000 });
    const r = await page.evaluate(() => window.__cxReport ?? { error: document.getElementById("status").innerText });
    if (r.error) throw new Error(r.error);
    page_.push({ s: (Date.now() - t0) / 1000, worker: r.workerMs / 1000, mib: r.memory / 2 ** 20 });
    await page.close();
  }
} finally {
  await browser.close();
}
const best = (xs, k) => Math.min(...xs.map((x) => x[k]));
const c = { s: best(cli, "s"), mib: best(cli, "mib") };
const p = { s: best(page_, "s"), worker: best(page_, "worker"), mib: best(page_, "mib") };
console.log(`# cx report, ${customers.toLocaleString("en")} demo customers (${mib.toFixed(1)} MiB of CSV), best of 3`);
console.log("| where | seconds | peak MiB |");
console.log("|---|---:|---:|");
console.log(`| \`cx report\` (native, 2 cores) | ${c.s.toFixed(1)} | ${c.mib.toFixed(0)} |`);
console.log(`| report.html in Chromium (worker, 1 thread) | ${p.s.toFixed(1)} (worker ${p.worker.toFixed(1)}) | ${p.mib.toFixed(0)} (module) |`);
console.log(`| ratio page / command | ${(p.s / c.s).toFixed(1)}× | ${(p.mib / c.mib).toFixed(1)}× |`);
