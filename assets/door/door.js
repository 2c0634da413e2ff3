// The scanner page's offline door (#21): prepares this device (downloads the event's ticket list
// into IndexedDB, then keeps it fresh with deltas every few seconds), says plainly when the network
// is gone, decides scans on the device while it is (verify.js), queues them, and uploads the queue
// when the network is back. Online, scans go to the server as always (the Reflex page).
//
// Loaded by pages/scanner.py as a module; it draws into the page's empty #offline-door box (plain
// DOM: the page's React tree never renders children there) and offers window.epDoor, which the
// camera reader (components/qr_scanner.jsx) and browser tests hand scans to while offline.
import { decide, parseScan, codeHash, MAIN_LIST, TITLES } from "./verify.js";
import * as store from "./store.js";

const SYNC_EVERY_MS = 5000;
const UPLOAD_CHUNK = 500;
const OFFLINE_TEXT =
  "No network. Scanning offline: results come from this device's ticket list, and check-ins upload when the network is back.";
const UNPREPARED_TEXT = "No network, and this device was not prepared for offline: scans cannot be checked.";
// The check-in list and direction this device scans for: the scanner page's own picker writes the
// same keys (state/scanner.py), so online and offline scans go to the same list.
export const LIST_KEY = "ep_door_list";
export const DIRECTION_KEY = "ep_door_direction";

const state = { ref: "", event: null, tickets: 0, reachable: true, syncing: false, progress: 0, problem: "",
  pending: 0, conflicts: [], last: null, deviceId: "" };
let box = null;
let timer = null;

const offline = () => !navigator.onLine || !state.reachable;
const api = (path) => `/api/events/${encodeURIComponent(state.ref)}/door/${path}`;

// The door's words in the reader's language: the page's #offline-door box carries them as data-texts
// (components/door_offline.py: each English text below and its translation, from the catalogs), so
// they hold offline too; a text it lacks reads in English. {name} placeholders are filled after.
function tr(text, values = {}) {
  let texts = {};
  try {
    texts = JSON.parse((box && box.dataset.texts) || "{}");
  } catch (error) {
    texts = {};
  }
  return Object.entries(values).reduce((said, [name, value]) => said.split(`{${name}}`).join(String(value)),
    texts[text] || text);
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (key === "style") Object.assign(node.style, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) if (child !== null && child !== false) node.append(child);
  return node;
}

const card = (label, ...children) =>
  el("section", { "aria-label": label, style: { border: "1px solid var(--gray-6)", borderRadius: "12px",
    padding: "12px 16px", background: "var(--color-panel-solid)", display: "flex", flexDirection: "column", gap: "8px" } },
    ...children);

function clock(iso) {
  return iso ? new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" }) : "";
}

function statusLine() {
  if (state.syncing && !state.event) return tr("Downloading the ticket list… {percent}%", { percent: state.progress });
  if (!state.event) return tr("Download this event's ticket list so this phone keeps scanning if the network drops.");
  const tickets = tr(state.tickets === 1 ? "{count} ticket" : "{count} tickets", { count: state.tickets });
  return tr("Ready offline: {tickets} · list updated {time}", { tickets, time: clock(state.event.syncedAt) });
}

function queueLine() {
  if (state.pending > 0) {
    return tr(state.pending === 1
      ? "{count} offline check-in waiting to upload."
      : "{count} offline check-ins waiting to upload.", { count: state.pending });
  }
  return state.event ? tr("All offline check-ins uploaded.") : "";
}

const COLORS = { ok: "grass", exited: "blue", already_used: "orange", event_ended: "gray" };

function remembered(key) {
  try {
    return localStorage.getItem(key) || "";
  } catch (error) {
    return ""; // storage refused (private mode): the main list, entries
  }
}

function remember(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch (error) {
    // not kept across reloads; this page still scans for the choice
  }
}

// The list chosen on this device, if it is one of this event's (else the main list).
function currentGate() {
  const lists = (state.event && state.event.lists) || [];
  const chosen = remembered(LIST_KEY);
  return lists.find((l) => l.id === chosen) || lists[0] || MAIN_LIST;
}

function currentDirection(gate) {
  return gate.countExits && remembered(DIRECTION_KEY) === "exit" ? "exit" : "entry";
}

function gatePicker() {
  const lists = (state.event && state.event.lists) || [];
  const gate = currentGate();
  const select = el("select", { id: "offline-door-list", style: { fontSize: "1rem", padding: "6px",
    borderRadius: "8px", background: "var(--color-surface)", color: "var(--gray-12)" },
  onchange: (event) => { remember(LIST_KEY, event.target.value); render(); } },
  // The default list's own name is the system's words, said from the door's table (as gates.list_name
  // does on the server); an organizer's name stays as typed, even one that is a word in the table.
  lists.map((l) => el("option", { value: l.id, selected: l.id === gate.id },
    l.name === MAIN_LIST.name ? tr(l.name) : l.name)));
  const parts = [el("label", { for: "offline-door-list", style: { fontWeight: 600 } }, tr("Check-in list")), select];
  if (gate.countExits) {
    const direction = currentDirection(gate);
    parts.push(el("div", { role: "group", "aria-label": tr("Entry or exit"), style: { display: "flex", gap: "8px" } },
      ["entry", "exit"].map((way) => el("button", { type: "button", "aria-pressed": String(direction === way),
        style: buttonStyle(direction === way ? "var(--accent-9)" : "var(--gray-9)"),
        onclick: () => { remember(DIRECTION_KEY, way); render(); } }, tr(way === "entry" ? "Entry" : "Exit")))));
  }
  return el("div", { style: { display: "flex", flexDirection: "column", gap: "4px" } }, ...parts);
}

function resultBox() {
  const last = state.last;
  const color = last ? COLORS[last.result] || "red" : "gray";
  return el("div", { role: "status", "aria-live": "assertive", "data-testid": "offline-scan-result",
    "data-result": last ? last.result : "", style: { background: last ? `var(--${color}-9)` : "var(--gray-3)",
      color: last ? "white" : "var(--gray-12)", borderRadius: "16px", padding: "20px", minHeight: "120px" } },
    last ? [el("h2", { style: { margin: 0, fontSize: "2rem" } }, tr(last.title)), el("p", { style: { fontSize: "1.2rem",
      margin: "8px 0 0" } }, tr(last.template || last.message, last.values)), last.holder ? el("p", { style: { margin: "4px 0 0" } },
      `${last.holder} · ${last.tier}`) : null]
      : el("p", {}, tr("Offline: point the camera at a ticket's QR code, or type its code below.")));
}

function codeForm() {
  const input = el("input", { id: "offline-door-code", name: "code", placeholder: "ABCD2345", autocomplete: "off",
    autocapitalize: "characters", spellcheck: "false", maxlength: "12", style: { flex: "1", fontFamily: "monospace",
      fontSize: "1.1rem", padding: "8px", borderRadius: "8px", border: "1px solid var(--gray-7)",
      background: "var(--color-surface)", color: "var(--gray-12)" } });
  return el("form", { onsubmit: async (event) => {
    event.preventDefault();
    await scan(input.value);
    input.value = "";
  } }, el("label", { for: "offline-door-code", style: { fontWeight: 600 } }, tr("Ticket code")),
  el("div", { style: { display: "flex", gap: "8px", marginTop: "4px" } }, input,
    el("button", { type: "submit", style: buttonStyle("var(--accent-9)") }, tr("Check in"))));
}

function buttonStyle(background) {
  return { background, color: "white", border: "none", borderRadius: "8px", padding: "8px 14px", cursor: "pointer",
    fontWeight: 600 };
}

function render() {
  if (!box) return;
  document.documentElement.toggleAttribute("data-door-offline", offline() && Boolean(state.event));
  const parts = [];
  if (offline()) {
    parts.push(el("div", { role: "alert", "data-testid": "offline-banner", style: { background: "var(--amber-4)",
      color: "var(--amber-12)", borderRadius: "12px", padding: "12px 16px", fontWeight: 600 } },
    tr(state.event ? OFFLINE_TEXT : UNPREPARED_TEXT)));
  }
  const progress = state.syncing && !state.event
    ? el("progress", { max: "100", value: String(state.progress), "aria-label": tr("Ticket list download"),
      style: { width: "100%" } }) : null;
  const prepare = state.event ? null : el("button", { type: "button", disabled: state.syncing || offline(),
    style: buttonStyle("var(--accent-9)"), onclick: () => sync({ full: true }) }, tr("Prepare this device for offline"));
  parts.push(card(tr("Offline scanning"), el("strong", {}, tr("Offline scanning")),
    el("span", { "data-testid": "offline-status" }, statusLine()), progress, prepare,
    state.problem ? el("span", { role: "alert", style: { color: "var(--red-11)" } }, state.problem) : null,
    el("span", { "data-testid": "offline-queue" }, queueLine()),
    state.conflicts.length ? el("div", { "data-testid": "offline-conflicts" }, el("strong", {}, tr("Let in twice")),
      el("ul", {}, state.conflicts.map((c) => el("li", {}, c)))) : null));
  if (offline() && state.event) parts.push(gatePicker(), resultBox(), codeForm());
  box.replaceChildren(...parts);
}

async function refreshCounts() {
  if (!state.event) return;
  state.tickets = await store.countTickets(state.event.eventId);
  state.pending = (await store.queued(state.event.eventId)).filter((q) => !q.uploaded).length;
}

async function sync({ full = false } = {}) {
  if (state.syncing) return;
  state.syncing = true;
  state.problem = "";
  render();
  try {
    const since = !full && state.event ? `?since=${encodeURIComponent(state.event.cursor)}` : "";
    let answer;
    try {
      answer = await fetch(api(`sync${since}`), { headers: { Accept: "application/json" } });
    } catch (error) {
      state.reachable = false; // the request never got an answer: treat the network as gone
      return;
    }
    state.reachable = true;
    if (!answer.ok) {
      const body = await answer.json().catch(() => ({}));
      state.problem = body.error || tr("The ticket list could not be downloaded.");
      if (answer.status === 400 && state.event) state.event = { ...state.event, cursor: "" }; // start over
      if ((answer.status === 403 || answer.status === 404) && state.event) {
        // This account may not scan the event (any more): its guest list leaves the device.
        await store.forgetEvent(state.event.eventId);
        state.event = null;
      }
      return;
    }
    const data = await answer.json();
    await store.saveSync(data, (done, total) => {
      state.progress = Math.round((done * 100) / Math.max(total, 1));
      render();
    });
    state.event = await store.getEvent(data.eventId);
    await refreshCounts();
  } catch (error) {
    // The server answered, but the list could not be read or stored (a cut-off body, a full disk):
    // the network is not gone, so scans stay with the server; the next sync tries again.
    state.problem = tr("The ticket list could not be downloaded.");
  } finally {
    state.syncing = false;
    render();
  }
}

async function upload() {
  if (!state.event || offline()) return;
  const waiting = (await store.queued(state.event.eventId)).filter((q) => !q.uploaded);
  for (let start = 0; start < waiting.length; start += UPLOAD_CHUNK) {
    const scans = waiting.slice(start, start + UPLOAD_CHUNK).map((q) => ({ sequence: q.sequence,
      ticketId: q.ticketId, scannedAt: q.scannedAt, result: q.result, listId: q.listId || "",
      direction: q.direction || "entry" }));
    let answer;
    try {
      answer = await fetch(api("scans"), { method: "POST", headers: { "Content-Type": "application/json",
        Accept: "application/json" }, body: JSON.stringify({ deviceId: state.deviceId, scans }) });
    } catch (error) {
      state.reachable = false;
      return;
    }
    if (!answer.ok) {
      state.problem = (await answer.json().catch(() => ({}))).error || tr("The offline check-ins could not be uploaded.");
      return;
    }
    const applied = await answer.json();
    await store.markUploaded(state.event.eventId, applied);
    const byTicket = new Map(waiting.map((q) => [q.sequence, q]));
    for (const a of applied.filter((x) => x.outcome === "conflict")) {
      const q = byTicket.get(a.sequence);
      // The server's note as its English sentence and values: said with the page's table, in the
      // page's language (components/door_offline.py holds the notes' translations too).
      const note = a.template ? tr(a.template, a.values) : a.message;
      state.conflicts.push(`${q && q.code ? q.code + ": " : ""}${note}`);
    }
  }
  await refreshCounts();
}

async function tick() {
  if (!state.event || state.syncing || !document.getElementById("offline-door")) return; // left the scanner
  if (!navigator.onLine) return render();
  await upload();
  await sync();
}

function signal(result) {
  try {
    if (navigator.vibrate) navigator.vibrate(result === "ok" ? [120] : [450]);
  } catch (error) {
    // vibration is a courtesy; some browsers refuse it until the page was touched
  }
}

// Decide one scan on this device (offline): verify, look up, show, queue.
async function scan(text) {
  if (!state.event) return null;
  const { eventId, publicKey, doorsClosed, timezone } = state.event;
  const gate = currentGate();
  const direction = currentDirection(gate);
  const at = new Date().toISOString();
  const door = { eventId, doorsClosed, gate, direction, at, timezone };
  const parsed = await parseScan(text, publicKey);
  let shown;
  let ticket = null;
  if (parsed.kind === "bad") {
    const { template, values, message } = parsed;
    shown = { result: "invalid", title: TITLES.invalid, template, values, message, holder: "", tier: "", ticketId: "" };
  } else if (parsed.kind === "code") {
    ticket = await store.ticketByCode(eventId, await codeHash(eventId, parsed.code));
    shown = decide({ ...door, ticket, claims: null });
  } else {
    const { claims } = parsed;
    ticket = claims.eventId === eventId ? await store.ticketById(eventId, claims.ticketId) : null;
    shown = decide({ ...door, ticket, claims });
  }
  const entry = { ticketId: shown.ticketId, scannedAt: at, result: shown.result, listId: gate.id, direction,
    code: parsed.kind === "code" ? parsed.code : "" };
  const passed = shown.result === "ok" || shown.result === "exited";
  await store.recordScan(eventId, entry, passed ? ticket : null);
  state.last = shown;
  await refreshCounts();
  render();
  signal(shown.result);
  return shown;
}

function registerWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("/api/door/sw.js", { scope: "/scan/" }).then(async (registration) => {
    const worker = registration.active || registration.waiting || registration.installing;
    const urls = performance.getEntriesByType("resource").map((e) => e.name).concat(location.href);
    const own = urls.filter((u) => u.startsWith(location.origin) && !u.includes("/api/") && !u.includes("/_event"));
    if (worker) worker.postMessage({ cache: own });
  }).catch(() => {
    // no worker (private mode, http): the page still scans offline while it stays open
  });
}

async function mount() {
  const found = document.getElementById("offline-door");
  if (!found || found === box) return;
  box = found;
  Object.assign(box.style, { display: "flex", flexDirection: "column", gap: "12px" });
  state.ref = decodeURIComponent(location.pathname.split("/")[2] || ""); // /scan/{short id}, known offline too
  state.deviceId = await store.deviceId();
  remember("ep_door_device", state.deviceId); // the scanner page names its online check-ins by it
  state.event = await store.findEventByRef(state.ref);
  await refreshCounts();
  render();
  if (!timer) {
    timer = setInterval(tick, SYNC_EVERY_MS);
    window.addEventListener("online", () => { state.reachable = true; tick(); });
    window.addEventListener("offline", render);
    registerWorker();
  }
  tick();
}

const style = document.createElement("style");
style.textContent = "[data-door-offline] .door-online-only, [data-door-offline] .session-check "
  + "{ display: none !important; }";
document.head.append(style);

window.epDoor = {
  // True while scans must be decided here: the network is gone and this device was prepared.
  takesScans: () => offline() && Boolean(state.event),
  scan,
  sync: () => sync(),
  upload: () => upload(),
};
setInterval(mount, 500);
mount();
