// The device's copy of the door rule (assets/door/verify.js passDecision) against the vectors the
// server's gates.pass_decision runs (tests/vectors/gate_rules.json): both decide every case alike.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { decide, passDecision } from "../../assets/door/verify.js";

const vectors = JSON.parse(readFileSync(new URL("../vectors/gate_rules.json", import.meta.url)));

for (const c of vectors.cases) {
  test(`gate vector: ${c.name}`, () => {
    const got = passDecision(c.gate, { tierId: c.tierId, status: c.status, passes: c.passes, direction: c.direction,
      at: c.at, timezone: c.timezone });
    assert.deepEqual({ result: got.result, ordinal: got.ordinal }, c.expect);
  });
}

test("decide applies the chosen list to the synced ticket's passes on that list only", () => {
  const eventId = "evt0000000000001";
  const lounge = { id: "lst0000000000002", name: "VIP lounge", allTiers: false, tierIds: ["tirVIP"],
    readmitDaily: false, countExits: false };
  const vip = { id: "tkt1", holderName: "Amina", tierName: "VIP", tierId: "tirVIP", status: "used", version: 1,
    passes: [{ listId: eventId, direction: "entry", at: "2026-12-06T07:00:00Z" }] };
  const door = { eventId, doorsClosed: false, claims: null, timezone: "Africa/Nairobi" };
  assert.equal(decide({ ...door, ticket: vip }).result, "already_used"); // the main list
  assert.equal(decide({ ...door, ticket: vip, gate: lounge }).result, "ok");
  const general = { ...vip, tierId: "tirGEN", tierName: "General", status: "valid", passes: [] };
  const refused = decide({ ...door, ticket: general, gate: lounge });
  assert.equal(refused.result, "wrong_gate");
  assert.match(refused.message, /^Not valid at this gate/);
});
