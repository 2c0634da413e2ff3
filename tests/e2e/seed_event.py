"""Create a published event for a browser test, through the services, in the e2e server's database.

Runs in the seeding process (`tests/e2e/seeding.py`, DATABASE_URL set to the server's database), or
alone as `python -m tests.e2e.seed_event '<json>'`. The owner must be an existing verified account (made through the API
by the test). `"kyc": false` leaves the workspace's KYC undone and `"publish": false` keeps the event a
draft. Prints `{"id", "short_id", "workspace_id", "workspace_slug", "tiers": {name: id}}`.
"""

from __future__ import annotations

import json
import sys

from sqlmodel import select

from eventpalour.db import transaction
from eventpalour.models import KycStatus, User, Workspace
from eventpalour.services.events import lifecycle as events
from eventpalour.services.events import tiers
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.identity.accounts import summarize
from eventpalour.services.workspaces.records import WorkspaceInput, create_workspace
from tests.factories import event_input


def main(spec: dict) -> dict:
    with transaction() as session:
        user = session.exec(select(User).where(User.email == spec["owner_email"])).one()
        user.account_type = "organizer"
        session.flush()
        actor = summarize(session, user)
    workspace = create_workspace(
        actor=actor, data=WorkspaceInput(name=spec["workspace"], description="Concerts and meetups for everyone.")
    )
    if spec.get("kyc", True):
        with transaction() as session:
            session.get(Workspace, workspace.id).kyc_status = KycStatus.APPROVED
    event = events.create_event(actor=actor, workspace_id=workspace.id, data=event_input(**spec["event"]))
    saved = tiers.save_tiers(actor=actor, event_id=event.id, tiers=[TierInput(**t) for t in spec["tiers"]])
    if spec.get("publish", True):
        events.change_status(actor=actor, event_id=event.id, action="publish")
    return {
        "id": event.id,
        "short_id": event.short_id,
        "workspace_id": workspace.id,
        "workspace_slug": workspace.slug,
        "tiers": {t.name: t.id for t in saved},
    }


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))))
