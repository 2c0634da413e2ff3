// What a door device keeps for offline scanning (#21), in IndexedDB: per event its public key and
// sync cursor, its tickets (by id, and by short-code hash for typed codes), and the queue of scans
// made offline until the server has them. One database per browser profile; several events can be
// prepared side by side.
const DB_NAME = "eventpalour-door";
const VERSION = 1;

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

let opened = null;

export function openStore() {
  if (!opened) {
    const req = indexedDB.open(DB_NAME, VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      db.createObjectStore("events", { keyPath: "eventId" });
      const tickets = db.createObjectStore("tickets", { keyPath: ["eventId", "id"] });
      tickets.createIndex("byCode", ["eventId", "codeHash"]);
      const queue = db.createObjectStore("queue", { keyPath: ["eventId", "sequence"] });
      queue.createIndex("byEvent", "eventId");
      db.createObjectStore("meta");
    };
    opened = request(req);
  }
  return opened;
}

export async function getEvent(eventId) {
  const db = await openStore();
  return request(db.transaction("events").objectStore("events").get(eventId));
}

export async function findEventByRef(ref) {
  const db = await openStore();
  const all = await request(db.transaction("events").objectStore("events").getAll());
  return all.find((e) => e.eventId === ref || e.shortId === ref) || null;
}

// Store a sync answer: a full list replaces the event's tickets, a delta updates them.
export async function saveSync(answer, onProgress) {
  const db = await openStore();
  const tx = db.transaction(["events", "tickets"], "readwrite");
  const tickets = tx.objectStore("tickets");
  if (answer.full) {
    tickets.delete(IDBKeyRange.bound([answer.eventId, ""], [answer.eventId, "\uffff"]));
  }
  answer.tickets.forEach((t, n) => {
    tickets.put({ ...t, eventId: answer.eventId });
    if (onProgress && (n % 200 === 0 || n === answer.tickets.length - 1)) onProgress(n + 1, answer.tickets.length);
  });
  tx.objectStore("events").put({
    eventId: answer.eventId,
    shortId: answer.shortId,
    title: answer.title,
    publicKey: answer.publicKey,
    doorsClosed: answer.doorsClosed,
    timezone: answer.timezone,
    lists: answer.lists || [],
    cursor: answer.cursor,
    syncedAt: new Date().toISOString(),
  });
  await done(tx);
}

export async function ticketById(eventId, id) {
  const db = await openStore();
  return request(db.transaction("tickets").objectStore("tickets").get([eventId, id]));
}

export async function ticketByCode(eventId, codeHash) {
  const db = await openStore();
  return request(db.transaction("tickets").objectStore("tickets").index("byCode").get([eventId, codeHash]));
}

export async function countTickets(eventId) {
  const db = await openStore();
  const range = IDBKeyRange.bound([eventId, ""], [eventId, "\uffff"]);
  return request(db.transaction("tickets").objectStore("tickets").count(range));
}

// This device's id, made once (random, so two phones never share one).
export async function deviceId() {
  const db = await openStore();
  const known = await request(db.transaction("meta").objectStore("meta").get("deviceId"));
  if (known) return known;
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  const made = "dev-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  const tx = db.transaction("meta", "readwrite");
  tx.objectStore("meta").add(made, "deviceId");
  try {
    await done(tx);
    return made;
  } catch (error) {
    return request(db.transaction("meta").objectStore("meta").get("deviceId")); // another tab made it first
  }
}

// Record an offline scan and, when it let someone through its list, add the pass to the ticket on
// this device (an entry also marks it used): both in one transaction, with the device's next
// sequence number, so a scan is never queued twice.
export async function recordScan(eventId, entry, admittedTicket) {
  const db = await openStore();
  const tx = db.transaction(["meta", "queue", "tickets"], "readwrite");
  const meta = tx.objectStore("meta");
  const sequence = ((await request(meta.get("sequence"))) || 0) + 1;
  meta.put(sequence, "sequence");
  tx.objectStore("queue").add({ ...entry, eventId, sequence, uploaded: false, outcome: "", message: "" });
  if (admittedTicket) {
    const entered = entry.direction !== "exit";
    const passes = [...(admittedTicket.passes || []), { listId: entry.listId, direction: entry.direction,
      at: entry.scannedAt }];
    tx.objectStore("tickets").put({ ...admittedTicket, passes, status: entered ? "used" : admittedTicket.status,
      usedAt: admittedTicket.usedAt || (entered ? entry.scannedAt : null) });
  }
  await done(tx);
  return sequence;
}

export async function queued(eventId) {
  const db = await openStore();
  return request(db.transaction("queue").objectStore("queue").index("byEvent").getAll(eventId));
}

export async function markUploaded(eventId, answers) {
  const db = await openStore();
  const tx = db.transaction("queue", "readwrite");
  const queue = tx.objectStore("queue");
  for (const answer of answers) {
    const entry = await request(queue.get([eventId, answer.sequence]));
    if (entry) queue.put({ ...entry, uploaded: true, outcome: answer.outcome, message: answer.message });
  }
  await done(tx);
}

// Drop an event's list from this device (its user may no longer scan it). Queued scans stay: they
// are this device's record of who it let in, and upload once someone allowed signs in.
export async function forgetEvent(eventId) {
  const db = await openStore();
  const tx = db.transaction(["events", "tickets"], "readwrite");
  tx.objectStore("tickets").delete(IDBKeyRange.bound([eventId, ""], [eventId, "\uffff"]));
  tx.objectStore("events").delete(eventId);
  await done(tx);
}
