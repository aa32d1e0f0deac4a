// Runs fixture bodies through the wasm module in node and prints the verdicts.
// Usage: node verdicts.mjs <wasm pkg dir> <vectors.json: [{today, body}]> [incident|intake|service|activity|recommendation|screening]
// A service is validated as of noon UTC on `today` (validateService takes an RFC 3339 instant).
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [pkgDir, vectorsFile, kind = "incident"] = process.argv.slice(2);
const pkg = resolve(pkgDir);
const mod = await import(pathToFileURL(join(pkg, "beacon_wasm.js")).href);
mod.initSync({ module: readFileSync(join(pkg, "beacon_wasm_bg.wasm")) });
const validators = {
  incident: (body, today) => mod.validateIncident(body, today),
  intake: (body, today) => mod.validateIntake(body, today),
  service: (body, today) => mod.validateService(body, `${today}T12:00:00Z`),
  activity: (body, today) => mod.checkActivity(body, today),
  recommendation: (body, today) => mod.checkRecommendation(body, today),
  screening: (body) => mod.checkScreening(body),
};
const validate = validators[kind];
if (!validate) throw new Error(`unknown kind ${kind}`);
const vectors = JSON.parse(readFileSync(vectorsFile, "utf8"));
const verdicts = vectors.map(({ today, body }) => validate(body, today));
process.stdout.write(JSON.stringify(verdicts));
