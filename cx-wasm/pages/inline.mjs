// Makes a self-contained page: the template with the web build's glue and
// the WebAssembly module (base64) inlined, so that it opens from file:// and
// any static host and makes no request. Used by scripts/build-wasm.
//
//   node cx-wasm/pages/inline.mjs <template.html> <pkg/web dir> <out.html>
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [template, web, out] = process.argv.slice(2);
const glue = readFileSync(join(web, "cx_wasm.js"), "utf8");
const wasm = readFileSync(join(web, "cx_wasm_bg.wasm")).toString("base64");
if (/<\/script/i.test(glue)) throw new Error("the glue contains </script and cannot be inlined");
let page = readFileSync(template, "utf8");
for (const marker of ["/*CX_GLUE*/", "/*CX_WASM_BASE64*/"]) {
  if (!page.includes(marker)) throw new Error(`${template}: no ${marker}`);
}
// Functions as replacements: `$` sequences in the glue stay as they are.
page = page.replace("/*CX_GLUE*/", () => glue).replace("/*CX_WASM_BASE64*/", () => wasm);
writeFileSync(out, page);
console.log(`inline: ${out} (${(page.length / 1024).toFixed(0)} KB)`);
