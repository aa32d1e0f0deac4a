// The partner intake form in headless Debian Chromium (playwright-core, never a downloaded
// browser). Run by tests/tests/suite/browser.rs, which starts the API and a partner's page that
// embeds the form, and afterwards checks PostgreSQL for what this script submitted.
//
// Env: BEACON_API (the API's origin), BEACON_PAGE (the partner page URL), BEACON_EXIT_URL (the
// page's exit-url), BEACON_WASM_PKG (the package, for its size), BEACON_CHROMIUM (default
// /usr/bin/chromium), BEACON_SCREENSHOTS (where the empty / error / receipt screenshots go).
//
// Prints "ok - …" / "not ok - …" per check, the measurements, and one line
// `RESULT {references, retried_reference, contact_reference, measurements}`; exits 1 on any
// failure.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import zlib, { brotliCompressSync, gzipSync } from "node:zlib";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);

const env = (name, fallback) => {
  const value = process.env[name] || fallback;
  if (!value) {
    console.error(`${name} is not set (run through tests/tests/suite/browser.rs)`);
    process.exit(2);
  }
  return value;
};
const API = env("BEACON_API").replace(/\/$/, "");
const PAGE = env("BEACON_PAGE");
const EXIT_URL = env("BEACON_EXIT_URL");
const PKG = env("BEACON_WASM_PKG");
const CHROMIUM = env("BEACON_CHROMIUM", "/usr/bin/chromium");
const DEMO_KEY = env("BEACON_DEMO_KEY");
const SHOTS = env("BEACON_SCREENSHOTS");
const INTAKE = `${API}/v1/intake`;
const REFERENCE = /^[A-Z0-9]{3,}(-[A-Z0-9]{3,})+$/;

const failures = [];
let checks = 0;
const result = { references: [], retried_reference: null, contact_reference: null, measurements: {} };

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

let browser;
try {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--headless",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
    ],
  });
} catch (error) {
  console.error(`BROWSER TESTS CANNOT RUN: Chromium at ${CHROMIUM} did not start:\n${error?.stack ?? error}`);
  process.exit(1);
}
console.log(`# ${CHROMIUM} (Chromium ${browser.version()})`);

/** A fresh context (no cache, no storage) and page at a phone's size, with a log of every
 * request it makes. */
async function open({ width = 360, height = 740, lang, url = PAGE, consoleLog = [] } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1, locale: "en-US" });
  const page = await context.newPage();
  const requests = [];
  page.on("request", (request) => requests.push({ url: request.url(), method: request.method(), request }));
  page.on("pageerror", (error) => console.log(`    # page error: ${error.message}`));
  page.on("console", (message) => {
    consoleLog.push(message.text());
    if (message.type() === "error" || message.type() === "warning") console.log(`    # console ${message.type()}: ${message.text()}`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400) console.log(`    # HTTP ${response.status()} ${response.request().method()} ${response.url()}`);
  });
  const response = await page.goto(url);
  const ready = await page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const form = document.querySelector("beacon-intake-form");
        if (form.metrics?.msToFirstValidation !== undefined) return resolve(form.metrics);
        form.addEventListener("beacon-intake-ready", () => resolve(form.metrics), { once: true });
        setTimeout(() => reject(new Error("the form did not become ready in 20 s")), 20000);
      }),
  );
  if (lang) await page.locator("beacon-intake-form").evaluate((el, l) => el.setAttribute("lang", l), lang);
  return { context, page, requests, ready, response };
}

const apiRequests = (requests) => requests.filter((r) => r.url.startsWith(API));
const field = (page, name) => page.locator(`[data-field="${name}"]`).first();
const choice = (page, name, value) => page.locator(`input[data-field="${name}"][value="${value}"]`);
const errorOf = (page, name) => page.locator(`#bif1-${name.replace("/", "-")}-error`);
const summary = (page) => page.locator(".bif-summary");
const status = (page) => page.locator(".bif-status");
const activeId = (page) => page.evaluate(() => document.activeElement?.id ?? "");

/** The wasm module's own verdict on a body, in the page (the form's module instance). */
const coreVerdict = (page, body) =>
  page.evaluate(async (text) => {
    const src = document.querySelector('script[src$="beacon-intake-form.js"]').src;
    const mod = await import(new URL("./beacon_wasm.js", src).href);
    return mod.validateIntake(text, "2026-06-15");
  }, JSON.stringify(body));

async function fillValid(page, { contact = false } = {}) {
  await choice(page, "concern_types", "labor").check();
  await choice(page, "age_group", "25_59").check();
  if (contact) {
    await field(page, "town").fill("new london");
    await choice(page, "needs", "legal").check();
    await choice(page, "needs", "interpretation").check();
    await field(page, "preferred_language").selectOption("es");
    await choice(page, "safe_to_contact", "true").check();
    await field(page, "contact/name").fill("Ana");
    await field(page, "contact/phone").fill("(860) 555-0123");
    await field(page, "contact/email").fill("ana@example.org");
    await field(page, "contact/safe_times").fill("Weekdays after 6 pm");
    await field(page, "contact/leave_message_ok").check();
    await field(page, "notes").fill("My employer keeps my passport.");
  } else {
    await choice(page, "safe_to_contact", "false").check();
  }
  await choice(page, "consent_to_share", "true").check();
}

/** Keeps every text the form's status region (role=status, a polite live region) shows. */
async function recordStatus(page) {
  await page.evaluate(() => {
    window.statusLog = [];
    const region = document.querySelector(".bif-status");
    if (region.getAttribute("role") !== "status") throw new Error("the status region is not role=status");
    new MutationObserver(() => window.statusLog.push(region.textContent)).observe(region, {
      childList: true,
      characterData: true,
      subtree: true,
    });
  });
}

async function receiptReference(page) {
  const reference = page.locator(".bif-receipt .bif-reference");
  await reference.waitFor({ timeout: 30000 });
  return (await reference.textContent()).trim();
}

// --- the package and the first validation ---------------------------------------------------

await check("the package's .wasm is measured (raw and gzip -9)", async () => {
  const file = join(PKG, "beacon_wasm_bg.wasm");
  const wasm = readFileSync(file);
  // GNU gzip -9 as `cargo xtask wasm` reports it, else zlib at level 9 (a few % larger).
  const gnu = spawnSync("gzip", ["-9", "-c", file], { maxBuffer: 64 << 20 });
  const gzip = gnu.status === 0 ? gnu.stdout.length : gzipSync(wasm, { level: 9 }).length;
  const brotli = brotliCompressSync(wasm, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  result.measurements.wasm_bytes = wasm.length;
  result.measurements.wasm_gzip_bytes = gzip;
  result.measurements.wasm_brotli_bytes = brotli;
  console.log(
    `# wasm size: ${wasm.length} bytes raw, ${gzip} bytes gzip -9 (${gnu.status === 0 ? "GNU gzip" : "zlib"}), ${brotli} bytes brotli -11`,
  );
  // The budget (gzip <= 250 KB) is reported here, not enforced: the package's size is the
  // core's, and this test is about the form.
  if (gzip > 250 * 1000) console.log(`# NOTE: gzip ${gzip} bytes is over the issue's 250 KB budget`);
  assert.ok(wasm.length > 0);
});

await check("the form loads cross-origin from the API and validates first within a cold start", async () => {
  const { context, page, requests, ready } = await open();
  // The module, the stylesheet and the .wasm come from the API's /embed/pkg/, cross-origin.
  const fromApi = apiRequests(requests).map((r) => new URL(r.url).pathname);
  assert.ok(fromApi.includes("/embed/pkg/beacon-intake-form.js"), fromApi.join(" "));
  assert.ok(fromApi.includes("/embed/pkg/beacon_wasm_bg.wasm"), fromApi.join(" "));
  assert.ok(fromApi.includes("/embed/pkg/beacon-intake-form.css"), fromApi.join(" "));
  assert.ok(!fromApi.some((p) => p.startsWith("/v1/")), `no API call on load: ${fromApi.join(" ")}`);
  result.measurements.ms_to_wasm_ready = Math.round(ready.msToWasmReady * 10) / 10;
  result.measurements.ms_to_first_validation = Math.round(ready.msToFirstValidation * 10) / 10;
  console.log(
    `# time to first validation: ${ready.msToFirstValidation.toFixed(1)} ms from element connect (wasm ready at ${ready.msToWasmReady.toFixed(1)} ms), cold cache`,
  );
  // A validation as the person types, once loaded.
  const perKeystroke = await page.evaluate(async () => {
    const form = document.querySelector("beacon-intake-form");
    const start = performance.now();
    for (let i = 0; i < 20; i++) form.validate();
    return (performance.now() - start) / 20;
  });
  result.measurements.ms_per_validation = Math.round(perKeystroke * 100) / 100;
  console.log(`# one validation of the whole form (5 core calls): ${perKeystroke.toFixed(2)} ms`);
  await expectVisible(page, ".bif-exit");
  await page.screenshot({ path: join(SHOTS, "intake-empty.png") });
  await context.close();
});

async function expectVisible(page, selector) {
  assert.ok(await page.locator(selector).first().isVisible(), `${selector} is visible`);
}

// --- errors as the person goes, with no network request --------------------------------------

await check("invalid answers show the core's errors as the person goes, with no network request", async () => {
  const { context, page, requests } = await open();
  const before = requests.length;

  await choice(page, "safe_to_contact", "true").check();
  await field(page, "contact/email").fill("not-an-email");
  await field(page, "contact/phone").fill("12345");
  await field(page, "town").fill("Atlantis");
  await field(page, "notes").fill("x".repeat(5001));
  await field(page, "contact/name").focus(); // leave the notes
  await page.keyboard.press("Tab");

  // The same codes and messages as the core (and so the API).
  const verdict = await coreVerdict(page, {
    concern_types: ["unsure"],
    age_group: "unknown",
    safe_to_contact: true,
    consent_to_share: false,
    town: "Atlantis",
    contact: { phone: "12345", email: "not-an-email", leave_message_ok: false },
    notes: "x".repeat(5001),
  });
  const message = (path) => verdict.errors.find((e) => e.path === path)?.message;
  for (const [name, path] of [
    ["contact/email", "/contact/email"],
    ["contact/phone", "/contact/phone"],
    ["town", "/town"],
    ["notes", "/notes"],
  ]) {
    assert.ok(message(path), `the core reports ${path}: ${JSON.stringify(verdict.errors)}`);
    await errorOf(page, name).waitFor({ state: "visible", timeout: 5000 });
    assert.equal((await errorOf(page, name).textContent()).trim(), message(path));
    assert.equal(await field(page, name).getAttribute("aria-invalid"), "true");
    const describedBy = (await field(page, name).getAttribute("aria-describedby")).split(" ");
    assert.ok(describedBy.includes(`bif1-${name.replace("/", "-")}-error`), describedBy.join(" "));
  }
  // Nothing answered yet is not scolded before Send.
  assert.equal(await errorOf(page, "age_group").isVisible(), false);

  // Send: the summary lists every error (the required answers too), links to each field, and
  // takes the focus.
  await page.locator(".bif-send").click();
  await summary(page).waitFor({ state: "visible" });
  assert.equal(await activeId(page), "bif1-summary");
  assert.equal(await summary(page).getAttribute("role"), "alert");
  const links = await summary(page).locator("a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  for (const target of [
    "#bif1-concern_types",
    "#bif1-age_group",
    "#bif1-consent_to_share",
    "#bif1-town",
    "#bif1-contact-email",
    "#bif1-contact-phone",
    "#bif1-notes",
  ]) {
    assert.ok(links.includes(target), `summary links to ${target}: ${links.join(" ")}`);
  }
  for (const href of links) assert.equal(await page.locator(href).count(), 1, `${href} exists`);
  await page.screenshot({ path: join(SHOTS, "intake-errors.png") });
  // Following a link puts the focus on the field.
  await summary(page).locator('a[href="#bif1-contact-email"]').click();
  assert.equal(await activeId(page), "bif1-contact-email");

  // Fixing an answer clears its error as the person types.
  await field(page, "contact/email").fill("ana@example.org");
  await errorOf(page, "contact/email").waitFor({ state: "hidden", timeout: 5000 });
  assert.equal(await field(page, "contact/email").getAttribute("aria-invalid"), null);

  const after = requests.slice(before);
  assert.deepEqual(
    after.map((r) => `${r.method} ${r.url}`),
    [],
    "validation made no network request at all",
  );
  assert.equal(apiRequests(after).length, 0);

  // --- Spanish, in the same page: the answers and the errors stay, in Spanish.
  await page.locator(".bif-lang").click();
  await page.locator(".bif-title").filter({ hasText: "Pedir ayuda" }).waitFor({ timeout: 5000 });
  assert.equal(await page.locator("beacon-intake-form").getAttribute("lang"), "es");
  assert.equal(await page.locator(".bif").getAttribute("lang"), "es");
  assert.equal(await activeId(page), "bif1-lang", "the focus stays on the language switch");
  assert.equal(await page.locator(".bif-exit").textContent(), "Salida rápida");
  assert.equal(await page.locator(".bif-send").textContent(), "Enviar");
  assert.equal(await field(page, "contact/phone").inputValue(), "12345", "answers survive the switch");
  assert.equal(await choice(page, "safe_to_contact", "true").isChecked(), true);
  assert.equal(
    (await errorOf(page, "contact/phone").textContent()).trim(),
    "Debe ser un número de teléfono que empiece con + y el código del país, como +18605550123.",
  );
  assert.equal((await errorOf(page, "town").textContent()).trim(), "Debe ser uno de los 169 municipios de Connecticut.");
  assert.equal((await errorOf(page, "notes").textContent()).trim(), "Debe tener como máximo 5000 caracteres.");
  assert.equal((await errorOf(page, "age_group").textContent()).trim(), "Responda esta pregunta.");
  assert.match(await summary(page).locator("h3").textContent(), /^Revise \d+ respuestas$/);
  assert.equal(await page.locator('label[for="bif1-age_group"]').textContent(), "Menos de 12 años");
  assert.equal(await page.locator('label[for="bif1-needs"]').textContent(), "Refugio de emergencia");
  assert.equal(
    (await page.locator('label[for="bif1-concern_types"]').textContent()).startsWith("Trata con fines sexuales"),
    true,
  );
  assert.equal(apiRequests(requests.slice(before)).length, 0, "switching language made no API request");
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, "intake-errors-es.png") });
  await context.close();
});

// --- keyboard only -------------------------------------------------------------------------

async function tabTo(page, id, { max = 60 } = {}) {
  for (let i = 0; i < max; i++) {
    if ((await activeId(page)) === id) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached #${id} (at #${await activeId(page)})`);
}

await check("keyboard only: Send empty, follow the summary, answer, Send, receipt", async () => {
  const { context, page } = await open();
  await page.locator("body").focus();
  await page.keyboard.press("Tab");
  assert.equal(await activeId(page), "bif1-exit", "Quick exit is the first stop");
  await tabTo(page, "bif1-send");
  await page.keyboard.press("Enter");
  await summary(page).waitFor({ state: "visible" });
  assert.equal(await activeId(page), "bif1-summary");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute("href")), "#bif1-concern_types");
  await page.keyboard.press("Enter");
  assert.equal(await activeId(page), "bif1-concern_types");
  await page.keyboard.press("Space"); // sex
  await tabTo(page, "bif1-age_group");
  await page.keyboard.press("ArrowDown"); // a radio group: arrows pick
  assert.equal(await choice(page, "age_group", "12_17").isChecked(), true);
  await tabTo(page, "bif1-safe_to_contact");
  await page.keyboard.press("ArrowDown");
  assert.equal(await choice(page, "safe_to_contact", "false").isChecked(), true);
  await tabTo(page, "bif1-consent_to_share");
  await page.keyboard.press("Space");
  assert.equal(await choice(page, "consent_to_share", "true").isChecked(), true);
  await tabTo(page, "bif1-send");
  await page.keyboard.press("Enter");
  const reference = await receiptReference(page);
  assert.match(reference, REFERENCE);
  assert.equal(await activeId(page), "bif1-receipt", "the receipt takes the focus");
  result.references.push(reference);
  await context.close();
});

// --- a valid submission --------------------------------------------------------------------

await check("a valid form is sent once, with a fresh Idempotency-Key, and shows the receipt", async () => {
  const { context, page, requests } = await open();
  await fillValid(page, { contact: true });
  await page.locator(".bif-send").click();
  const reference = await receiptReference(page);
  assert.match(reference, REFERENCE);
  const posts = requests.filter((r) => r.method === "POST");
  assert.equal(posts.length, 1, posts.map((r) => r.url).join(" "));
  assert.equal(posts[0].url, INTAKE);
  const headers = await posts[0].request.allHeaders();
  assert.match(headers["idempotency-key"], /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.match(headers.authorization, /^Bearer bpk_/);
  const body = JSON.parse(posts[0].request.postData());
  assert.deepEqual(body, {
    town: "new london",
    concern_types: ["labor"],
    age_group: "25_59",
    needs: ["legal", "interpretation"],
    safe_to_contact: true,
    contact: {
      name: "Ana",
      phone: "+18605550123",
      email: "ana@example.org",
      safe_times: "Weekdays after 6 pm",
      leave_message_ok: true,
    },
    consent_to_share: true,
    preferred_language: "es",
    notes: "My employer keeps my passport.",
  });
  assert.equal(await page.locator("beacon-intake-form input, beacon-intake-form textarea").count(), 0, "the answers are gone");
  // Nothing kept in the browser.
  const stored = await page.evaluate(() => ({
    local: localStorage.length,
    session: sessionStorage.length,
    cookies: document.cookie,
  }));
  assert.deepEqual(stored, { local: 0, session: 0, cookies: "" });
  assert.deepEqual((await context.cookies()).length, 0);
  await page.screenshot({ path: join(SHOTS, "intake-receipt.png") });
  result.references.push(reference);
  result.contact_reference = reference;
  await context.close();
});

// --- the connection drops mid-submit -------------------------------------------------------

await check("the connection drops after the server answered: the retry reuses the key, one row", async () => {
  const { context, page } = await open();
  const posts = [];
  let first = null;
  await page.route(INTAKE, async (route) => {
    const request = route.request();
    if (request.method() !== "POST") return route.continue();
    posts.push({ key: (await request.allHeaders())["idempotency-key"], body: request.postData() });
    if (posts.length === 1) {
      // The request reaches the server (which files it), then the answer is lost.
      const response = await route.fetch();
      first = { status: response.status(), body: await response.json() };
      return route.abort("connectionreset");
    }
    return route.continue();
  });
  await fillValid(page);
  await recordStatus(page);
  await page.locator(".bif-send").click();
  const reference = await receiptReference(page);
  const said = await page.evaluate(() => window.statusLog);
  assert.ok(
    said.includes("The connection dropped. Trying again in 1 second (try 2 of 5). You do not need to do anything."),
    `the polite live region told the person: ${JSON.stringify(said)}`,
  );
  assert.equal(first?.status, 201, JSON.stringify(first));
  assert.equal(posts.length, 2, "one retry");
  assert.equal(posts[1].key, posts[0].key, "the retry uses the same Idempotency-Key");
  assert.equal(posts[1].body, posts[0].body, "and the same body");
  assert.equal(reference, first.body.reference, "the receipt is the first submission's");
  result.references.push(reference);
  result.retried_reference = reference;
  await context.close();
});

await check("a network that stays down: the person is told, the answers stay, Send again works", async () => {
  const { context, page } = await open();
  // Shorten the backoff for this check only (the form's real delays are 1, 2, 4, 8 s).
  await page.evaluate(() => {
    const realSetTimeout = window.setTimeout;
    window.setTimeout = (fn, ms, ...rest) => realSetTimeout(fn, Math.min(ms, 50), ...rest);
  });
  let down = true;
  const keys = [];
  await page.route(INTAKE, async (route) => {
    const request = route.request();
    if (request.method() !== "POST") return route.continue();
    keys.push((await request.allHeaders())["idempotency-key"]);
    return down ? route.abort("internetdisconnected") : route.continue();
  });
  await fillValid(page);
  await page.locator(".bif-send").click();
  await status(page).filter({ hasText: "We could not send your answers" }).waitFor({ timeout: 10000 });
  assert.equal(keys.length, 5, "five tries");
  assert.equal(new Set(keys).size, 1, "all with one key");
  assert.equal(await choice(page, "consent_to_share", "true").isChecked(), true, "the answers are still there");
  down = false;
  await page.locator(".bif-send").click();
  const reference = await receiptReference(page);
  assert.equal(keys.length, 6);
  assert.equal(keys[5], keys[0], "Send again with the same answers reuses the key");
  result.references.push(reference);
  await context.close();
});

// --- Quick exit ----------------------------------------------------------------------------

async function quickExitCheck(press) {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  let cleared = null;
  await page.exposeFunction("reportQuickExit", (state) => {
    cleared = state;
  });
  await page.goto(`${new URL(PAGE).origin}/weather?before`); // somewhere to go back to
  await page.goto(PAGE);
  await page.locator(".bif-send").waitFor();
  await page.evaluate(() => {
    const form = document.querySelector("beacon-intake-form");
    form.addEventListener("beacon-quick-exit", () =>
      window.reportQuickExit({
        controls: form.querySelectorAll("input, textarea, select").length,
        text: form.textContent,
        url: location.href,
      }),
    );
  });
  const lengthBefore = await page.evaluate(() => history.length);
  await choice(page, "safe_to_contact", "true").check();
  await field(page, "contact/phone").fill("+18605550123");
  await field(page, "notes").fill("He watches my phone.");
  await press(page);
  await page.waitForURL(EXIT_URL, { timeout: 10000 });
  assert.deepEqual(cleared, { controls: 0, text: "", url: PAGE }, "the form was emptied before the page went");
  assert.equal(await page.evaluate(() => history.length), lengthBefore, "replaced, not a new history entry");
  await page.goBack();
  assert.notEqual(page.url(), PAGE, "Back does not return to the form");
  assert.ok(page.url().endsWith("/weather?before"), page.url());
  await context.close();
}

await check("Quick exit clears the form and replaces the page with exit-url", () =>
  quickExitCheck((page) => page.locator(".bif-exit").click()),
);

await check("Esc pressed three times is Quick exit too", () =>
  quickExitCheck(async (page) => {
    await field(page, "notes").focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press("Escape");
  }),
);

// --- accessibility and small screens -------------------------------------------------------

async function axe(page, label) {
  await page.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
  const results = await page.evaluate(() =>
    window.axe.run(document.querySelector("beacon-intake-form"), {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
    }),
  );
  const violations = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
  );
  assert.deepEqual(violations, [], `axe-core on the ${label} form`);
  return results.passes.length;
}

await check("the API's demo page (/embed/demo) works under its strict CSP and submits to the same server", async () => {
  const consoleLog = [];
  const { context, page, response } = await open({ url: `${API}/embed/demo?key=${DEMO_KEY}`, consoleLog });
  const csp = (await response.allHeaders())["content-security-policy"];
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.doesNotMatch(csp, /unsafe-inline|'unsafe-eval'/);
  await fillValid(page, { contact: true });
  await page.locator(".bif-send").click();
  const reference = await receiptReference(page);
  const violations = consoleLog.filter((text) => /Content Security Policy/i.test(text));
  assert.deepEqual(violations, [], "no CSP violation");
  result.references.push(reference);
  await context.close();
});

await check("axe-core finds no violation (empty, errors, Spanish, contact, receipt)", async () => {
  const { context, page } = await open();
  let passes = await axe(page, "empty");
  await choice(page, "safe_to_contact", "true").check();
  await field(page, "contact/email").fill("nope");
  await page.locator(".bif-send").click();
  await summary(page).waitFor({ state: "visible" });
  passes += await axe(page, "error");
  await page.locator(".bif-lang").click();
  await page.locator(".bif-title").filter({ hasText: "Pedir ayuda" }).waitFor();
  passes += await axe(page, "Spanish error");
  await page.locator(".bif-lang").click();
  await fillValid(page, { contact: true });
  await page.locator(".bif-send").click();
  result.references.push(await receiptReference(page));
  passes += await axe(page, "receipt");
  console.log(`# axe-core ${JSON.parse(readFileSync(require.resolve("axe-core/package.json"), "utf8")).version}: 0 violations, ${passes} passed rule checks`);
  await context.close();
});

await check("works at 320 px: no sideways scrolling, Quick exit always on screen", async () => {
  const { context, page } = await open({ width: 320, height: 568 });
  await choice(page, "safe_to_contact", "true").check();
  await page.locator(".bif-send").click();
  await summary(page).waitFor({ state: "visible" });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${overflow}px of sideways scrolling at 320px`);
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  const box = await page.locator(".bif-exit").boundingBox();
  assert.ok(box && box.y >= 0 && box.y + box.height <= 568 && box.x + box.width <= 320, JSON.stringify(box));
  await context.close();
});

await browser.close();
console.log(`RESULT ${JSON.stringify(result)}`);
console.log(`browser: ${checks - failures.length} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
