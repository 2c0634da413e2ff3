"""Downloading my data and deleting my account (#20 §3): what the export holds (and what it never
does), each reason deletion is refused, what erasing removes and what money records it keeps, and
the address being free to sign up again."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from eventpalour.db import read_only, transaction
from eventpalour.models import (
    AuditLogEntry,
    EmailVerificationCode,
    Event,
    Order,
    OrderItem,
    OutboxEmail,
    PlatformAdmin,
    Refund,
    Ticket,
    User,
    UserSession,
    WorkspaceInvitation,
    WorkspaceMember,
)
from eventpalour.models.types import utcnow
from eventpalour.services import platform
from eventpalour.services.admin import admin_users
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.identity import account_deletion, accounts, auth, data_export
from eventpalour.services.platform.errors import Conflict, NotAuthenticated, ValidationFailed
from eventpalour.services.sales import checkout
from eventpalour.services.tickets import transfers
from eventpalour.services.workspaces import invitations, kyc
from tests.factories import (
    add_member,
    kyc_input,
    latest_email,
    make_admin,
    make_paid_event,
    make_user,
    make_workspace,
)
from tests.ticket_support import issue, make_venue


def _code_from_email(address: str) -> str:
    message = latest_email(address, "account_deletion_code")
    assert message is not None
    return message.subject.rsplit(" ", 1)[-1]


def _end_event(event_id: str) -> None:
    """Move an event into the past: its tickets no longer stand in the way of a deletion."""
    now = utcnow()
    with transaction() as session:
        session.execute(
            update(Event)
            .where(col(Event.id) == event_id)
            .values(start_at=now - timedelta(days=3), end_at=now - timedelta(days=2))
        )


def test_export_holds_profile_sessions_orders_tickets_transfers_memberships_kyc_and_audit():
    venue = make_venue(title="Jazz on the Lawn")
    person = make_user(full_name="Amina Wanjiru")
    friend = make_user(full_name="Brian Otieno")
    given, kept = issue(venue, person, count=2)
    transfers.transfer_ticket(actor=person.summary, ticket_id=given.id, recipient_email=friend.email)
    [from_friend] = issue(venue, friend)
    transfers.transfer_ticket(actor=friend.summary, ticket_id=from_friend.id, recipient_email=person.email)
    add_member(venue.workspace_id, person, "moderator")
    invitations.invite_members(
        actor=venue.owner.summary,
        workspace_id=make_workspace(venue.owner, name="Second Stage").id,
        invitations=[invitations.InviteRequest(email=person.email)],
    )
    organizer = make_user(account_type="organizer")
    own = make_workspace(organizer, name="Amina Events")
    kyc.submit_kyc(actor=organizer.summary, workspace_id=own.id, data=kyc_input(organizer))

    export = data_export.export_account(actor=person.summary)

    assert (export.profile.email, export.profile.full_name) == (person.email, "Amina Wanjiru")
    assert export.profile.terms_version and export.profile.has_password and not export.profile.google_account_linked
    assert len(export.sessions) == 1
    [order] = export.orders
    assert (order.event, order.status, order.amount) == ("Jazz on the Lawn", "completed", 0)
    assert [(line.tier, line.quantity) for line in order.lines] == [("General", 2)]
    held = {(t.code, t.status) for t in export.tickets}
    assert held >= {(given.short_code, "transferred"), (kept.short_code, "valid")}
    assert len(export.tickets) == 3  # two bought, one received
    directions = {(t.direction, t.ticket_code) for t in export.transfers}
    assert directions == {("out", given.short_code), ("in", from_friend.short_code)}
    assert all(friend.email not in t.other_party and "•••" in t.other_party for t in export.transfers)
    assert [(m.workspace, m.role) for m in export.memberships] == [("Nairobi Jazz Society", "moderator")]
    assert [(i.workspace, i.status) for i in export.invitations] == [("Second Stage", "pending")]
    assert export.kyc_filings == []  # filed by the organizer, not by this person
    actions = {(a.action, a.by_you) for a in export.audit_entries}
    assert ("auth.sign_in", True) in actions

    text = data_export.export_json(data_export.export_account(actor=organizer.summary))
    document = json.loads(text)
    [filing] = document["kyc_filings"]
    assert (filing["workspace"], filing["tax_id"]) == ("Amina Events", "A123456789B")
    assert "id_document_key" not in filing and "token_hash" not in text and "password_hash" not in text
    assert document["profile"]["email"] == organizer.email and document["format"] == data_export.EXPORT_FORMAT


def test_export_says_a_system_refund_reason_in_the_accounts_language_and_a_typed_one_as_typed():
    venue = make_venue(title="Jazz on the Lawn")
    person = make_user(full_name="Awa Diop")
    issue(venue, person)
    accounts.set_language(actor=person.summary, language="fr")
    with transaction() as session:
        order = session.exec(select(Order).where(Order.buyer_id == person.id)).one()
        cancelled = platform.message(platform.N_("{event} was cancelled."), event="Jazz on the Lawn")
        template, values = platform.kept_message(cancelled)
        for reason, kept in ((str(cancelled), (template, values)), ("Je ne peux pas venir.", (None, None))):
            session.add(
                Refund(
                    order_id=order.id,
                    event_id=order.event_id,
                    workspace_id=order.workspace_id,
                    amount=100,
                    currency="KES",
                    reason=reason,
                    reason_template=kept[0],
                    reason_values=kept[1],
                )
            )

    [order_data] = data_export.export_account(actor=person.summary).orders

    assert sorted(r.reason for r in order_data.refunds) == [
        "Je ne peux pas venir.",
        "L'événement Jazz on the Lawn a été annulé.",
    ]


def test_export_csv_has_order_lines_and_tickets_and_defuses_formulas():
    venue = make_venue(title="=HYPERLINK(evil)")
    person = make_user()
    [held] = issue(venue, person)

    rows = list(csv.DictReader(io.StringIO(data_export.export_csv(data_export.export_account(actor=person.summary)))))

    assert [row["record"] for row in rows] == ["order line", "ticket"]
    assert rows[1]["ticket_code"] == held.short_code
    assert all(row["event"] == "'=HYPERLINK(evil)" for row in rows)


def test_export_needs_a_signed_in_active_account():
    with pytest.raises(NotAuthenticated):
        data_export.export_account(actor=None)


def test_deletion_refused_while_owning_a_workspace():
    owner = make_user(account_type="organizer")
    make_workspace(owner, name="Nairobi Jazz Society")
    check = account_deletion.check_account_deletion(actor=owner.summary)
    assert not check.can_delete and "You own the workspace Nairobi Jazz Society" in check.reason
    with pytest.raises(Conflict, match="Transfer it to another member or delete it first"):
        account_deletion.request_deletion_code(actor=owner.summary)
    assert latest_email(owner.email, "account_deletion_code") is None


def test_deletion_refused_while_holding_tickets_for_an_upcoming_event():
    venue = make_venue(title="Jazz on the Lawn")
    holder = make_user()
    issue(venue, holder, count=2)
    with pytest.raises(Conflict, match=r"You hold valid tickets for upcoming events \(Jazz on the Lawn…\): 2\."):
        account_deletion.request_deletion_code(actor=holder.summary)
    _end_event(venue.event_id)
    assert account_deletion.check_account_deletion(actor=holder.summary).can_delete


def test_deletion_refused_with_an_order_awaiting_payment():
    event, [tier_id] = make_paid_event([TierInput(name="VIP", price=500_000, quantity=10)])
    buyer = make_user()
    held = checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tier_id: 1})
    with pytest.raises(Conflict, match="is awaiting payment"):
        account_deletion.request_deletion_code(actor=buyer.summary)
    checkout.cancel_order(actor=buyer.summary, order_id=held.order_id)
    assert account_deletion.check_account_deletion(actor=buyer.summary).can_delete


def test_deletion_refused_for_a_platform_admin():
    person = make_user()
    with transaction() as session:
        session.add(PlatformAdmin(user_id=person.id, level="support"))
    with pytest.raises(Conflict, match="platform administrator"):
        account_deletion.request_deletion_code(actor=person.summary)


def test_deletion_needs_the_account_address_and_the_emailed_code():
    person = make_user()
    account_deletion.request_deletion_code(actor=person.summary)
    code = _code_from_email(person.email)

    with pytest.raises(ValidationFailed) as wrong_address:
        account_deletion.delete_account(actor=person.summary, email="someone@example.test", code=code)
    assert wrong_address.value.details[0].path == ("email",)
    with pytest.raises(ValidationFailed, match="6-digit"):
        account_deletion.delete_account(actor=person.summary, email=person.email, code="12")
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(ValidationFailed, match="4 tries left"):
        account_deletion.delete_account(actor=person.summary, email=person.email, code=wrong)
    with read_only() as session:
        assert session.get(User, person.id).email == person.email  # nothing changed

    # The sign-up code is another purpose: it never confirms a deletion, nor is it replaced by one.
    with read_only() as session:
        purposes = sorted(r.purpose for r in session.exec(select(EmailVerificationCode)).all())
    assert purposes == ["delete_account", "verify_email"]

    account_deletion.delete_account(actor=person.summary, email=person.email.upper(), code=code)
    with read_only() as session:
        assert session.get(User, person.id).status == "deleted"


def test_erasure_removes_personal_data_keeps_money_records_and_frees_the_address():
    venue = make_venue(title="Jazz on the Lawn")
    person = make_user(full_name="Amina Wanjiru")
    [past] = issue(venue, person)
    order_id = past.order_id
    _end_event(venue.event_id)
    add_member(venue.workspace_id, person, "member")
    other = make_workspace(venue.owner, name="Second Stage")
    invitations.invite_members(
        actor=venue.owner.summary, workspace_id=other.id, invitations=[invitations.InviteRequest(email=person.email)]
    )
    second_device = auth.password_session(email=person.email, password=person.password).token
    account_deletion.request_deletion_code(actor=person.summary)

    account_deletion.delete_account(actor=person.summary, email=person.email, code=_code_from_email(person.email))

    with read_only() as session:
        user = session.get(User, person.id)
        assert (user.email, user.full_name, user.password_hash, user.google_sub) == (
            f"deleted-{person.id}@invalid",
            "",
            None,
            None,
        )
        assert user.username == f"deleted-{person.id}" and user.status == "deleted" and user.deleted_at
        assert session.exec(select(UserSession).where(UserSession.user_id == person.id)).all() == []
        assert session.exec(select(EmailVerificationCode).where(EmailVerificationCode.user_id == person.id)).all() == []
        assert session.exec(select(WorkspaceMember).where(WorkspaceMember.user_id == person.id)).all() == []
        assert session.exec(select(WorkspaceInvitation).where(WorkspaceInvitation.email == person.email)).all() == []
        assert session.exec(select(OutboxEmail).where(OutboxEmail.to_email == person.email)).all() == []
        # The money records stay, pointing at the tombstone.
        order = session.get(Order, order_id)
        assert order.buyer_id == person.id and order.status == "completed"
        assert session.exec(select(OrderItem).where(OrderItem.order_id == order_id)).all()
        assert session.get(Ticket, past.id).holder_id == person.id
        # Their own audit entries lose the address and browser; the deletion's entry has no PII.
        mine = session.exec(select(AuditLogEntry).where(AuditLogEntry.actor_id == person.id)).all()
        assert mine and all(e.ip is None and e.user_agent is None for e in mine)
        [deleted] = [e for e in mine if e.action == "account.delete"]
        assert person.email not in json.dumps(deleted.details) and deleted.details["erased"]["sign_ins"] >= 3
    assert auth.current_user(person.token) is None and auth.current_user(second_device) is None

    again = make_user(email=person.email, full_name="Amina Again")
    assert again.id != person.id and again.email == person.email
    with pytest.raises(ValidationFailed):
        auth.sign_in(email=f"deleted-{person.id}@invalid", password=person.password)


def test_a_deleted_account_cannot_be_reactivated_by_an_admin():
    person = make_user()
    account_deletion.request_deletion_code(actor=person.summary)
    account_deletion.delete_account(actor=person.summary, email=person.email, code=_code_from_email(person.email))
    boss = make_admin("super_admin")
    with pytest.raises(Conflict, match="deleted by its owner"):
        admin_users.set_user_status(actor=boss.summary, user_id=person.id, status="active", reason="Asked nicely")
    with pytest.raises(ValidationFailed):
        admin_users.set_user_status(actor=boss.summary, user_id=make_user().id, status="deleted", reason="No")


def test_the_account_page_states_the_terms_agreed_to_and_when():
    person = make_user()
    agreed = accounts.terms_agreement(actor=person.summary)
    assert agreed.version == platform.TERMS_VERSION and agreed.is_current
    assert agreed.summary.startswith(f"You agreed to the Terms and the Privacy policy of {platform.TERMS_VERSION} on ")
    assert agreed.summary.endswith(" UTC.")
    with transaction() as session:
        session.get(User, person.id).terms_version = "2025-01-01"
    assert accounts.terms_agreement(actor=person.summary).summary.endswith("The policies have changed since.")
    with transaction() as session:
        session.get(User, person.id).terms_version = None
    assert "none is recorded" in accounts.terms_agreement(actor=person.summary).summary


async def test_account_page_handlers_show_the_refusal_then_delete_with_the_code():
    from eventpalour.state.account import AccountState
    from tests.state_support import run_handler, state_for

    owner = make_user(account_type="organizer")
    make_workspace(owner, name="Nairobi Jazz Society")
    page = state_for(AccountState, token=owner.token, path="/account")
    await run_handler(page, "load")
    assert page.deletion_checked and not page.can_delete and "Nairobi Jazz Society" in page.deletion_refusal
    assert page.terms_summary.startswith("You agreed to the Terms")

    person = make_user()
    page = state_for(AccountState, token=person.token, path="/account")
    await run_handler(page, "load")
    assert page.can_delete and page.deletion_refusal == ""
    await run_handler(page, "send_deletion_code")
    assert page.deletion_code_sent and not page.is_sending_code
    code = _code_from_email(person.email)
    await run_handler(page, "delete_account", {"email": "typo@example.test", "code": code})
    assert set(page.field_errors) == {"email"} and not page.is_submitting
    await run_handler(page, "delete_account", {"email": person.email, "code": code})
    with read_only() as session:
        assert session.get(User, person.id).status == "deleted"


def test_the_terms_record_is_said_in_the_readers_language() -> None:
    """The account page's record of the agreement is one catalog sentence, its date said per language."""
    from datetime import UTC, datetime

    from eventpalour.services.identity.accounts import TermsAgreement
    from eventpalour.services.platform import gettext

    agreed = TermsAgreement("2026-11-01", datetime(2026, 12, 4, 9, 30, tzinfo=UTC), is_current=False).summary
    assert agreed.startswith("You agreed to the Terms and the Privacy policy of 2026-11-01 on Fri 4 Dec")
    assert agreed.endswith("09:30 UTC. The policies have changed since.")
    assert gettext("fr", agreed).startswith("Vous avez accepté les Conditions d'utilisation et la Politique")
    assert gettext("fr", agreed).endswith("Les politiques ont changé depuis.")
