"""Refund policy and refund requests (#19 §5): the policy's window in the event's own zone, the
rules of a buyer's request, an approval that refunds once, a decline with its reason, the emails
and the audit trail; the policy on the event page data and in the confirmation email."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import func, select

from eventpalour.db import read_only, transaction
from eventpalour.integrations.paystack import VerifyResult
from eventpalour.models import AuditLogEntry, Event, Refund, RefundKind, RefundRequest, Ticket, TicketStatus
from eventpalour.models.types import utcnow
from eventpalour.services.events import discovery, lifecycle
from eventpalour.services.events.event_rules import TierInput, clean_event
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.platform.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    SecondFactorRequired,
    ValidationFailed,
)
from eventpalour.services.sales import checkout, orders, payments, refund_requests
from eventpalour.services.sales.refund_policy import (
    RefundTerms,
    policy_summary,
    refund_deadline,
    window_refusal,
)
from eventpalour.services.sales.refund_requests import OPEN_REQUEST, requested_amount
from tests.factories import (
    add_member,
    approve_kyc,
    event_input,
    latest_email,
    make_event,
    make_organizer,
    make_user,
    make_workspace,
)

# --- the policy's window -----------------------------------------------------------------------


def _terms(policy: str, start: datetime, zone: str = "Africa/Nairobi", days: int | None = None) -> RefundTerms:
    return RefundTerms(policy=policy, days=days, start_at=start, timezone=zone)


def test_days_before_counts_on_the_event_wall_clock_and_closes_at_that_moment():
    start = datetime(2026, 12, 5, 15, 0, tzinfo=UTC)  # Sat 5 Dec 18:00 in Nairobi
    terms = _terms("days_before", start, days=7)
    deadline = refund_deadline(terms)
    assert deadline == datetime(2026, 11, 28, 15, 0, tzinfo=UTC)
    assert window_refusal(terms, deadline - timedelta(seconds=1)) is None
    closed = window_refusal(terms, deadline)
    assert closed.message == "Refund requests for this event closed on Sat 28 Nov · 18:00 EAT."
    # Said in the reader's language, the date too (on the event's clock).
    assert (
        closed.in_language("fr")
        == "Les demandes de remboursement pour cet événement ont fermé le sam. 28 nov. · 18:00 EAT."
    )
    assert closed.in_language("sw").startswith("Maombi ya kurejeshewa pesa kwa tukio hili yalifungwa ")
    now = datetime(2026, 11, 1, tzinfo=UTC)
    assert policy_summary(terms, now=now) == (
        "Refunds can be requested until 7 days before the event (until Sat 28 Nov · 18:00 EAT)."
    )
    # The buyer's language: the sentence and its date (the order page, the confirmation email).
    assert policy_summary(terms, now=now, language="sw") == (
        "Unaweza kuomba kurejeshewa pesa hadi siku 7 kabla ya tukio (hadi Jumamosi, 28 Nov · 18:00 EAT)."
    )


def test_the_deadline_keeps_the_local_hour_across_a_daylight_saving_change():
    # London moves to BST on Sun 29 Mar 2026: an event at 19:00 BST on 2 Apr, 7 days before is
    # 19:00 GMT on 26 Mar, which is 19:00 UTC (a plain 7 × 24 h would say 18:00 UTC, 18:00 local).
    start = datetime(2026, 4, 2, 18, 0, tzinfo=UTC)
    deadline = refund_deadline(_terms("days_before", start, "Europe/London", days=7))
    assert deadline == datetime(2026, 3, 26, 19, 0, tzinfo=UTC)


def test_the_edge_day_is_the_event_zone_s_day_not_utc_s():
    # 00:30 on Sat 5 Dec in Nairobi is still Fri 4 Dec in UTC; one day before is Fri 4 Dec 00:30 there.
    start = datetime(2026, 12, 4, 21, 30, tzinfo=UTC)
    terms = _terms("days_before", start, days=1)
    deadline = refund_deadline(terms)
    assert deadline == datetime(2026, 12, 3, 21, 30, tzinfo=UTC)
    assert "Fri 4 Dec · 00:30 EAT" in window_refusal(terms, deadline).message
    assert window_refusal(terms, deadline - timedelta(minutes=1)) is None


def test_until_start_and_no_refunds():
    start = datetime(2026, 12, 5, 15, 0, tzinfo=UTC)
    until_start = _terms("until_start", start)
    assert refund_deadline(until_start) == start
    assert window_refusal(until_start, start - timedelta(seconds=1)) is None
    assert window_refusal(until_start, start).message == "Refund requests closed when the event started."
    none = _terms("none", start)
    assert refund_deadline(none) is None
    assert window_refusal(none, start - timedelta(days=30)).message == "This event does not offer refunds."
    assert policy_summary(none) == "No refunds."


def test_a_share_of_the_order_is_refunded_by_price_and_everything_left_for_every_ticket():
    # KES 5,000 of tickets, KES 1,000 off with a code: one of two equal tickets gives back half of 4,000.
    assert (
        requested_amount(amount=400000, subtotal=500000, refunded_amount=0, chosen_prices=250000, every_ticket=False)
        == 200000
    )
    assert (
        requested_amount(amount=400000, subtotal=500000, refunded_amount=0, chosen_prices=500000, every_ticket=True)
        == 400000
    )
    assert (
        requested_amount(
            amount=400000, subtotal=500000, refunded_amount=300000, chosen_prices=250000, every_ticket=False
        )
        == 100000
    )


# --- the policy in the event form --------------------------------------------------------------


def _problems(**changes) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        clean_event(event_input(pricing="paid", **changes))
    return {".".join(map(str, d.path)): d.message for d in caught.value.details}


def test_the_form_checks_the_policy_of_a_paid_event():
    assert "refund_policy" in _problems(refund_policy="sometimes")
    assert _problems(refund_policy="days_before", refund_days="")["refund_days"].startswith("Enter the number of days")
    assert "refund_days" in _problems(refund_policy="days_before", refund_days="400")
    assert "refund_policy_text" in _problems(refund_policy="none", refund_policy_text="x" * 1001)
    cleaned = clean_event(
        event_input(
            pricing="paid", refund_policy="days_before", refund_days=" 3 ", refund_policy_text=" Fees stay. \x00"
        )
    )
    assert (cleaned["refund_policy"], cleaned["refund_days"], cleaned["refund_policy_text"]) == (
        "days_before",
        3,
        "Fees stay.",
    )
    free = clean_event(event_input(pricing="free", refund_policy="until_start", refund_days="x"))
    assert (free["refund_policy"], free["refund_days"], free["refund_policy_text"]) == ("none", None, "")


# --- requests ----------------------------------------------------------------------------------


@pytest.fixture
def concert():
    owner = make_organizer(two_factor=True)  # refunds need two-factor (#20 §1)
    ws = make_workspace(owner)
    approve_kyc(ws.id)
    event = make_event(
        owner,
        ws.id,
        publish=True,
        pricing="paid",
        title="Sauti Sol Live",
        refund_policy="until_start",
        refund_policy_text="The platform fee is not refunded.",
        tiers=[TierInput(name="Regular", price=250000, quantity=40, max_per_order=5)],
    )
    tier_id = get_tiers(actor=owner.summary, event_id=event.id)[0].id
    return owner, ws, event, tier_id


def _paid(buyer, event, tier_id: str, n: int = 2):
    result = checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tier_id: n})
    payments.settle(result.reference, VerifyResult("success", result.amount, "KES", 9000, None, result.reference, {}))
    return result


def _ticket_ids(order_id: str) -> list[str]:
    with read_only() as session:
        return list(session.exec(select(Ticket.id).where(Ticket.order_id == order_id).order_by(Ticket.short_code)))


def _summary(buyer, order_id: str) -> orders.OrderSummary:
    return next(o for o in orders.list_my_orders(actor=buyer.summary) if o.order_id == order_id)


def _count(model, **where) -> int:
    with read_only() as session:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return session.exec(query).one()


def test_a_buyer_asks_the_admins_are_told_and_one_request_waits_per_order(concert):
    owner, ws, event, tier_id = concert
    buyer = make_user(full_name="Wanjiku Kamau")
    admin_member = make_user()
    add_member(ws.id, admin_member, "admin")
    moderator = make_user()
    add_member(ws.id, moderator, "moderator")
    order = _paid(buyer, event, tier_id)
    assert _summary(buyer, order.order_id).can_request_refund is True

    first, second = _ticket_ids(order.order_id)
    request = refund_requests.request_refund(
        actor=buyer.summary, order_id=order.order_id, ticket_ids=[first], reason="  I cannot travel.  "
    )
    assert (request.status, request.amount, request.reason) == ("pending", 250000, "I cannot travel.")
    for member in (owner, admin_member):
        told = latest_email(member.email, "refund_request_received")
        assert told is not None and "Wanjiku Kamau" in told.text_body and "I cannot travel." in told.text_body
    assert latest_email(moderator.email, "refund_request_received") is None
    assert _count(AuditLogEntry, action="refund_request.create", target_id=order.order_id) == 1

    summary = _summary(buyer, order.order_id)
    assert summary.can_request_refund is False
    assert summary.refund_note == ""  # the label says it
    assert summary.refund_request_label == "Refund requested, waiting for the organizers"
    with pytest.raises(Conflict, match="already asked"):
        refund_requests.request_refund(
            actor=buyer.summary, order_id=order.order_id, ticket_ids=[second], reason="Again"
        )
    assert _count(RefundRequest, order_id=order.order_id) == 1


def test_bad_requests_are_refused_and_change_nothing(concert):
    _, _, event, tier_id = concert
    buyer, stranger = make_user(), make_user()
    order = _paid(buyer, event, tier_id)
    tickets = _ticket_ids(order.order_id)
    with pytest.raises(ValidationFailed) as no_reason:
        refund_requests.request_refund(actor=buyer.summary, order_id=order.order_id, ticket_ids=tickets, reason=" ")
    assert no_reason.value.details[0].path == ("reason",)
    with pytest.raises(ValidationFailed) as no_tickets:
        refund_requests.request_refund(actor=buyer.summary, order_id=order.order_id, ticket_ids=[], reason="Ill")
    assert no_tickets.value.details[0].path == ("tickets",)
    with pytest.raises(ValidationFailed) as foreign:
        refund_requests.request_refund(
            actor=buyer.summary, order_id=order.order_id, ticket_ids=["not-a-ticket"], reason="Ill"
        )
    assert foreign.value.details[0].path == ("tickets",)
    with pytest.raises(NotFound):
        refund_requests.request_refund(actor=stranger.summary, order_id=order.order_id, ticket_ids=tickets, reason="x")
    assert _count(RefundRequest, order_id=order.order_id) == 0


def test_outside_the_policy_the_reason_is_given(concert):
    owner, ws, _, _ = concert
    closed = make_event(
        owner,
        ws.id,
        publish=True,
        pricing="paid",
        refund_policy="days_before",
        refund_days="15",  # the event starts in 10 days: requests closed 5 days ago
        tiers=[TierInput(name="Regular", price=100000, quantity=10)],
    )
    none = make_event(
        owner, ws.id, publish=True, pricing="paid", tiers=[TierInput(name="Regular", price=100000, quantity=10)]
    )
    buyer = make_user()
    for event, message in ((closed, "closed on"), (none, "does not offer refunds")):
        tier_id = get_tiers(actor=owner.summary, event_id=event.id)[0].id
        order = _paid(buyer, event, tier_id, 1)
        summary = _summary(buyer, order.order_id)
        assert summary.can_request_refund is False and message in summary.refund_note
        with pytest.raises(Conflict, match=message):
            refund_requests.request_refund(
                actor=buyer.summary, order_id=order.order_id, ticket_ids=_ticket_ids(order.order_id), reason="Ill"
            )
        with pytest.raises(Conflict, match=message):
            refund_requests.refund_request_options(actor=buyer.summary, order_id=order.order_id)
    assert _count(RefundRequest, buyer_id=buyer.id) == 0


def test_approving_refunds_the_chosen_tickets_once(concert):
    owner, _, event, tier_id = concert
    buyer = make_user()
    order = _paid(buyer, event, tier_id)
    first, second = _ticket_ids(order.order_id)
    request = refund_requests.request_refund(
        actor=buyer.summary, order_id=order.order_id, ticket_ids=[first], reason="Ill"
    )
    [pending] = refund_requests.event_refund_requests(actor=owner.summary, event_id=event.id)
    assert (pending.id, pending.can_approve, pending.buyer_email) == (request.id, True, buyer.email)

    # Two admins (or a double click) at once: one refund.
    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(
            pool.map(
                lambda _: _outcome(refund_requests.approve_refund_request, actor=owner.summary, request_id=request.id),
                range(2),
            )
        )
    assert sorted(outcomes) == ["approved", "refused"]
    with read_only() as session:
        refunds = session.exec(select(Refund).where(Refund.order_id == order.order_id)).all()
        statuses = {t.id: t.status for t in session.exec(select(Ticket).where(Ticket.order_id == order.order_id))}
        stored = session.get(RefundRequest, request.id)
    assert [(r.amount, r.kind, r.ticket_ids) for r in refunds] == [(250000, RefundKind.BUYER_REQUEST, [first])]
    assert statuses == {first: TicketStatus.REFUNDED, second: TicketStatus.VALID}
    assert stored.refund_id == refunds[0].id and stored.decided_by_id == owner.id
    assert "KES 2,500.00" in latest_email(buyer.email, "refund_request_approved").text_body
    assert _count(AuditLogEntry, action="refund_request.approve", target_id=order.order_id) == 1
    assert refund_requests.event_refund_requests(actor=owner.summary, event_id=event.id) == []
    with pytest.raises(Conflict, match="already been answered"):
        refund_requests.decline_refund_request(actor=owner.summary, request_id=request.id, reason="No")

    # The refunded ticket cannot be asked for again; the other one can.
    with pytest.raises(ValidationFailed):
        refund_requests.request_refund(actor=buyer.summary, order_id=order.order_id, ticket_ids=[first], reason="Ill")
    again = refund_requests.request_refund(
        actor=buyer.summary, order_id=order.order_id, ticket_ids=[second], reason="Ill"
    )
    assert again.amount == 250000  # every ticket left: everything left


def _outcome(fn, **kwargs) -> str:
    try:
        fn(**kwargs)
    except Conflict:
        return "refused"
    return "approved"


def test_declining_needs_a_reason_and_tells_the_buyer(concert):
    owner, ws, event, tier_id = concert
    moderator = make_user()
    add_member(ws.id, moderator, "moderator")
    buyer = make_user()
    order = _paid(buyer, event, tier_id)
    request = refund_requests.request_refund(
        actor=buyer.summary, order_id=order.order_id, ticket_ids=_ticket_ids(order.order_id), reason="Ill"
    )
    with pytest.raises(PermissionDenied):
        refund_requests.event_refund_requests(actor=moderator.summary, event_id=event.id)
    with pytest.raises(PermissionDenied):
        refund_requests.approve_refund_request(actor=moderator.summary, request_id=request.id)
    with pytest.raises(ValidationFailed) as blank:
        refund_requests.decline_refund_request(actor=owner.summary, request_id=request.id, reason="  ")
    assert blank.value.details[0].path == ("reason",)
    declined = refund_requests.decline_refund_request(
        actor=owner.summary, request_id=request.id, reason="Tickets can be transferred instead."
    )
    assert declined.status == "declined"
    assert "Tickets can be transferred instead." in latest_email(buyer.email, "refund_request_declined").text_body
    assert _count(Refund, order_id=order.order_id) == 0
    summary = _summary(buyer, order.order_id)
    assert summary.refund_request_label == "Refund request declined: Tickets can be transferred instead."
    assert summary.can_request_refund is True  # nothing waits any more; the policy still allows it
    with pytest.raises(Conflict, match="already been answered"):
        refund_requests.approve_refund_request(actor=owner.summary, request_id=request.id)


def test_a_fully_refunded_order_cannot_be_asked_about(concert):
    owner, _, event, tier_id = concert
    buyer = make_user()
    order = _paid(buyer, event, tier_id)
    request = refund_requests.request_refund(
        actor=buyer.summary, order_id=order.order_id, ticket_ids=_ticket_ids(order.order_id), reason="Ill"
    )
    refund_requests.approve_refund_request(actor=owner.summary, request_id=request.id)
    with read_only() as session:
        [refund] = session.exec(select(Refund).where(Refund.order_id == order.order_id)).all()
    assert refund.amount == order.amount  # every ticket: everything paid, the passed-on fee included
    with pytest.raises(Conflict, match="already been refunded"):
        refund_requests.refund_request_options(actor=buyer.summary, order_id=order.order_id)
    assert OPEN_REQUEST not in _summary(buyer, order.order_id).refund_note


def test_the_policy_shows_on_the_event_page_and_in_the_confirmation(concert):
    owner, ws, event, tier_id = concert
    public = discovery.get_public_event(event.short_id)
    assert public.refund_policy_in("en")[0].startswith("Refunds can be requested until the event starts (")
    assert public.refund_policy_in("en")[1] == "The platform fee is not refunded."
    # The page data is cached for every visitor: each reader's words are made from the policy's parts,
    # the organizer's own text as they wrote it.
    french = discovery.get_public_event(event.short_id).refund_policy_in("fr")
    assert french[0].startswith("Le remboursement peut être demandé jusqu'au début de l'événement (")
    assert french[1] == "The platform fee is not refunded."
    assert discovery.get_public_event(event.short_id).refund_policy_in("sw")[0].startswith("Unaweza kuomba")
    buyer = make_user()
    _paid(buyer, event, tier_id, 1)
    confirmation = latest_email(buyer.email, "order_confirmation")
    assert "Refund policy: Refunds can be requested until the event starts" in confirmation.text_body
    assert "The platform fee is not refunded." in confirmation.html_body
    free = make_event(owner, ws.id, publish=True)
    assert discovery.get_public_event(free.short_id).refund_policy_in("fr") == ()


def test_the_api_sets_the_policy_with_the_form_s_rules(concert):
    owner, _, event, _ = concert
    changed = lifecycle.set_refund_policy(actor=owner.summary, event_id=event.id, policy="days_before", days=3)
    assert (changed.refund_policy, changed.refund_days, changed.refund_policy_text) == ("days_before", 3, "")
    with pytest.raises(ValidationFailed) as bad:
        lifecycle.set_refund_policy(actor=owner.summary, event_id=event.id, policy="days_before", days=0)
    assert bad.value.details[0].path == ("refund_days",)
    with read_only() as session:
        assert session.get(Event, event.id).refund_days == 3
    with transaction() as session:
        session.get(Event, event.id).start_at = utcnow() + timedelta(days=2)
    buyer = make_user()
    tier_id = get_tiers(actor=owner.summary, event_id=event.id)[0].id
    order = _paid(buyer, event, tier_id, 1)
    assert "closed on" in _summary(buyer, order.order_id).refund_note


def test_approving_needs_the_admins_two_factor_sign_in(concert):
    """An approval is a refund: an admin whose session did not pass two-factor is refused, and the
    request stays pending for one who did (#20 §1)."""
    owner, ws, event, tier_id = concert
    password_only = make_user()
    add_member(ws.id, password_only, "admin")
    buyer = make_user()
    order = _paid(buyer, event, tier_id)
    request = refund_requests.request_refund(
        actor=buyer.summary, order_id=order.order_id, ticket_ids=_ticket_ids(order.order_id), reason="Ill"
    )

    with pytest.raises(SecondFactorRequired):
        refund_requests.approve_refund_request(actor=password_only.summary, request_id=request.id)
    with read_only() as session:
        assert session.get(RefundRequest, request.id).status == "pending"
        refunds = session.exec(select(func.count()).select_from(Refund).where(Refund.order_id == order.order_id))
        assert refunds.one() == 0
    assert refund_requests.approve_refund_request(actor=owner.summary, request_id=request.id).status == "approved"
