// Runs typed phone numbers through the wasm module's normalizePhone and prints the results.
// Usage: node phones.mjs <wasm pkg dir> <phones.json: ["(860) 555-0123", …]>
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [pkgDir, phonesFile] = process.argv.slice(2);
const pkg = resolve(pkgDir);
const mod = await import(pathToFileURL(join(pkg, "beacon_wasm.js")).href);
mod.initSync({ module: readFileSync(join(pkg, "beacon_wasm_bg.wasm")) });
const phones = JSON.parse(readFileSync(phonesFile, "utf8"));
process.stdout.write(JSON.stringify(phones.map((typed) => mod.normalizePhone(typed))));
