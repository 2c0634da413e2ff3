"""Give an organizer a paid event with paid orders, for the billing browser test.

Runs in the seeding process (`tests/e2e/seeding.py`), or alone as
`python -m tests.e2e.seed_billing '<json>'` with DATABASE_URL set to the e2e server's database.
Orders go through checkout and payment settlement with the fees Paystack would report, so the rows
are exactly what real sales leave behind. Returns `{"short_id", "workspace_id"}`.
"""

from __future__ import annotations

import json
import sys
import uuid

from eventpalour.integrations.paystack import VerifyResult
from eventpalour.services.sales import checkout, payments
from tests.e2e import seed_event
from tests.factories import make_user


def main(spec: dict) -> dict:
    made = seed_event.main(spec)
    tier_id = next(iter(made["tiers"].values()))
    for order in spec["orders"]:
        # The factory's own email counter starts again in each process that seeds: a random address.
        buyer = make_user(email=f"buyer-{uuid.uuid4().hex[:10]}@example.test")
        wanted = {tier_id: order["tickets"]}
        held = checkout.book_ticket(actor=buyer.summary, event_id=made["short_id"], quantities=wanted)
        paid = VerifyResult("success", held.amount, "KES", order["fees"], None, held.reference, {})
        assert payments.settle(held.reference, paid).status == "completed"
    return {"short_id": made["short_id"], "workspace_id": made["workspace_id"]}


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))))
