// The door's decision with no network (#21): read a scanned QR code or a typed short code, check
// it against the event's public key and the ticket list this device synced, and say what the
// screen shows. The same rules as services/tickets/scanning.py, for the cases a device can know.
// Pure functions (no DOM, no storage) so node runs them against tests/vectors too.
import { verifyAsync } from "./noble-ed25519.js";

export const TITLES = {
  ok: "Checked in",
  already_used: "Already used",
  invalid: "Invalid ticket",
  wrong_event: "Wrong event",
  not_valid: "Not valid",
  event_ended: "Event has ended",
  wrong_gate: "Not valid at this gate",
  exited: "Exit recorded",
  not_inside: "Not inside",
};
// Each sentence the door shows under its headline, as the English message id the catalogs hold
// (the same ids services/tickets/scanning.py says online); {name} fields are filled after the
// sentence is translated. door.js translates them with the page's table (components/door_offline.py
// DOOR_VERDICTS must list every one: tests/unit/test_i18n_door.py reads this object), so this module
// stays free of any language and node checks it as it is.
export const SENTENCES = {
  forged: "Not a ticket. The code may be forged or mistyped.",
  badCode: "A ticket code has 8 letters and digits.",
  otherEvent: "This ticket is for another event.",
  ended: "Event has ended. Tickets no longer admit anyone.",
  replaced: "This QR code was replaced by a newer one.",
  transferred: "Not valid. It was transferred to someone else; their new ticket has a new code.",
  refunded: "Not valid. It was refunded.",
  cancelled: "Not valid. It was cancelled.",
  expired: "Not valid. It has expired.",
  notValid: "Not valid. It cannot be used.",
  welcome: "Welcome, {name}!",
  goodbye: "Goodbye, {name}! Exit recorded.",
  alreadyUsed: "Already used at {time}.",
  wrongGate: "Not valid at this gate: {gate} does not admit {tier} tickets.",
  notInside: "Not inside: this ticket has not entered through {gate}.",
};
const NOT_VALID = { transferred: SENTENCES.transferred, refunded: SENTENCES.refunded,
  cancelled: SENTENCES.cancelled, expired: SENTENCES.expired };

// A sentence to show: `template` (an English id of SENTENCES) and the `values` of its {fields};
// `message` is it filled in English, for logs and readers of the plain result.
export function sentence(template, values = {}) {
  const message = Object.entries(values).reduce((said, [name, value]) => said.split(`{${name}}`).join(String(value)),
    template);
  return { template, values, message };
}

const CODE_ALPHABET = /^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}$/;

export function fromBase64Url(text) {
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4);
  const raw = atob(padded);
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

// The claims of an EP2 code that `publicKey` (base64url) signed; null for anything else.
export async function verifySigned(token, publicKey) {
  const parts = (token || "").trim().split(".");
  if (parts.length !== 6 || parts[0] !== "EP2" || !/^\d+$/.test(parts[4])) return null;
  try {
    const message = new TextEncoder().encode(parts.slice(0, 5).join("."));
    const ok = await verifyAsync(fromBase64Url(parts[5]), message, fromBase64Url(publicKey));
    if (!ok) return null;
  } catch (error) {
    return null; // a signature of the wrong length or not base64: forged or damaged
  }
  return { ticketId: parts[1], eventId: parts[2], tierId: parts[3], version: Number(parts[4]) };
}

export function normalizeCode(text) {
  return (text || "").replace(/[\s-]/g, "").toUpperCase();
}

// SHA-256 hex of "<event id>:<code>", as services/tickets/door_sync.py sends it.
export async function codeHash(eventId, code) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${eventId}:${code}`));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

// What the scanned text names: {kind: "qr", claims} | {kind: "legacy", ticketId, eventId, version}
// | {kind: "code", code} | {kind: "bad", template, values, message} (a sentence()).
export async function parseScan(text, publicKey) {
  const raw = (text || "").trim();
  if (raw.startsWith("EP2.")) {
    const claims = await verifySigned(raw, publicKey);
    return claims ? { kind: "qr", claims } : { kind: "bad", ...sentence(SENTENCES.forged) };
  }
  if (raw.startsWith("EP1.") || raw.length > 16) {
    // Codes issued before #21 carry an HMAC only the server can check: matched against the list.
    const parts = raw.split(".");
    if (parts.length !== 5 || parts[0] !== "EP1" || !/^\d+$/.test(parts[3])) {
      return { kind: "bad", ...sentence(SENTENCES.forged) };
    }
    return { kind: "legacy", claims: { ticketId: parts[1], eventId: parts[2], version: Number(parts[3]) } };
  }
  const code = normalizeCode(raw);
  if (!CODE_ALPHABET.test(code)) return { kind: "bad", ...sentence(SENTENCES.badCode) };
  return { kind: "code", code };
}

function shown(result, said, ticket) {
  return {
    result,
    title: TITLES[result],
    ...said,
    holder: ticket ? ticket.holderName : "",
    tier: ticket ? ticket.tierName : "",
    ticketId: ticket ? ticket.id : "",
  };
}

function clock(iso) {
  if (!iso) return "";
  const at = new Date(iso);
  return `${String(at.getHours()).padStart(2, "0")}:${String(at.getMinutes()).padStart(2, "0")}`;
}

const ADMITTING = new Set(["valid", "used"]);

// The list a device scans for when it was never told: the event's main list, all tiers, once.
export const MAIN_LIST = { id: "", name: "Main entrance", allTiers: true, tierIds: [], readmitDaily: false,
  countExits: false };

// The day `iso` falls on in the event's time zone ("2026-12-06").
export function localDay(iso, timezone) {
  return new Intl.DateTimeFormat("en-CA", { timeZone: timezone || "Africa/Nairobi", year: "numeric",
    month: "2-digit", day: "2-digit" }).format(new Date(iso));
}

// Inside by this list's passes: more entries than exits; on a list that re-admits daily, of the
// passes on `at`'s day only (every day starts outside), as gates.py _is_inside.
function isInside(gate, passes, at, timezone) {
  const today = localDay(at, timezone);
  const counted = gate.readmitDaily ? passes.filter((p) => localDay(p.at, timezone) === today) : passes;
  const entries = counted.filter((p) => p.direction === "entry").length;
  return entries > counted.length - entries;
}

// May a ticket of `tierId` in `status`, with these earlier `passes` ({direction, at}) through `gate`,
// pass it `direction` at `at`? The same rule as services/tickets/gates.py pass_decision, on the same
// vectors (tests/vectors/gate_rules.json): {result, ordinal, lastEntry}.
export function passDecision(gate, { tierId, status, passes, direction, at, timezone }) {
  const answer = (result, ordinal = 0, lastEntry = null) => ({ result, ordinal, lastEntry });
  if (!ADMITTING.has(status)) return answer("not_valid");
  if (!gate.allTiers && !gate.tierIds.includes(tierId)) return answer("wrong_gate");
  const entries = passes.filter((p) => p.direction === "entry").map((p) => p.at)
    .sort((a, b) => Date.parse(a) - Date.parse(b));
  const exits = passes.filter((p) => p.direction === "exit").length;
  const last = entries.length ? entries[entries.length - 1] : null;
  const inside = isInside(gate, passes, at, timezone);
  if (direction === "exit") {
    return gate.countExits && inside ? answer("exited", exits + 1, last) : answer("not_inside", 0, last);
  }
  if (!last) return answer("ok", 1);
  const again = gate.countExits ? !inside : gate.readmitDaily && localDay(at, timezone) !== localDay(last, timezone);
  return again ? answer("ok", entries.length + 1, last) : answer("already_used", 0, last);
}

// The result for `ticket` (the synced row the scan names, or null) at this door, on `gate` (one of
// the synced lists) going `direction`. `claims` (a QR code's) carry the event and version the code
// was signed for.
export function decide({ eventId, doorsClosed, ticket, claims, gate = MAIN_LIST, direction = "entry", at, timezone }) {
  if (claims && claims.eventId !== eventId) return shown("wrong_event", sentence(SENTENCES.otherEvent), null);
  if (!ticket) return shown("invalid", sentence(SENTENCES.forged), null);
  if (doorsClosed) return shown("event_ended", sentence(SENTENCES.ended), ticket);
  const reason = sentence(NOT_VALID[ticket.status] || SENTENCES.notValid);
  if (claims && claims.version !== ticket.version) {
    return ADMITTING.has(ticket.status)
      ? shown("invalid", sentence(SENTENCES.replaced), ticket)
      : shown("not_valid", reason, ticket);
  }
  const listId = gate.id || eventId; // the main list's id is the event's
  const passes = (ticket.passes || []).filter((p) => (p.listId || eventId) === listId);
  const verdict = passDecision(gate, { tierId: ticket.tierId, status: ticket.status, passes, direction,
    at: at || new Date().toISOString(), timezone });
  const words = {
    ok: () => sentence(SENTENCES.welcome, { name: ticket.holderName }),
    exited: () => sentence(SENTENCES.goodbye, { name: ticket.holderName }),
    already_used: () => sentence(SENTENCES.alreadyUsed, { time: clock(verdict.lastEntry) }),
    wrong_gate: () => sentence(SENTENCES.wrongGate, { gate: gate.name, tier: ticket.tierName }),
    not_inside: () => sentence(SENTENCES.notInside, { gate: gate.name }),
    not_valid: () => reason,
  };
  return { ...shown(verdict.result, words[verdict.result](), ticket), ordinal: verdict.ordinal };
}
