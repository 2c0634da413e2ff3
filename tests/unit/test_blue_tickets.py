"""Blue tickets: one open request per workspace; approve / reject (reason required) / revoke by
reviewers; the badge follows `workspaces.verified` into discovery; every decision audit-logged."""

from __future__ import annotations

import pytest
from sqlmodel import select

from eventpalour.db import read_only
from eventpalour.models import AuditLogEntry
from eventpalour.services.events import discovery
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.platform import uploads
from eventpalour.services.platform.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from eventpalour.services.sales import checkout
from eventpalour.services.tickets import holdings as tickets
from eventpalour.services.tickets import transfers
from eventpalour.services.workspaces import blue_tickets
from tests.factories import (
    add_member,
    blue_ticket_input,
    kyc_upload,
    latest_email,
    make_admin,
    make_event,
    make_organizer,
    make_user,
    make_workspace,
)


def _requested(**changes):
    owner = make_organizer()
    ws = make_workspace(owner)
    view = blue_tickets.request_verification(actor=owner.summary, workspace_id=ws.id, data=blue_ticket_input(**changes))
    return owner, ws, view


def _actions() -> list[str]:
    with read_only() as session:
        return list(session.exec(select(AuditLogEntry.action).where(AuditLogEntry.action.startswith("blue_ticket"))))


def test_one_open_request_per_workspace():
    owner, ws, view = _requested()
    assert view.status == "pending" and view.links[1] == "https://instagram.com/nairobijazz"
    with pytest.raises(Conflict):
        blue_tickets.request_verification(actor=owner.summary, workspace_id=ws.id, data=blue_ticket_input())


def test_request_field_errors():
    owner = make_organizer()
    ws = make_workspace(owner)
    data = blue_ticket_input(statement="short", links=["not a url"], document_key="LOGOS/x.png")
    with pytest.raises(ValidationFailed) as raised:
        blue_tickets.request_verification(actor=owner.summary, workspace_id=ws.id, data=data)
    assert {d.path[0] for d in raised.value.details} == {"statement", "links", "document_key"}
    with pytest.raises(ValidationFailed) as raised:
        blue_tickets.request_verification(actor=owner.summary, workspace_id=ws.id, data=blue_ticket_input(links=[]))
    assert raised.value.details[0].path == ("links",)


@pytest.mark.parametrize("role", ["moderator", "member"])
def test_request_needs_workspace_admin(role):
    ws = make_workspace()
    person = make_user()
    add_member(ws.id, person, role)
    with pytest.raises(PermissionDenied):
        blue_tickets.request_verification(actor=person.summary, workspace_id=ws.id, data=blue_ticket_input())


def test_approve_shows_badge_everywhere_then_revoke_removes_it():
    owner, ws, view = _requested()
    event = make_event(owner, ws.id, publish=True)
    moderator = make_admin("moderator")
    approved = blue_tickets.approve_request(actor=moderator.summary, request_id=view.id)
    assert approved.status == "approved" and approved.workspace_verified
    assert discovery.get_public_event(event.short_id).organizer_verified
    assert "verified" in latest_email(owner.email, "blue_ticket_decision").subject
    with pytest.raises(Conflict):
        blue_tickets.approve_request(actor=moderator.summary, request_id=view.id)
    with pytest.raises(Conflict):
        blue_tickets.request_verification(actor=owner.summary, workspace_id=ws.id, data=blue_ticket_input())
    with pytest.raises(ValidationFailed):
        blue_tickets.revoke_request(actor=moderator.summary, request_id=view.id, reason="")
    blue_tickets.revoke_request(actor=moderator.summary, request_id=view.id, reason="Impersonation report")
    assert not discovery.get_public_event(event.short_id).organizer_verified
    assert sorted(_actions()) == ["blue_ticket.approve", "blue_ticket.request", "blue_ticket.revoke"]
    again = blue_tickets.request_verification(actor=owner.summary, workspace_id=ws.id, data=blue_ticket_input())
    assert again.status == "pending"


def test_badge_follows_onto_tickets_and_their_emails():
    owner, ws, view = _requested()
    event = make_event(owner, ws.id, publish=True, title="Benga Night")
    tier = get_tiers(actor=owner.summary, event_id=event.id)[0]
    early, late, friend = make_user(), make_user(), make_user()
    checkout.book_ticket(actor=early.summary, event_id=event.id, quantities={tier.id: 1})
    plain = latest_email(early.email, "order_confirmation")
    assert f"Organized by {ws.name}\n" in plain.text_body and "Verified organizer" not in plain.html_body
    assert not tickets.get_user_tickets(actor=early.summary).upcoming[0].organizer_verified

    blue_tickets.approve_request(actor=make_admin("moderator").summary, request_id=view.id)
    checkout.book_ticket(actor=late.summary, event_id=event.id, quantities={tier.id: 1})
    confirmation = latest_email(late.email, "order_confirmation")
    assert f"Organized by {ws.name} (verified organizer)" in confirmation.text_body
    assert "Verified organizer" in confirmation.html_body
    (card,) = tickets.get_user_tickets(actor=early.summary).upcoming
    assert card.organizer == ws.name and card.organizer_verified
    transfers.transfer_ticket(actor=early.summary, ticket_id=card.ticket_id, recipient_email=friend.email)
    assert "Verified organizer" in latest_email(friend.email, "ticket_transfer_received").html_body

    blue_tickets.revoke_request(actor=make_admin("moderator").summary, request_id=view.id, reason="Impersonation")
    assert not tickets.get_user_tickets(actor=friend.summary).upcoming[0].organizer_verified


def test_reject_needs_reason_and_is_final():
    owner, ws, view = _requested()
    reviewer = make_admin("super_admin")
    with pytest.raises(ValidationFailed) as raised:
        blue_tickets.reject_request(actor=reviewer.summary, request_id=view.id, reason="  ")
    assert raised.value.details[0].path == ("reason",)
    rejected = blue_tickets.reject_request(actor=reviewer.summary, request_id=view.id, reason="No public presence")
    assert rejected.status == "rejected" and not rejected.workspace_verified
    assert "No public presence" in latest_email(owner.email, "blue_ticket_decision").text_body
    with pytest.raises(Conflict):
        blue_tickets.approve_request(actor=reviewer.summary, request_id=view.id)
    with pytest.raises(NotFound):
        blue_tickets.approve_request(actor=reviewer.summary, request_id="nope")
    assert blue_tickets.list_requests(actor=reviewer.summary) == []
    assert [v.id for v in blue_tickets.list_requests(actor=reviewer.summary, status="rejected")] == [view.id]


def test_attached_document_readable_by_blue_ticket_reviewers():
    owner = make_organizer()
    ws = make_workspace(owner)
    key = kyc_upload(owner)
    blue_tickets.request_verification(actor=owner.summary, workspace_id=ws.id, data=blue_ticket_input(document_key=key))
    assert uploads.read_upload(actor=make_admin("moderator").summary, key=key).data.startswith(b"%PDF")
    with pytest.raises(NotFound):
        uploads.read_upload(actor=make_admin("support").summary, key=key)
