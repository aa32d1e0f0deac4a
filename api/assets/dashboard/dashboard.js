// The coordinator's dashboard. No framework: the page is small, and every rule it applies comes
// from the core's wasm package (the editors' checks, the charts), so it judges and draws exactly
// as the server does. The key lives in sessionStorage only; every datum is read through /v1.

import init, * as core from "/embed/pkg/beacon_wasm.js";

const KEY = "beacon.coordinator-key";
const $ = (selector) => document.querySelector(selector);
const status = (text) => { $("#status").textContent = text; };

/** Today in Connecticut, as the server's clock reads it (America/New_York). */
function today() {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "America/New_York" }).format(new Date());
}

class SignedOut extends Error {}

async function api(path, { method = "GET", body, accept = "application/json" } = {}) {
  const key = sessionStorage.getItem(KEY);
  if (!key) throw new SignedOut();
  const headers = { Authorization: `Bearer ${key}`, Accept: accept };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body });
  if (response.status === 401) {
    signOut("The key was refused (revoked or expired): sign in again.");
    throw new SignedOut();
  }
  return response;
}

async function json(path) {
  const response = await api(path);
  const value = await response.json();
  if (!response.ok) throw new Error(value.detail || value.title || `${path}: ${response.status}`);
  return value;
}

// ---------------------------------------------------------------- signing in and out

function signOut(message) {
  sessionStorage.removeItem(KEY);
  $("#app").hidden = true;
  $("#sign-out").hidden = true;
  $("#sign-in").hidden = false;
  status(message || "Signed out.");
}

async function signIn(event) {
  event.preventDefault();
  const input = $("#key");
  const error = $("#key-error");
  const key = input.value.trim();
  error.hidden = true;
  input.removeAttribute("aria-invalid");
  if (!key) {
    return fieldError(input, error, "Enter a coordinator API key.");
  }
  sessionStorage.setItem(KEY, key);
  const response = await api("/v1/calendar").catch(() => null);
  if (!response || !response.ok) {
    sessionStorage.removeItem(KEY);
    const why = response && response.status === 403 ? "This key is not a coordinator's." : "The key was refused.";
    return fieldError(input, error, why);
  }
  input.value = "";
  await show();
}

function fieldError(input, error, message) {
  error.textContent = message;
  error.hidden = false;
  input.setAttribute("aria-invalid", "true");
  input.focus();
}

async function show() {
  $("#sign-in").hidden = true;
  $("#app").hidden = false;
  $("#sign-out").hidden = false;
  status("Loading…");
  try {
    await Promise.all([loadStats(), loadQueues(), loadCalendar(), loadEntries()]);
    status("Up to date.");
  } catch (error) {
    if (!(error instanceof SignedOut)) status(`Could not load everything: ${error.message}`);
  }
}

// ---------------------------------------------------------------- statistics and charts

function periods() {
  const year = Number(today().slice(0, 4));
  const select = $("#period");
  for (let y = year; y >= 2026; y--) {
    select.append(new Option(`${y}`, `${y}`));
    for (let q = 4; q >= 1; q--) select.append(new Option(`${y}, quarter ${q}`, `${y}-Q${q}`));
  }
}

const stats = (period, groupBy) =>
  json(`/v1/stats/incidents?period=${encodeURIComponent(period)}&group_by=${groupBy}`);

/** The incidents table of one grouping, as `[{label, value, suppressed}]` per category. */
function series(output) {
  const table = output.tables.find((t) => t.measure === "incidents");
  const labels = table.dimensions[0].categories;
  return labels.map((label, i) => {
    const entry = table.entries.find((e) => e.at.length === 1 && e.at[0] === i);
    return { label, value: entry ? entry.value : 0, suppressed: entry ? entry.suppressed : false };
  });
}

/** Draws one chart and the data table behind it with the core's chart module (as the report does). */
function draw(figureId, kind, { title, description, categoryName }, rows) {
  const figure = document.getElementById(figureId);
  figure.querySelector("figcaption").textContent = title;
  const { svg, table } = core.renderChart(JSON.stringify({
    kind,
    id: figureId,
    title,
    description,
    category_name: categoryName,
    value_name: "Incidents",
    categories: rows.map((r) => r.label),
    values: rows.map((r) => (r.suppressed ? null : r.value)),
  }));
  // Both are built by core from numbers and escaped labels; no text from elsewhere.
  figure.querySelector(".chart").innerHTML = svg;
  figure.querySelector(".data").innerHTML = table;
}

const REGION_NAMES = { county: "county", planning_region: "planning region", judicial_district: "judicial district", dcf_region: "DCF region" };
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `2026-03` as `Mar` (the title names the year), so twelve labels fit under the line chart. */
const shortMonths = (rows) => rows.map((r) => ({ ...r, label: MONTHS[Number(r.label.slice(5, 7)) - 1] ?? r.label }));

async function loadStats() {
  const period = $("#period").value;
  const regions = $("#region-type").value;
  const year = period.slice(0, 4);
  const [byMonth, byQuarter, byRegion] = await Promise.all([
    stats(period, "month"),
    stats(year, "quarter"),
    stats(period, regions),
  ]);
  $("#rule").textContent = byMonth.rule;
  draw("chart-month", "line", {
    title: `Incidents by month, ${byMonth.period}`,
    description: "Incidents reported in each month of the period.",
    categoryName: "Month",
  }, shortMonths(series(byMonth)));
  draw("chart-quarter", "bar", {
    title: `Incidents by quarter, ${byQuarter.period}`,
    description: "Incidents reported in each quarter of the year.",
    categoryName: "Quarter",
  }, series(byQuarter));
  const region = REGION_NAMES[regions];
  draw("chart-region", regions === "county" ? "county_map" : "bar", {
    title: `Incidents by ${region}, ${byRegion.period}`,
    description: `Incidents in each ${region} of Connecticut.`,
    categoryName: region.replace(/^./, (c) => c.toUpperCase()),
  }, series(byRegion));
}

// ---------------------------------------------------------------- queues and the calendar

async function total(path) {
  const page = await json(path);
  return Array.isArray(page) ? page.length : page.total_items;
}

async function loadQueues() {
  const [minors, fresh, ageUnknown, verifications, training] = await Promise.all([
    total("/v1/intake?awaiting_dcf=true&per_page=1"),
    total("/v1/intake?status=new&per_page=1"),
    total("/v1/intake?age_unknown=true&per_page=1"),
    total("/v1/directory/verifications/due"),
    json("/v1/training/compliance?status=overdue"),
  ]);
  const queues = [
    [minors, "minors awaiting DCF notification (Sec. 10)"],
    [fresh, "intake submissions awaiting triage"],
    [ageUnknown, "intake submissions whose age group is unknown"],
    [verifications, "provider verifications due within 30 days"],
    [training.counts.overdue ?? 0, "people overdue for training (Sec. 3)"],
  ];
  $("#queue-list").replaceChildren(
    ...queues.map(([n, what]) => {
      const li = document.createElement("li");
      const count = document.createElement("span");
      count.className = "n";
      count.textContent = String(n);
      li.append(count, what);
      return li;
    }),
  );
}

const DUTY_STATUS = { upcoming: "Upcoming", due_soon: "Due within 30 days", past: "Date passed" };

async function loadCalendar() {
  const duties = await json("/v1/calendar");
  $("#calendar-rows").replaceChildren(
    ...duties.map((d) => {
      const tr = document.createElement("tr");
      for (const text of [d.due, d.section, d.description, DUTY_STATUS[d.status] ?? d.status]) {
        tr.insertCell().textContent = text;
      }
      return tr;
    }),
  );
}

// ---------------------------------------------------------------- the register editors

function fillSelect(select, list, { blank } = {}) {
  if (blank) select.append(new Option(blank, ""));
  for (const { code, label } of list) select.append(new Option(label, code));
}

function fillCodes() {
  const { lists } = core.codes();
  fillSelect($("#activity-kind"), lists.activity_kind);
  fillSelect($("#recommendation-kind"), lists.recommendation_kind);
  fillSelect($("#recommendation-status"), lists.recommendation_status);
  fillSelect($("#recommendation-committee"), lists.committee, { blank: "None" });
  const box = $("#activity-agencies");
  for (const { code, label } of lists.agency) {
    const id = `agency-${code}`;
    const input = Object.assign(document.createElement("input"), { type: "checkbox", id, value: code, name: "agencies" });
    const text = Object.assign(document.createElement("label"), { htmlFor: id, textContent: label });
    text.prepend(input);
    box.append(text);
  }
  $("#activity-date").value = today();
  $("#recommendation-year").value = today().slice(0, 4);
}

function activityBody() {
  return {
    date: $("#activity-date").value,
    kind: $("#activity-kind").value,
    agencies: [...document.querySelectorAll("#activity-agencies input:checked")].map((i) => i.value),
    description: $("#activity-description").value,
  };
}

function recommendationBody() {
  const body = {
    year: Number($("#recommendation-year").value),
    kind: $("#recommendation-kind").value,
    status: $("#recommendation-status").value,
    text: $("#recommendation-text").value,
  };
  const finding = $("#recommendation-finding").value;
  if (finding) body.finding = finding;
  const committee = $("#recommendation-committee").value;
  if (committee) body.committee = committee;
  return body;
}

/** Shows each `{path, code, message}` under the field its path names (or the form's own line). */
function showErrors(prefix, errors) {
  const form = document.getElementById(`${prefix}-form`);
  for (const p of form.querySelectorAll("p.error")) { p.hidden = true; p.textContent = ""; }
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  for (const { path, message } of errors) {
    const field = path.split("/")[1] || "";
    const line = document.getElementById(`${prefix}-${field}-error`) || document.getElementById(`${prefix}-error`);
    line.textContent = line.textContent ? `${line.textContent} ${message}` : message;
    line.hidden = false;
    const input = document.getElementById(`${prefix}-${field}`);
    if (input) input.setAttribute("aria-invalid", "true");
  }
  const first = form.querySelector("[aria-invalid]");
  if (first) first.focus();
}

function editor(prefix, body, check, route) {
  document.getElementById(`${prefix}-form`).addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = JSON.stringify(body());
    // The server's own verdict, computed here: nothing is sent until it is clean.
    const verdict = check(text, today());
    showErrors(prefix, verdict.errors);
    if (!verdict.ok) {
      status(`Not saved: ${verdict.errors.length} problem(s) to fix.`);
      return;
    }
    const response = await api(route, { method: "POST", body: text });
    if (response.ok) {
      status("Saved.");
      event.target.reset();
      fillDefaults();
      await loadEntries();
    } else {
      const problem = await response.json();
      showErrors(prefix, problem.errors || [{ path: "", message: problem.detail || problem.title }]);
      status("Not saved.");
    }
  });
}

function fillDefaults() {
  $("#activity-date").value = today();
  $("#recommendation-year").value = today().slice(0, 4);
}

async function loadEntries() {
  const year = $("#period").value.slice(0, 4);
  const [activities, recommendations] = await Promise.all([
    json(`/v1/reports/activities?year=${year}&per_page=100`),
    json(`/v1/reports/recommendations?year=${year}&per_page=100`),
  ]);
  const items = [
    ...activities.items.map((a) => `${a.date} — ${a.kind.replace(/_/g, " ")}: ${a.description}`),
    ...recommendations.items.map((r) => `Recommendation (${r.kind}, ${r.status.replace(/_/g, " ")}): ${r.text}`),
  ];
  $("#entries").replaceChildren(
    ...(items.length ? items : [`Nothing recorded for ${year} yet.`]).map((text) =>
      Object.assign(document.createElement("li"), { textContent: text })),
  );
}

// ---------------------------------------------------------------- downloads

const DOWNLOADS = {
  "stats-csv": () => [`/v1/stats/incidents?period=${$("#period").value}&group_by=month,${$("#region-type").value}`, "text/csv", "incidents.csv"],
  "report-html": () => [`/v1/reports/coordinator/${$("#period").value.slice(0, 4)}`, "text/html", "coordinator-report.html"],
  "report-pdf": () => [`/v1/reports/coordinator/${$("#period").value.slice(0, 4)}`, "application/pdf", "coordinator-report.pdf"],
};

async function download(event) {
  const which = event.target.dataset.download;
  const [path, accept, name] = DOWNLOADS[which]();
  status(`Preparing ${name}…`);
  const response = await api(path, { accept });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    status(`Could not download ${name}: ${problem.detail || problem.title || response.status}`);
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement("a"), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  status(`Downloaded ${name}.`);
}

// ---------------------------------------------------------------- start

await init();
periods();
fillCodes();
editor("activity", activityBody, core.checkActivity, "/v1/reports/activities");
editor("recommendation", recommendationBody, core.checkRecommendation, "/v1/reports/recommendations");
$("#sign-in-form").addEventListener("submit", signIn);
$("#sign-out").addEventListener("click", () => signOut());
$("#filter-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  status("Loading…");
  await Promise.all([loadStats(), loadEntries()]).then(() => status("Up to date."), (e) => status(e.message));
});
for (const button of document.querySelectorAll("[data-download]")) button.addEventListener("click", download);
if (sessionStorage.getItem(KEY)) await show();
