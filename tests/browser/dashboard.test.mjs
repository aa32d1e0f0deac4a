// The coordinator's dashboard in headless Debian Chromium (playwright-core, never a downloaded
// browser). Run by tests/tests/suite/dashboard.rs, which starts the API with a seeded year of
// incidents and afterwards checks PostgreSQL for the activity this script saved.
//
// Env: BEACON_API (the API's origin), BEACON_KEY (a coordinator key), BEACON_REPORTER_KEY (a
// reporter's key, refused), BEACON_K (the suppression threshold), BEACON_CHROMIUM,
// BEACON_SCREENSHOTS (where dashboard.png goes).
//
// Prints "ok - …" / "not ok - …" per check and exits 1 on any failure.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const env = (name, fallback) => {
  const value = process.env[name] || fallback;
  if (!value) {
    console.error(`${name} is not set (run through tests/tests/suite/dashboard.rs)`);
    process.exit(2);
  }
  return value;
};
const API = env("BEACON_API").replace(/\/$/, "");
const KEY = env("BEACON_KEY");
const REPORTER_KEY = env("BEACON_REPORTER_KEY");
const K = Number(env("BEACON_K"));
const CHROMIUM = env("BEACON_CHROMIUM", "/usr/bin/chromium");
const SHOTS = env("BEACON_SCREENSHOTS");
const DASHBOARD = `${API}/dashboard`;

const failures = [];
let checks = 0;
async function check(name, fn) {
  checks++;
  try {
    await fn();
    console.log(`ok - ${name}`);
  } catch (error) {
    failures.push(name);
    console.log(`not ok - ${name}`);
    console.log(String(error?.stack ?? error).replace(/^/gm, "    "));
  }
}

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
});
console.log(`# ${CHROMIUM} (Chromium ${browser.version()})`);
const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, locale: "en-US" });
const page = await context.newPage();
const errors = [];
page.on("pageerror", (e) => errors.push(String(e)));
// Failed loads are listed by URL below, from the responses themselves.
page.on("console", (m) => { if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) errors.push(m.text()); });
const refused = [];
page.on("response", (r) => { if (r.status() >= 400) refused.push(`${r.status()} ${new URL(r.url()).pathname}`); });
const posts = [];
page.on("request", (r) => { if (r.method() !== "GET") posts.push(`${r.method()} ${new URL(r.url()).pathname}`); });

const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

async function axe(label) {
  // Evaluated through the DevTools protocol, which the page's CSP (no inline script) does not
  // govern; a <script> tag would be refused, as it should be.
  await page.evaluate(AXE);
  const results = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] } }),
  );
  const violations = results.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  assert.deepEqual(violations, [], `axe-core on the ${label} dashboard`);
  return results.passes.length;
}

async function signIn(key) {
  await page.fill("#key", key);
  await page.click("#sign-in-form button[type=submit]");
}

await check("the page loads under its CSP and asks for a key, holding nothing", async () => {
  const response = await page.goto(DASHBOARD);
  assert.equal(response.status(), 200);
  const csp = (await response.allHeaders())["content-security-policy"];
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  await page.locator("#key").waitFor({ state: "visible" });
  assert.equal(await page.locator("#app").isHidden(), true);
  await axe("signed-out");
});

await check("a key that is not a coordinator's is refused with a message, and not kept", async () => {
  await signIn(REPORTER_KEY);
  await page.locator("#key-error").waitFor({ state: "visible" });
  assert.match(await page.locator("#key-error").textContent(), /not a coordinator/);
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);
});

await check("with a coordinator key it draws the charts from the seeded data, suppressed", async () => {
  await signIn(KEY);
  await page.locator("#status", { hasText: "Up to date." }).waitFor({ timeout: 15000 });
  for (const id of ["chart-month", "chart-quarter", "chart-region"]) {
    const svg = page.locator(`#${id} .chart svg`);
    assert.equal(await svg.count(), 1, `${id} has a chart`);
    assert.equal(await svg.getAttribute("role"), "img");
    assert.ok((await page.locator(`#${id} .data table tbody tr`).count()) > 0, `${id} has its data table`);
  }
  // The county map: Connecticut's 8 counties.
  assert.equal(await page.locator("#chart-region .chart svg [data-fips]").count(), 8);
  // Every number shown is 0 or at least k; the seeded small towns are withheld.
  const cells = await page.locator(".data td").allTextContents();
  const numbers = cells.map((t) => t.trim()).filter((t) => /^\d+$/.test(t)).map(Number);
  assert.ok(numbers.some((n) => n >= K), `a shown count of at least ${K}: ${cells}`);
  for (const n of numbers) assert.ok(n === 0 || n >= K, `a count of ${n} is shown (k = ${K})`);
  assert.ok(cells.some((t) => t.includes("*")), "some cell is withheld");
  assert.match(await page.locator("#rule").textContent(), new RegExp(`from 1 to ${K - 1}`));
  assert.equal(await page.evaluate((k) => sessionStorage.getItem(k) !== null, "beacon.coordinator-key"), true);
  assert.equal(await page.evaluate(() => localStorage.length), 0, "nothing in localStorage");
});

await check("the statutory calendar and the queues are shown", async () => {
  const duties = await page.locator("#calendar-rows tr").allTextContents();
  assert.ok(duties.length >= 6, `${duties.length} duties`);
  assert.ok(duties.some((d) => d.includes("Sec. 1(f)")), duties.join("\n"));
  assert.equal(await page.locator("#queue-list li").count(), 5);
  assert.match(await page.locator("#queue-list").textContent(), /awaiting DCF/);
});

await check("the editor shows core's validation errors without sending anything", async () => {
  posts.length = 0;
  await page.fill("#activity-description", "");
  await page.fill("#activity-date", "2099-01-01");
  await page.click("#activity-form button[type=submit]");
  await page.locator("#activity-agencies-error").waitFor({ state: "visible" });
  assert.match(await page.locator("#activity-date-error").textContent(), /\S/);
  assert.match(await page.locator("#activity-description-error").textContent(), /\S/);
  assert.equal(await page.locator("#activity-description").getAttribute("aria-invalid"), "true");
  assert.deepEqual(posts, [], "no request was made");
  await page.click("#recommendation-form button[type=submit]");
  await page.locator("#recommendation-text-error").waitFor({ state: "visible" });
  assert.deepEqual(posts, [], "no request was made");
  await axe("editor errors");
});

await check("a corrected activity is saved and listed", async () => {
  await page.fill("#activity-date", "2026-11-20");
  await page.selectOption("#activity-kind", "outreach");
  await page.check("#agency-dcf");
  await page.check("#agency-opm");
  await page.fill("#activity-description", "Dashboard test: outreach to shelters in Windham County.");
  await page.click("#activity-form button[type=submit]");
  await page.locator("#entries li", { hasText: "Dashboard test: outreach" }).waitFor();
  assert.deepEqual(posts, ["POST /v1/reports/activities"]);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, "dashboard.png"), fullPage: true });
  await axe("signed-in");
});

await check("the statistics CSV downloads with withheld cells as *", async () => {
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("[data-download=stats-csv]")]);
  const path = await download.path();
  const text = readFileSync(path, "utf8");
  assert.match(text.split("\n")[0], /count/);
  assert.match(text, /\*/);
});

await check("a reload keeps the session; a new tab's session does not have the key", async () => {
  await page.reload();
  await page.locator("#status", { hasText: "Up to date." }).waitFor({ timeout: 15000 });
  const other = await browser.newContext();
  const fresh = await other.newPage();
  await fresh.goto(DASHBOARD);
  await fresh.locator("#key").waitFor({ state: "visible" });
  await other.close();
  await page.click("#sign-out");
  await page.locator("#key").waitFor({ state: "visible" });
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);
});

await check("no script error on the page, and no request refused but the reporter key's", async () => {
  assert.deepEqual(errors, []);
  assert.deepEqual(refused.filter((r) => r !== "404 /favicon.ico"), ["403 /v1/calendar"]);
});

await browser.close();
console.log(`dashboard: ${checks - failures.length} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
