"""Give an e2e event door staff and ticket holders, through the services, in the server's database.

Runs in the seeding process (`tests/e2e/seeding.py`, or alone as `python -m tests.e2e.seed_tickets
'<json>'`) with DATABASE_URL and SECRET_KEY set to the server's, so the QR tokens it returns are the
ones the server signs. Spec:
`{"short_id", "members": [{"email", "role"}], "holders": [{"email", "count", "tier"?, "transfer_to"?}],
"ended_hours_ago"?}` (`tier`: a tier's name; the event's first tier when left out)
(existing verified accounts; `ended_hours_ago` then moves the event into the past, a three-hour event
that ended that long ago; `transfer_to` transfers the holder's first ticket to that account, so its
printed codes are revoked). Prints `{"tickets": [{"email", "code", "token", "signed", "id"}]}`:
`token` is an HMAC (EP1) code, `signed` the Ed25519 (EP2) code a ticket shows today.
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta

from sqlmodel import select

from eventpalour.db import read_only, transaction
from eventpalour.models import Event, Ticket, TicketTier, User, WorkspaceMember
from eventpalour.models.types import utcnow
from eventpalour.services.identity.accounts import summarize
from eventpalour.services.sales import checkout
from eventpalour.services.tickets import ticket_tokens, transfers


def _user(email: str):
    with read_only() as session:
        user = session.exec(select(User).where(User.email == email)).one()
        return summarize(session, user)


def main(spec: dict) -> dict:
    with read_only() as session:
        event = session.exec(select(Event).where(Event.short_id == spec["short_id"])).one()
        tiers = session.exec(select(TicketTier.name, TicketTier.id).where(TicketTier.event_id == event.id)).all()
        tier_id = tiers[0].id
        tier_ids = {name: found for name, found in tiers}
    for member in spec.get("members", []):
        with transaction() as session:
            session.add(
                WorkspaceMember(workspace_id=event.workspace_id, user_id=_user(member["email"]).id, role=member["role"])
            )
    issued = []
    for holder in spec.get("holders", []):
        result = checkout.book_ticket(
            actor=_user(holder["email"]),
            event_id=event.id,
            quantities={tier_ids.get(holder.get("tier", ""), tier_id): holder["count"]},
        )
        with read_only() as session:
            for t in session.exec(select(Ticket).where(Ticket.order_id == result.order_id)):
                token = ticket_tokens.sign(t.id, t.event_id, t.secret_version)
                signed = ticket_tokens.sign_signed(t.id, t.event_id, t.tier_id, t.secret_version)
                issued.append(
                    {"email": holder["email"], "code": t.short_code, "token": token, "signed": signed, "id": t.id}
                )
        if holder.get("transfer_to"):
            first = next(entry for entry in issued if entry["email"] == holder["email"])
            transfers.transfer_ticket(
                actor=_user(holder["email"]), ticket_id=first["id"], recipient_email=holder["transfer_to"]
            )
    if "ended_hours_ago" in spec:
        with transaction() as session:
            row = session.get(Event, event.id)
            row.end_at = utcnow() - timedelta(hours=spec["ended_hours_ago"])
            row.start_at = row.end_at - timedelta(hours=3)
    return {"tickets": issued}


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))))
