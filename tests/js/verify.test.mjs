// The device's offline check (assets/door/verify.js) against the vectors the Python tests use
// (tests/vectors/ticket_signatures.json): both sides accept and refuse exactly the same codes.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { SENTENCES, codeHash, decide, parseScan, verifySigned } from "../../assets/door/verify.js";

const vectors = JSON.parse(readFileSync(new URL("../vectors/ticket_signatures.json", import.meta.url)));

for (const c of vectors.cases) {
  test(`vector: ${c.name}`, async () => {
    assert.equal((await verifySigned(c.token, vectors.public_key)) !== null, c.valid);
  });
}

test("a genuine code carries its ticket, event, tier and version", async () => {
  const claims = await verifySigned(vectors.cases[0].token, vectors.public_key);
  assert.deepEqual(claims, { ticketId: "tkt0000000000001", eventId: "evt0000000000001", tierId: "tir0000000000001", version: 1 });
});

test("code hash matches the server's", async () => {
  // sha256("evt0000000000001:ABCD2345"), as services/tickets/door_sync.code_hash computes it
  assert.equal(await codeHash("evt0000000000001", "ABCD2345"), vectors.code_hash_example);
});

test("typed codes are normalized and checked", async () => {
  assert.deepEqual(await parseScan("abcd-2345", vectors.public_key), { kind: "code", code: "ABCD2345" });
  assert.equal((await parseScan("abc", vectors.public_key)).kind, "bad");
});

const ticket = { id: "tkt0000000000001", holderName: "Amina", tierName: "General", status: "valid", version: 2, usedAt: null };
const claims = { ticketId: ticket.id, eventId: "evt0000000000001", version: 2 };

test("decide: valid admits, used and revoked refuse", () => {
  const door = { eventId: "evt0000000000001", doorsClosed: false };
  assert.equal(decide({ ...door, ticket, claims }).result, "ok");
  const entered = [{ listId: "evt0000000000001", direction: "entry", at: "2026-12-06T07:00:00Z" }];
  assert.equal(decide({ ...door, ticket: { ...ticket, status: "used", passes: entered }, claims }).result, "already_used");
  assert.equal(decide({ ...door, ticket, claims: { ...claims, version: 1 } }).result, "invalid");
  assert.equal(decide({ ...door, ticket: { ...ticket, status: "transferred" }, claims }).result, "not_valid");
  assert.equal(decide({ ...door, ticket: null, claims: null }).result, "invalid");
  assert.equal(decide({ ...door, ticket, claims: { ...claims, eventId: "evtelsewhere0000" } }).result, "wrong_event");
  assert.equal(decide({ ...door, doorsClosed: true, ticket, claims }).result, "event_ended");
});

test("decide: each sentence is an English id of SENTENCES with its values, for door.js to translate", async () => {
  const door = { eventId: "evt0000000000001", doorsClosed: false };
  const ids = new Set(Object.values(SENTENCES));
  const welcome = decide({ ...door, ticket, claims });
  assert.deepEqual([welcome.template, welcome.values, welcome.message], ["Welcome, {name}!", { name: "Amina" }, "Welcome, Amina!"]);
  const entered = [{ listId: "evt0000000000001", direction: "entry", at: "2026-12-06T07:00:00Z" }];
  const used = decide({ ...door, ticket: { ...ticket, status: "used", passes: entered }, claims });
  assert.equal(used.template, "Already used at {time}.");
  assert.match(used.values.time, /^\d\d:\d\d$/);
  for (const shown of [used, decide({ ...door, ticket: { ...ticket, status: "refunded" }, claims }),
    decide({ ...door, ticket: null, claims: null }), decide({ ...door, doorsClosed: true, ticket, claims }),
    await parseScan("abc", vectors.public_key)]) {
    assert.ok(ids.has(shown.template), shown.template);
  }
});
