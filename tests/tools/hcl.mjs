// HashiCorp's HCL parser (@cdktf/hcl2json) and `terraform fmt` (@cdktf/hcl-tools), as
// referees for the tests. Usage: node hcl.mjs parse|format FILE...
// Prints one JSON line per file: {"file", "ok", "error"} for parse;
// {"file", "ok", "formatted"} for format (ok: the formatter leaves the file unchanged).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(process.env.XRAY_SETUP_NPM + "/");
const hcl2json = require("@cdktf/hcl2json");
const { format } = require("@cdktf/hcl-tools");

const [mode, ...files] = process.argv.slice(2);
for (const file of files) {
  const text = readFileSync(file, "utf8");
  try {
    if (mode === "parse") {
      await hcl2json.parse(file, text);
      console.log(JSON.stringify({ file, ok: true }));
    } else {
      const formatted = await format(text);
      console.log(JSON.stringify({ file, ok: formatted === text, formatted }));
    }
  } catch (e) {
    console.log(JSON.stringify({ file, ok: false, error: String(e && e.message ? e.message : e) }));
  }
}
