// <beacon-intake-form>: Beacon's embeddable partner intake form.
//
// A partner nonprofit embeds it with two lines:
//
//   <script type="module" src="https://beacon.example/embed/pkg/beacon-intake-form.js"></script>
//   <beacon-intake-form api="https://beacon.example" key="bpk_…" lang="en" exit-url="https://weather.example"></beacon-intake-form>
//
// Attributes: `api` (Beacon's base URL), `key` (the partner's publishable key, bound to the
// page's origin), `lang` (`en` or `es`; the person can switch), `exit-url` (the neutral page
// Quick exit goes to).
//
// It validates with the Beacon core compiled to WebAssembly (`validateIntake`, loaded from
// beside this file): the same codes, paths and (in English) messages the API returns, and no
// network request while the person types. It submits to `POST /v1/intake` with a fresh
// `Idempotency-Key` and retries a lost connection with the same key, so a retry never files
// twice. Nothing is stored in the browser: no cookies, no storage, `autocomplete="off"`.
//
// Plain ES module, light DOM (partners style it with ordinary CSS; see
// beacon-intake-form.css), no framework, no inline scripts or styles (works under a strict CSP
// with `script-src 'self' 'wasm-unsafe-eval'`).
//
// Events (bubbling, composed): `beacon-intake-ready` {msToWasmReady, msToFirstValidation},
// `beacon-intake-submitted` {reference}, `beacon-quick-exit` (after the form is cleared,
// just before the page is replaced). None carries anything the person wrote.

import init, { validateIntake, codes, normalizePhone } from "./beacon_wasm.js";

const WASM_URL = new URL("./beacon_wasm_bg.wasm", import.meta.url);
const CSS_URL = new URL("./beacon-intake-form.css", import.meta.url);
const DEFAULT_EXIT_URL = "https://www.weather.gov/";

/** Sending: how many tries in all, and the pause before each retry (exponential backoff). */
const RETRY_DELAYS_MS = [1000, 2000, 4000, 8000];
/** Esc presses that count as "Quick exit", each within this many ms of the previous. */
const ESC_PRESSES = 3;
const ESC_WINDOW_MS = 1500;

/** Placeholders for the required answers, used only to ask the core about one missing
 * answer at a time (the core reports the first structural error of a body), never sent. */
const REQUIRED_PLACEHOLDERS = {
  concern_types: ["unsure"],
  age_group: "unknown",
  safe_to_contact: false,
  consent_to_share: false,
};

/** Languages offered for `preferred_language` (ISO 639-1), named in their own language. */
const LANGUAGES = [
  ["en", "English"],
  ["es", "Español"],
  ["pt", "Português"],
  ["ht", "Kreyòl ayisyen"],
  ["fr", "Français"],
  ["pl", "Polski"],
  ["it", "Italiano"],
  ["zh", "中文"],
  ["vi", "Tiếng Việt"],
  ["ar", "العربية"],
  ["ru", "Русский"],
  ["uk", "Українська"],
  ["ko", "한국어"],
  ["hi", "हिन्दी"],
];

// ---------------------------------------------------------------------------------------------
// Words. English labels of codes come from the core (`codes()`); Spanish ones are here, for
// every code the form shows. Error messages: English from the core; Spanish here, by code.

const UI = {
  en: {
    title: "Ask for help",
    intro:
      "Tell us only what you want to share. Questions marked “required” need an answer; you can skip everything else. Nothing you type is saved on this device.",
    quickExit: "Quick exit",
    exitHint: "Leaves this page right away. You can also press Esc three times.",
    switchTo: "Español",
    switchToLang: "es",
    switchLabel: "Ver este formulario en español",
    required: "required",
    optional: "optional",
    concern: "What are you worried about?",
    concernHint: "Choose any that fit. “Not sure” is a fine answer.",
    age: "How old is the person who needs help?",
    town: "Which town in Connecticut?",
    townHint: "Start typing to see the towns.",
    needs: "What kind of help would be useful?",
    needsHint: "Choose any that fit.",
    language: "Which language do you prefer?",
    noPreference: "No preference",
    safe: "Is it safe for someone to contact you?",
    safeHint: "If you say no, nobody will try to reach you.",
    yes: "Yes",
    safeNo: "No, do not contact me",
    contact: "How can we reach you safely?",
    contactHint: "Give a phone number or an email address, or both.",
    name: "A name we can ask for",
    nameHint: "Any name you choose.",
    phone: "Phone number",
    phoneHint: "With the country code, for example +1 860 555 0123.",
    email: "Email address",
    safeTimes: "When is it safe to contact you?",
    safeTimesHint: "For example: weekdays after 6 pm.",
    leaveMessage: "It is OK to leave a message",
    notes: "Anything else you want us to know?",
    notesHint: "Up to 5,000 characters.",
    consent: "May we share this with Connecticut’s anti-trafficking coordinator?",
    consentHint: "The coordinator helps connect people with services. Either answer is fine, and it does not change the help you get from this organization. You can change your mind later: just tell this organization.",
    consentYes: "Yes, you may share it",
    consentYesHint: "This organization and the state’s coordinator may read your answers, how to reach you and your notes, to connect you with services. Each time someone reads them, it is recorded.",
    consentNo: "No, keep it with this organization",
    consentNoHint: "Only this organization can read how to reach you and your notes. Your other answers are still counted in the state’s numbers, without your name or how to reach you. If a child under 18 may be a victim, Connecticut’s Department of Children and Families (DCF) is still told, as the law requires, and works with this organization to help.",
    send: "Send",
    summary: (n) => (n === 1 ? "Please check 1 answer" : `Please check ${n} answers`),
    thisForm: "This form",
    sending: "Sending your answers…",
    retrying: (seconds, next, max) =>
      `The connection dropped. Trying again in ${seconds} ${seconds === 1 ? "second" : "seconds"} (try ${next} of ${max}). You do not need to do anything.`,
    waiting: (seconds) =>
      `The service is busy. Trying again in ${seconds} ${seconds === 1 ? "second" : "seconds"}. You do not need to do anything.`,
    gaveUp:
      "We could not send your answers: the connection is not working. Your answers are still here. Press Send to try again.",
    notSetUp:
      "This form cannot send right now, and your answers were not sent. Please contact the organization another way.",
    stillSending: "Still sending. Please wait.",
    thanks: "Thank you. We received your request.",
    reference: "Your reference number:",
    referenceHint:
      "If you talk to the organization, you can give them this number. Nothing was saved on this device.",
    loading: "Loading the form…",
    loadFailed: "The form could not load. Please contact the organization another way.",
  },
  es: {
    title: "Pedir ayuda",
    intro:
      "Cuéntenos solo lo que quiera compartir. Las preguntas marcadas como “obligatoria” necesitan una respuesta; puede saltarse todo lo demás. Nada de lo que escriba se guarda en este dispositivo.",
    quickExit: "Salida rápida",
    exitHint: "Sale de esta página de inmediato. También puede pulsar Esc tres veces.",
    switchTo: "English",
    switchToLang: "en",
    switchLabel: "View this form in English",
    required: "obligatoria",
    optional: "opcional",
    concern: "¿Qué le preocupa?",
    concernHint: "Elija las que correspondan. “No estoy seguro/a” es una buena respuesta.",
    age: "¿Qué edad tiene la persona que necesita ayuda?",
    town: "¿En qué municipio de Connecticut?",
    townHint: "Empiece a escribir para ver los municipios.",
    needs: "¿Qué tipo de ayuda le sería útil?",
    needsHint: "Elija las que correspondan.",
    language: "¿Qué idioma prefiere?",
    noPreference: "Sin preferencia",
    safe: "¿Es seguro que alguien se comunique con usted?",
    safeHint: "Si dice que no, nadie intentará comunicarse con usted.",
    yes: "Sí",
    safeNo: "No, no se comuniquen conmigo",
    contact: "¿Cómo podemos comunicarnos con usted de forma segura?",
    contactHint: "Dé un número de teléfono o un correo electrónico, o ambos.",
    name: "Un nombre por el que podamos preguntar",
    nameHint: "Cualquier nombre que usted elija.",
    phone: "Número de teléfono",
    phoneHint: "Con el código de país, por ejemplo +1 860 555 0123.",
    email: "Correo electrónico",
    safeTimes: "¿Cuándo es seguro comunicarse con usted?",
    safeTimesHint: "Por ejemplo: entre semana después de las 6 de la tarde.",
    leaveMessage: "Se puede dejar un mensaje",
    notes: "¿Algo más que quiera contarnos?",
    notesHint: "Hasta 5.000 caracteres.",
    consent: "¿Podemos compartir esto con la coordinación contra la trata de personas de Connecticut?",
    consentHint: "La coordinación ayuda a conectar a las personas con servicios. Cualquier respuesta está bien y no cambia la ayuda que recibe de esta organización. Puede cambiar de opinión más tarde: solo dígaselo a esta organización.",
    consentYes: "Sí, pueden compartirlo",
    consentYesHint: "Esta organización y la coordinación del estado pueden leer sus respuestas, cómo comunicarse con usted y sus notas, para conectarle con servicios. Cada vez que alguien las lee, queda registrado.",
    consentNo: "No, que quede solo en esta organización",
    consentNoHint: "Solo esta organización puede leer cómo comunicarse con usted y sus notas. Sus otras respuestas se cuentan igualmente en las cifras del estado, sin su nombre ni cómo comunicarse con usted. Si un niño o una niña menor de 18 años puede ser víctima, se avisa igualmente al Departamento de Niños y Familias (DCF), como exige la ley, que trabaja con esta organización para ayudar.",
    send: "Enviar",
    summary: (n) => (n === 1 ? "Revise 1 respuesta" : `Revise ${n} respuestas`),
    thisForm: "Este formulario",
    sending: "Enviando sus respuestas…",
    retrying: (seconds, next, max) =>
      `Se perdió la conexión. Lo intentaremos de nuevo en ${seconds} ${seconds === 1 ? "segundo" : "segundos"} (intento ${next} de ${max}). No necesita hacer nada.`,
    waiting: (seconds) =>
      `El servicio está ocupado. Lo intentaremos de nuevo en ${seconds} ${seconds === 1 ? "segundo" : "segundos"}. No necesita hacer nada.`,
    gaveUp:
      "No pudimos enviar sus respuestas: la conexión no funciona. Sus respuestas siguen aquí. Pulse Enviar para intentarlo de nuevo.",
    notSetUp:
      "Este formulario no puede enviar en este momento y sus respuestas no se enviaron. Comuníquese con la organización de otra forma.",
    stillSending: "Todavía se está enviando. Espere, por favor.",
    thanks: "Gracias. Recibimos su solicitud.",
    reference: "Su número de referencia:",
    referenceHint:
      "Si habla con la organización, puede darles este número. No se guardó nada en este dispositivo.",
    loading: "Cargando el formulario…",
    loadFailed: "No se pudo cargar el formulario. Comuníquese con la organización de otra forma.",
  },
};

/** Spanish labels for every code the form shows (English ones come from the core). */
const CODE_LABELS_ES = {
  concern_type: {
    sex: "Trata con fines sexuales",
    labor: "Trata con fines laborales",
    unsure: "No estoy seguro/a",
  },
  age_group: {
    under_12: "Menos de 12 años",
    "12_17": "De 12 a 17 años",
    "18_24": "De 18 a 24 años",
    "25_59": "De 25 a 59 años",
    "60_plus": "60 años o más",
    unknown: "No lo sé",
  },
  service: {
    shelter: "Refugio de emergencia",
    housing: "Vivienda",
    case_management: "Gestión de casos",
    legal: "Ayuda legal",
    immigration_legal: "Ayuda legal de inmigración",
    medical: "Atención médica",
    mental_health: "Salud mental",
    substance_use: "Tratamiento por consumo de sustancias",
    interpretation: "Interpretación",
    education_employment: "Educación y empleo",
    financial: "Ayuda económica",
    basic_needs: "Necesidades básicas",
    transportation: "Transporte",
    family_reunification: "Reunificación familiar",
    child_welfare: "Bienestar infantil",
    other: "Otra",
  },
};

/** Plain-language hints under the concern types (the core's labels are short). */
const CONCERN_HINTS = {
  en: {
    sex: "Someone is forced, tricked or pressured into sex acts.",
    labor: "Someone is forced, tricked or pressured to work.",
    unsure: "Something feels wrong, but you are not sure what.",
  },
  es: {
    sex: "Alguien es obligado, engañado o presionado a realizar actos sexuales.",
    labor: "Alguien es obligado, engañado o presionado a trabajar.",
    unsure: "Algo no está bien, pero no sabe exactamente qué.",
  },
};

/** Numbers in the core's English message ("between 1 and 100 characters"), so the Spanish
 * text states the very limits the core applied. */
function limits(message) {
  const m = String(message);
  const between = m.match(/between (\d+) and (\d+) (items|characters)/);
  if (between) return { min: between[1], max: between[2], items: between[3] === "items" };
  const most = m.match(/at most (\d+) (items|characters)/);
  if (most) return { max: most[1], items: most[2] === "items" };
  const least = m.match(/at least (\d+) (items|characters)/);
  if (least) return { min: least[1], items: least[2] === "items" };
  return {};
}

/** Spanish error messages keyed by the core's error code (the code and path are the core's). */
const ERRORS_ES = {
  invalid_json: () => "Los datos enviados no son JSON válido.",
  invalid_type: () => "Tiene un tipo de dato incorrecto.",
  required: (field) =>
    field === "contact"
      ? "Para que alguien pueda comunicarse con usted, escriba un número de teléfono o un correo electrónico."
      : "Responda esta pregunta.",
  unknown_field: () => "No es un campo de este formulario.",
  unknown_code: (field) =>
    field === "town" ? "Debe ser uno de los 169 municipios de Connecticut." : "No es una opción permitida.",
  length: (_field, message) => {
    const { min, max, items } = limits(message);
    const unit = items ? "opciones" : "caracteres";
    if (min && max) return `Debe tener entre ${min} y ${max} ${unit}.`;
    if (max) return `Debe tener como máximo ${max} ${unit}.`;
    if (min) return `Debe tener al menos ${min} ${unit}.`;
    return `Tiene un número de ${unit} no permitido.`;
  },
  range: () => "Está fuera del rango permitido.",
  format: (field) =>
    ({
      phone: "Debe ser un número de teléfono que empiece con + y el código del país, como +18605550123.",
      email: "Debe ser una dirección de correo electrónico válida.",
      preferred_language: "Debe ser un código de idioma ISO 639-1 de dos letras minúsculas, como \"es\".",
    })[field] ?? "No tiene el formato correcto.",
  duplicate: () => "Incluye la misma opción más de una vez.",
  future_date: () => "No puede ser posterior a hoy.",
  date_order: () => "Las fechas no están en el orden correcto.",
  minor_requires_dcf_notification: () => "Debe ser verdadero: hay una víctima menor de 18 años y se debe notificar a DCF.",
  age_dob_mismatch: () => "No coincide con los años cumplidos desde la fecha de nacimiento.",
  age_band_mismatch: () => "No corresponde a la edad de la víctima.",
  contradicts_submission: () => "Debe conservar lo que se registró en el formulario.",
  not_allowed: (field) =>
    field === "contact"
      ? "Debe omitirse cuando no es seguro comunicarse: nadie intentará comunicarse con la persona."
      : "No se permite aquí.",
};

// ---------------------------------------------------------------------------------------------
// Fields. `name` is the JSON Pointer of the member without the leading "/", so a core error's
// path names its field.

const FIELDS = {
  concern_types: { kind: "checks", label: "concern" },
  age_group: { kind: "radios", label: "age" },
  town: { kind: "text", label: "town" },
  needs: { kind: "checks", label: "needs" },
  preferred_language: { kind: "select", label: "language" },
  safe_to_contact: { kind: "radios", label: "safe" },
  contact: { kind: "group", label: "contact" },
  "contact/name": { kind: "text", label: "name" },
  "contact/phone": { kind: "text", label: "phone" },
  "contact/email": { kind: "text", label: "email" },
  "contact/safe_times": { kind: "text", label: "safeTimes" },
  "contact/leave_message_ok": { kind: "check", label: "leaveMessage" },
  notes: { kind: "textarea", label: "notes" },
  consent_to_share: { kind: "radios", label: "consent" },
};

/** The field an error path belongs to ("/needs/2" → "needs"); "" for the form as a whole. */
function fieldOf(path) {
  const segments = String(path).replace(/^\//, "").split("/");
  if (segments[0] === "contact" && segments.length > 1) {
    const name = `contact/${segments[1]}`;
    return name in FIELDS ? name : "contact";
  }
  return segments[0] in FIELDS ? segments[0] : "";
}

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const esc = (value) => String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);

/** Today's date where the person is, YYYY-MM-DD (no intake rule uses it yet). */
function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function newIdempotencyKey() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  // Not a secure context: a v4 UUID from getRandomValues.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let wasmReady = null;
function loadWasm() {
  wasmReady ??= init({ module_or_path: WASM_URL });
  return wasmReady;
}

function ensureStylesheet() {
  const href = CSS_URL.href;
  if ([...document.querySelectorAll('link[rel="stylesheet"]')].some((l) => l.href === href)) return;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = href;
  link.dataset.beaconIntakeForm = "";
  document.head.append(link);
}

let instances = 0;

export class BeaconIntakeForm extends HTMLElement {
  static observedAttributes = ["lang"];

  constructor() {
    super();
    this.uid = `bif${++instances}`;
    this.metrics = {};
    this.state = "loading"; // loading | failed | form | receipt
    this.values = null; // what the person answered, kept only across a re-render
    this.touched = new Set();
    this.submitAttempted = false;
    this.summaryShown = false;
    this.errors = [];
    this.serverErrors = null;
    this.pending = null; // {bodyText, key}: a send in progress or to be retried
    this.sending = false;
    this.receipt = null;
    this.statusText = "";
    this.escPresses = [];
    this.onKeydown = (event) => this.handleKeydown(event);
  }

  get lang() {
    return this.getAttribute("lang") === "es" ? "es" : "en";
  }

  set lang(value) {
    this.setAttribute("lang", value === "es" ? "es" : "en");
  }

  get t() {
    return UI[this.lang];
  }

  async connectedCallback() {
    this.metrics.connectedAt = performance.now();
    document.addEventListener("keydown", this.onKeydown, true);
    ensureStylesheet();
    if (!this.getAttribute("lang")) this.setAttribute("lang", "en");
    this.render();
    try {
      await loadWasm();
      this.dictionary = codes();
    } catch (error) {
      console.error("beacon-intake-form: the validation module did not load", error);
      this.state = "failed";
      this.render();
      return;
    }
    this.metrics.wasmReadyAt = performance.now();
    if (!this.isConnected) return;
    this.state = "form";
    this.render();
    // The first validation: the empty form, as the core sees it (nothing is shown yet).
    this.validate();
    this.metrics.firstValidationAt = performance.now();
    this.metrics.msToWasmReady = this.metrics.wasmReadyAt - this.metrics.connectedAt;
    this.metrics.msToFirstValidation = this.metrics.firstValidationAt - this.metrics.connectedAt;
    this.dispatchEvent(
      new CustomEvent("beacon-intake-ready", {
        bubbles: true,
        composed: true,
        detail: {
          msToWasmReady: this.metrics.msToWasmReady,
          msToFirstValidation: this.metrics.msToFirstValidation,
        },
      }),
    );
  }

  disconnectedCallback() {
    document.removeEventListener("keydown", this.onKeydown, true);
  }

  attributeChangedCallback(name, oldValue, newValue) {
    if (name === "lang" && oldValue !== newValue && this.root) {
      const focusedId = document.activeElement && this.contains(document.activeElement) ? document.activeElement.id : null;
      this.render();
      if (focusedId) document.getElementById(focusedId)?.focus();
    }
  }

  // -- words -----------------------------------------------------------------------------------

  list(name) {
    return this.dictionary?.lists?.[name] ?? [];
  }

  codeLabel(list, entry) {
    return (this.lang === "es" && CODE_LABELS_ES[list]?.[entry.code]) || entry.label;
  }

  /** The message for a core error in the current language. */
  message(error) {
    if (this.lang === "en") return error.message;
    const field = String(error.path).split("/").pop();
    const translate = ERRORS_ES[error.code];
    return translate ? translate(field, error.message) : error.message;
  }

  fieldLabel(name) {
    const field = FIELDS[name];
    return field ? this.t[field.label] : this.t.thisForm;
  }

  // -- rendering -------------------------------------------------------------------------------

  id(name, suffix = "") {
    return `${this.uid}-${name.replace("/", "-")}${suffix ? `-${suffix}` : ""}`;
  }

  render() {
    if (this.state === "form" && this.root) this.values = this.collect();
    const t = this.t;
    const bar = `
      <div class="bif-bar">
        <button type="button" class="bif-exit" id="${this.id("exit")}" aria-describedby="${this.id("exit", "hint")}">${esc(t.quickExit)}</button>
        <button type="button" class="bif-lang" id="${this.id("lang")}" lang="${t.switchToLang}" aria-label="${esc(t.switchLabel)}">${esc(t.switchTo)}</button>
      </div>
      <p class="bif-exit-hint" id="${this.id("exit", "hint")}">${esc(t.exitHint)}</p>`;
    let body;
    if (this.state === "loading") body = `<p class="bif-loading">${esc(t.loading)}</p>`;
    else if (this.state === "failed") body = `<p class="bif-failed" role="alert">${esc(t.loadFailed)}</p>`;
    else if (this.state === "receipt") body = this.receiptHtml();
    else body = this.formHtml();
    this.innerHTML = `<div class="bif" lang="${this.lang}">${bar}${body}</div>`;
    this.root = this.firstElementChild;
    this.root.querySelector(".bif-exit").addEventListener("click", () => this.quickExit());
    this.root.querySelector(".bif-lang").addEventListener("click", () => {
      this.lang = this.lang === "es" ? "en" : "es";
    });
    if (this.state === "form") this.wireForm();
  }

  receiptHtml() {
    const t = this.t;
    return `
      <section class="bif-receipt" id="${this.id("receipt")}" tabindex="-1" aria-labelledby="${this.id("receipt", "title")}">
        <h2 id="${this.id("receipt", "title")}">${esc(t.thanks)}</h2>
        <p>${esc(t.reference)} <strong class="bif-reference">${esc(this.receipt.reference)}</strong></p>
        <p>${esc(t.referenceHint)}</p>
      </section>`;
  }

  legend(name, text, required) {
    const mark = required ? this.t.required : this.t.optional;
    return `<legend id="${this.id(name, "legend")}">${esc(text)} <span class="bif-mark">(${esc(mark)})</span></legend>`;
  }

  labelText(text, required) {
    const mark = required ? this.t.required : this.t.optional;
    return `${esc(text)} <span class="bif-mark">(${esc(mark)})</span>`;
  }

  hint(name, text) {
    return `<p class="bif-hint" id="${this.id(name, "hint")}">${esc(text)}</p>`;
  }

  errorSlot(name) {
    return `<p class="bif-error" id="${this.id(name, "error")}" hidden></p>`;
  }

  /** A group of checkboxes or radios; the first input carries the field's id (the target of
   * the summary's link). */
  choices(name, type, entries, { required = false, legend, hint, hints = {} }) {
    const items = entries
      .map((entry, i) => {
        const inputId = i === 0 ? this.id(name) : this.id(name, entry.code);
        const hintId = hints[entry.code] ? this.id(name, `${entry.code}-hint`) : "";
        const described = [hint ? this.id(name, "hint") : "", hintId].filter(Boolean).join(" ");
        return `
          <div class="bif-choice">
            <input type="${type}" id="${inputId}" name="${this.uid}-${name}" value="${esc(entry.code)}"
              data-field="${name}" data-hints="${described}"${described ? ` aria-describedby="${described}"` : ""}${required && type === "radio" ? " required" : ""}>
            <label for="${inputId}">${esc(entry.label)}${hintId ? `<span class="bif-choice-hint" id="${hintId}">${esc(hints[entry.code])}</span>` : ""}</label>
          </div>`;
      })
      .join("");
    return `
      <fieldset class="bif-field bif-${type === "radio" ? "radios" : "checks"}" data-group="${name}">
        ${this.legend(name, legend, required)}
        ${hint ? this.hint(name, hint) : ""}
        ${this.errorSlot(name)}
        ${items}
      </fieldset>`;
  }

  text(name, label, { hint, type = "text", required = false, attrs = "" } = {}) {
    const hints = hint ? this.id(name, "hint") : "";
    return `
      <div class="bif-field" data-group="${name}">
        <label for="${this.id(name)}">${this.labelText(label, required)}</label>
        ${hint ? this.hint(name, hint) : ""}
        ${this.errorSlot(name)}
        <input type="${type}" id="${this.id(name)}" data-field="${name}" data-hints="${hints}"${hints ? ` aria-describedby="${hints}"` : ""} ${attrs}>
      </div>`;
  }

  formHtml() {
    const t = this.t;
    const entries = (list) => this.list(list).map((e) => ({ code: e.code, label: this.codeLabel(list, e) }));
    const yesNo = (no) => [
      { code: "true", label: t.yes },
      { code: "false", label: no },
    ];
    const towns = (this.dictionary?.towns ?? []).map((town) => `<option value="${esc(town.town)}"></option>`).join("");
    const languages = LANGUAGES.map(([code, name]) => `<option value="${code}" lang="${code}">${esc(name)}</option>`).join("");
    return `
      <h2 class="bif-title" id="${this.id("title")}">${esc(t.title)}</h2>
      <p class="bif-intro">${esc(t.intro)}</p>
      <div class="bif-summary" id="${this.id("summary")}" role="alert" tabindex="-1" hidden></div>
      <form class="bif-form" novalidate autocomplete="off" aria-labelledby="${this.id("title")}">
        ${this.choices("concern_types", "checkbox", entries("concern_type"), {
          required: true,
          legend: t.concern,
          hint: t.concernHint,
          hints: CONCERN_HINTS[this.lang],
        })}
        ${this.choices("age_group", "radio", entries("age_group"), { required: true, legend: t.age })}
        <div class="bif-field" data-group="town">
          <label for="${this.id("town")}">${this.labelText(t.town, false)}</label>
          ${this.hint("town", t.townHint)}
          ${this.errorSlot("town")}
          <input type="text" id="${this.id("town")}" data-field="town" data-hints="${this.id("town", "hint")}"
            aria-describedby="${this.id("town", "hint")}" list="${this.id("towns")}" autocomplete="off" spellcheck="false">
          <datalist id="${this.id("towns")}">${towns}</datalist>
        </div>
        ${this.choices("needs", "checkbox", entries("service"), { legend: t.needs, hint: t.needsHint })}
        <div class="bif-field" data-group="preferred_language">
          <label for="${this.id("preferred_language")}">${this.labelText(t.language, false)}</label>
          ${this.errorSlot("preferred_language")}
          <select id="${this.id("preferred_language")}" data-field="preferred_language" data-hints="">
            <option value="">${esc(t.noPreference)}</option>${languages}
          </select>
        </div>
        ${this.choices("safe_to_contact", "radio", yesNo(t.safeNo), { required: true, legend: t.safe, hint: t.safeHint })}
        <fieldset class="bif-field bif-contact" data-group="contact" id="${this.id("contact", "section")}" hidden>
          ${this.legend("contact", t.contact, false)}
          ${this.hint("contact", t.contactHint)}
          ${this.errorSlot("contact")}
          ${this.text("contact/name", t.name, { hint: t.nameHint })}
          ${this.text("contact/phone", t.phone, { hint: t.phoneHint, type: "tel", attrs: 'inputmode="tel" autocomplete="off"' })}
          ${this.text("contact/email", t.email, { type: "email", attrs: 'inputmode="email" autocomplete="off" spellcheck="false"' })}
          ${this.text("contact/safe_times", t.safeTimes, { hint: t.safeTimesHint })}
          <div class="bif-choice">
            <input type="checkbox" id="${this.id("contact/leave_message_ok")}" data-field="contact/leave_message_ok" data-hints="">
            <label for="${this.id("contact/leave_message_ok")}">${esc(t.leaveMessage)}</label>
          </div>
        </fieldset>
        <div class="bif-field" data-group="notes">
          <label for="${this.id("notes")}">${this.labelText(t.notes, false)}</label>
          ${this.hint("notes", t.notesHint)}
          ${this.errorSlot("notes")}
          <textarea id="${this.id("notes")}" data-field="notes" data-hints="${this.id("notes", "hint")}"
            aria-describedby="${this.id("notes", "hint")}" rows="5" autocomplete="off"></textarea>
        </div>
        ${this.choices("consent_to_share", "radio", yesNo(t.consentNo).map((c, i) => (i === 0 ? { ...c, label: t.consentYes } : c)), {
          required: true,
          legend: t.consent,
          hint: t.consentHint,
          // What each answer means, read before sending (issue 11): the "No" is kept by the server.
          hints: { true: t.consentYesHint, false: t.consentNoHint },
        })}
        <button type="submit" class="bif-send" id="${this.id("send")}">${esc(t.send)}</button>
      </form>
      <p class="bif-status" id="${this.id("status")}" role="status"></p>`;
  }

  wireForm() {
    this.form = this.root.querySelector("form");
    this.summary = this.root.querySelector(".bif-summary");
    this.status = this.root.querySelector(".bif-status");
    if (this.values) this.restore(this.values);
    this.values = null;
    this.showContact();
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    this.form.addEventListener("input", (event) => this.onEdit(event, false));
    this.form.addEventListener("change", (event) => this.onEdit(event, true));
    this.form.addEventListener("focusout", (event) => {
      const field = event.target?.dataset?.field;
      if (!field) return;
      // Leaving a group of choices for another of its own inputs is not leaving the question.
      const group = event.target.closest("[data-group]");
      if (group && group.contains(event.relatedTarget)) return;
      this.touch(field);
      this.refresh();
    });
    this.summary.addEventListener("click", (event) => {
      const link = event.target.closest("a[href^='#']");
      if (!link) return;
      event.preventDefault();
      const target = document.getElementById(link.getAttribute("href").slice(1));
      target?.focus();
      target?.scrollIntoView({ block: "center" });
    });
    this.status.textContent = this.statusText;
    const errors = this.refresh();
    if (this.summaryShown) this.renderSummary(errors ?? []);
  }

  onEdit(event, answered) {
    const field = event.target?.dataset?.field;
    if (!field) return;
    if (field === "safe_to_contact") this.showContact();
    // Choices are answered when picked; text fields when the person leaves them.
    if (answered && event.target.type !== "text" && event.target.tagName !== "TEXTAREA") this.touch(field);
    this.serverErrors = null;
    this.refresh();
  }

  touch(field) {
    this.touched.add(field);
    if (field === "contact/phone" || field === "contact/email") this.touched.add("contact");
  }

  showContact() {
    const section = this.root.querySelector(".bif-contact");
    if (section) section.hidden = this.collect().safe_to_contact !== "true";
  }

  // -- the answers -----------------------------------------------------------------------------

  /** What the person has answered, as shown (strings and lists of codes). */
  collect() {
    const form = this.form ?? this.root?.querySelector("form");
    const values = {};
    if (!form) return values;
    const checked = (name) =>
      [...form.querySelectorAll(`input[data-field="${name}"]:checked`)].map((input) => input.value);
    for (const [name, field] of Object.entries(FIELDS)) {
      if (field.kind === "checks") values[name] = checked(name);
      else if (field.kind === "radios") values[name] = checked(name)[0] ?? "";
      else if (field.kind === "check") values[name] = checked(name).length > 0;
      else if (field.kind !== "group") values[name] = form.querySelector(`[data-field="${name}"]`)?.value ?? "";
    }
    return values;
  }

  restore(values) {
    for (const [name, field] of Object.entries(FIELDS)) {
      const value = values[name];
      if (field.kind === "checks" || field.kind === "radios") {
        const wanted = Array.isArray(value) ? value : [value];
        for (const input of this.form.querySelectorAll(`input[data-field="${name}"]`)) input.checked = wanted.includes(input.value);
      } else if (field.kind === "check") {
        const input = this.form.querySelector(`[data-field="${name}"]`);
        if (input) input.checked = Boolean(value);
      } else if (field.kind !== "group") {
        const input = this.form.querySelector(`[data-field="${name}"]`);
        if (input) input.value = value ?? "";
      }
    }
  }

  /** The request body: only what was answered. `contact` only when contact is safe. */
  body(values = this.collect()) {
    const body = {};
    const town = values.town.trim();
    if (town) body.town = town;
    if (values.concern_types.length) body.concern_types = values.concern_types;
    if (values.age_group) body.age_group = values.age_group;
    if (values.needs.length) body.needs = values.needs;
    if (values.safe_to_contact) body.safe_to_contact = values.safe_to_contact === "true";
    if (body.safe_to_contact === true) {
      const contact = {};
      const name = values["contact/name"].trim();
      // The core's own rule (through wasm), so the form sends what the server would make of it.
      const phone = normalizePhone(values["contact/phone"]);
      const email = values["contact/email"].trim();
      const safeTimes = values["contact/safe_times"].trim();
      if (name) contact.name = name;
      if (phone) contact.phone = phone;
      if (email) contact.email = email;
      if (safeTimes) contact.safe_times = safeTimes;
      contact.leave_message_ok = values["contact/leave_message_ok"];
      body.contact = contact;
    }
    if (values.consent_to_share) body.consent_to_share = values.consent_to_share === "true";
    if (values.preferred_language) body.preferred_language = values.preferred_language;
    if (values.notes.trim()) body.notes = values.notes;
    return body;
  }

  // -- validation ------------------------------------------------------------------------------

  /** Every error the core finds, all from `validateIntake`: the core reports only the first
   * missing required answer of a body, so each missing one is asked about on its own (the
   * others filled with placeholders that are never sent), then the given answers' rules. */
  validate(body = this.body()) {
    const day = today();
    const verdict = (b) => validateIntake(JSON.stringify(b), day);
    const missing = Object.keys(REQUIRED_PLACEHOLDERS).filter((name) => !(name in body));
    const errors = [];
    const filled = (except) => {
      const b = { ...body };
      for (const name of missing) if (name !== except) b[name] = REQUIRED_PLACEHOLDERS[name];
      return b;
    };
    for (const name of missing) errors.push(...verdict(filled(name)).errors);
    const rest = verdict(filled(null));
    errors.push(...rest.errors);
    const seen = new Set();
    this.errors = errors.filter((e) => {
      const key = `${e.path} ${e.code}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    return { ok: this.errors.length === 0, errors: this.errors };
  }

  visible(error) {
    return this.submitAttempted || this.touched.has(fieldOf(error.path));
  }

  /** Re-validates and shows the errors of the answered (or, after Send, all) questions. */
  refresh() {
    if (this.state !== "form" || !this.form) return;
    const errors = this.serverErrors ?? this.validate().errors.filter((e) => this.visible(e));
    const byField = new Map();
    for (const error of errors) {
      const field = fieldOf(error.path);
      if (!byField.has(field)) byField.set(field, []);
      byField.get(field).push(error);
    }
    for (const name of Object.keys(FIELDS)) {
      const slot = this.root.querySelector(`#${CSS.escape(this.id(name, "error"))}`);
      const mine = byField.get(name) ?? [];
      if (slot) {
        slot.hidden = mine.length === 0;
        slot.textContent = mine.map((e) => this.message(e)).join(" ");
      }
    }
    const contactError = (byField.get("contact") ?? []).length > 0;
    for (const input of this.form.querySelectorAll("[data-field]")) {
      const field = input.dataset.field;
      const own = (byField.get(field) ?? []).length > 0;
      const viaContact = contactError && (field === "contact/phone" || field === "contact/email");
      const described = [input.dataset.hints, own ? this.id(field, "error") : "", viaContact ? this.id("contact", "error") : ""]
        .filter(Boolean)
        .join(" ");
      if (own || viaContact) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
      if (described) input.setAttribute("aria-describedby", described);
      else input.removeAttribute("aria-describedby");
    }
    // The summary is written on Send (a role=alert region must not speak on every keystroke);
    // it goes away once nothing is left to fix.
    if (this.summaryShown && errors.length === 0) this.renderSummary([]);
    return errors;
  }

  renderSummary(errors) {
    this.summaryShown = errors.length > 0;
    if (!errors.length) {
      this.summary.hidden = true;
      this.summary.replaceChildren();
      return;
    }
    const target = (error) => {
      const field = fieldOf(error.path);
      if (field === "contact") return this.id("contact/phone");
      return field ? this.id(field) : this.id("title");
    };
    const items = errors
      .map((e) => {
        const field = fieldOf(e.path);
        return `<li><a href="#${target(e)}"><span class="bif-summary-field">${esc(this.fieldLabel(field))}</span> ${esc(this.message(e))}</a></li>`;
      })
      .join("");
    this.summary.innerHTML = `<h3>${esc(this.t.summary(errors.length))}</h3><ul>${items}</ul>`;
    this.summary.hidden = false;
  }

  // -- sending ---------------------------------------------------------------------------------

  setStatus(text) {
    this.statusText = text;
    if (this.status) this.status.textContent = text;
  }

  endpoint() {
    const base = new URL(this.getAttribute("api") || "/", document.baseURI);
    if (!base.pathname.endsWith("/")) base.pathname += "/";
    return new URL("v1/intake", base);
  }

  async submit() {
    if (this.sending) {
      this.setStatus(this.t.stillSending);
      return;
    }
    this.submitAttempted = true;
    this.serverErrors = null;
    const body = this.body();
    const { ok } = this.validate(body);
    const errors = this.refresh();
    if (!ok) {
      this.setStatus("");
      this.renderSummary(errors);
      this.summary.focus();
      return;
    }
    const bodyText = JSON.stringify(body);
    // The same answers sent again reuse their key, so they are filed at most once.
    if (!this.pending || this.pending.bodyText !== bodyText) this.pending = { bodyText, key: newIdempotencyKey() };
    this.sending = true;
    try {
      await this.send(this.pending);
    } finally {
      this.sending = false;
    }
  }

  async send({ bodyText, key }) {
    const tries = RETRY_DELAYS_MS.length + 1;
    for (let attempt = 1; attempt <= tries; attempt++) {
      if (this.state !== "form") return;
      this.setStatus(this.t.sending);
      let response = null;
      try {
        response = await fetch(this.endpoint(), {
          method: "POST",
          mode: "cors",
          credentials: "omit",
          cache: "no-store",
          referrerPolicy: "no-referrer",
          headers: {
            Authorization: `Bearer ${this.getAttribute("key") ?? ""}`,
            "Content-Type": "application/json",
            "Idempotency-Key": key,
          },
          body: bodyText,
        });
      } catch {
        response = null; // the network failed: retry with the same key
      }
      if (this.state !== "form") return;
      if (response && response.status >= 200 && response.status < 300) {
        const receipt = await response.json().catch(() => null);
        if (receipt?.reference) return this.received(receipt);
        response = null;
      }
      if (response?.status === 422) {
        const problem = await response.json().catch(() => null);
        if (Array.isArray(problem?.errors) && problem.errors.length && problem.code !== "idempotency_key_reused") {
          this.setStatus("");
          this.serverErrors = problem.errors;
          this.renderSummary(this.refresh());
          this.summary.focus();
          this.pending = null;
          return;
        }
      }
      const retryable = !response || [429, 502, 503, 504].includes(response.status);
      if (!retryable) {
        this.setStatus(this.t.notSetUp);
        this.pending = null;
        return;
      }
      if (attempt === tries) break;
      let delay = RETRY_DELAYS_MS[attempt - 1];
      const retryAfter = Number(response?.headers.get("retry-after"));
      if (response && Number.isFinite(retryAfter) && retryAfter > 0) delay = Math.min(retryAfter, 60) * 1000;
      const seconds = Math.round(delay / 1000);
      this.setStatus(response ? this.t.waiting(seconds) : this.t.retrying(seconds, attempt + 1, tries));
      await sleep(delay);
    }
    this.setStatus(this.t.gaveUp);
  }

  received(receipt) {
    this.pending = null;
    this.receipt = { reference: String(receipt.reference) };
    this.statusText = "";
    this.state = "receipt";
    this.form = null;
    this.errors = [];
    this.touched.clear();
    this.render();
    this.root.querySelector(".bif-receipt")?.focus();
    this.dispatchEvent(
      new CustomEvent("beacon-intake-submitted", { bubbles: true, composed: true, detail: { reference: this.receipt.reference } }),
    );
  }

  // -- Quick exit ------------------------------------------------------------------------------

  handleKeydown(event) {
    if (event.key !== "Escape") return;
    const now = performance.now();
    this.escPresses = this.escPresses.filter((at) => now - at <= ESC_WINDOW_MS * ESC_PRESSES);
    const last = this.escPresses[this.escPresses.length - 1];
    if (last !== undefined && now - last > ESC_WINDOW_MS) this.escPresses = [];
    this.escPresses.push(now);
    if (this.escPresses.length >= ESC_PRESSES) this.quickExit();
  }

  /** Clears every answer, then replaces the page (no history entry to come back to). */
  quickExit() {
    this.form?.reset();
    this.state = "form";
    this.pending = null;
    this.receipt = null;
    this.values = null;
    this.errors = [];
    this.serverErrors = null;
    this.touched.clear();
    this.submitAttempted = false;
    this.summaryShown = false;
    this.statusText = "";
    this.escPresses = [];
    this.replaceChildren();
    this.root = null;
    this.form = null;
    this.dispatchEvent(new CustomEvent("beacon-quick-exit", { bubbles: true, composed: true }));
    location.replace(this.getAttribute("exit-url") || DEFAULT_EXIT_URL);
  }
}

if (!customElements.get("beacon-intake-form")) customElements.define("beacon-intake-form", BeaconIntakeForm);
