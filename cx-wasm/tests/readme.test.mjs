// The package README's quick start (cx-wasm/README.md) runs as written against the package.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, rmSync } from "node:fs";

test("README js blocks run", async () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.ok(blocks.length > 0, "the README lost its JS example");
  const lines = [];
  const log = console.log;
  console.log = (...args) => lines.push(args.join(" "));
  try {
    for (const [i, code] of blocks.entries()) {
      // Inside the package folder, so that `import ... from "cx-wasm"` resolves to this package.
      const file = new URL(`./.readme-${i}.mjs`, import.meta.url);
      writeFileSync(file, code);
      try {
        await import(file.href);
      } finally {
        rmSync(file);
      }
    }
  } finally {
    console.log = log;
  }
  assert.ok(lines.some((l) => l.startsWith("NPS 0.0")), lines.join("\n"));
  assert.ok(lines.includes("CxError out_of_range scores 1"), lines.join("\n"));
  assert.ok(lines.includes("P(alive) 0.727, next quarter 1.28"), lines.join("\n"));
  assert.ok(lines.includes("ann 0.97 last NPS answer 3 after 9 and 9; last NPS answer 3 (detractor)"), lines.join("\n"));
  assert.ok(lines.includes("bob 0.77 contact open for 9 days (phone)"), lines.join("\n"));
  assert.ok(lines.includes("903"), lines.join("\n"));
  assert.ok(lines.some((l) => l.startsWith("lift 0.5 [") && /decided at answer \d+/.test(l)), lines.join("\n"));
  assert.ok(lines.includes("true down"), lines.join("\n"));
  assert.ok(lines.some((l) => /^delivery \d+%, price \d+%$/.test(l)), lines.join("\n"));
  assert.ok(lines.includes("a b 0.5 0"), lines.join("\n"));
  assert.ok(lines.includes("late purchase true purchase_rate"), lines.join("\n"));
  assert.ok(lines.includes("12"), lines.join("\n"));
});
