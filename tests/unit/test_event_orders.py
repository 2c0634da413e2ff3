"""Orders after checkout: the organizer's orders list per event with its totals, the buyer's held
order with its time left, and the tickets a buyer sees for an order."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from sqlmodel import select

from eventpalour.db import read_only, transaction
from eventpalour.integrations.paystack import VerifyResult
from eventpalour.models import Order, OrderStatus, Ticket, TicketTier
from eventpalour.models.types import utcnow
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.platform import event_schedule
from eventpalour.services.platform.errors import (
    Conflict,
    DomainError,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from eventpalour.services.sales import checkout, orders, payments
from eventpalour.services.sales import order_lists as event_orders
from eventpalour.services.tickets import buyer_event_view
from eventpalour.services.tickets import holdings as tickets
from tests.factories import (
    add_member,
    approve_kyc,
    latest_email,
    make_event,
    make_organizer,
    make_user,
    make_workspace,
)


@pytest.fixture
def concert():
    owner = make_organizer(two_factor=True)
    ws = make_workspace(owner)
    approve_kyc(ws.id)
    event = make_event(
        owner,
        ws.id,
        publish=True,
        pricing="paid",
        title="Sauti Sol Live",
        tiers=[TierInput(name="Regular", price=250000, quantity=40, max_per_order=5)],
    )
    tier_id = get_tiers(actor=owner.summary, event_id=event.id)[0].id
    return owner, ws, event, tier_id


def _paid(buyer, event, tier_id: str, n: int, fees: int = 9000):
    result = checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tier_id: n})
    payments.settle(result.reference, VerifyResult("success", result.amount, "KES", fees, None, result.reference, {}))
    return result


def test_organizers_see_every_order_with_totals_that_add_up(concert):
    owner, _, event, tier_id = concert
    alice, bob, carol = make_user(full_name="Alice Wanjiru"), make_user(), make_user()
    first = _paid(alice, event, tier_id, 2, fees=15000)
    second = _paid(bob, event, tier_id, 1, fees=7000)
    checkout.book_ticket(actor=carol.summary, event_id=event.id, quantities={tier_id: 3})  # awaiting payment

    page = event_orders.event_orders(actor=owner.summary, event_id=event.id)
    assert page.total == 3
    assert sorted(row.status for row in page.rows) == ["completed", "completed", "pending"]
    totals = page.totals
    assert (totals.paid_orders, totals.tickets) == (2, 3)
    # 3 × KES 2,500 absorbed: 5% platform fee, Paystack's reported fees, the rest is the organizer's.
    assert totals.gross == 750000
    assert totals.platform_fees == 37500
    assert totals.provider_fees == 22000
    assert totals.organizer_share == 750000 - 37500 - 22000

    paid_only = event_orders.event_orders(actor=owner.summary, event_id=event.id, status="paid")
    assert {row.reference for row in paid_only.rows} == {first.reference, second.reference}
    assert paid_only.total == 2
    awaiting = event_orders.event_orders(actor=owner.summary, event_id=event.id, status="awaiting")
    assert [row.buyer_email for row in awaiting.rows] == [carol.email]

    by_name = event_orders.event_orders(actor=owner.summary, event_id=event.id, search="wanjiru")
    assert [row.reference for row in by_name.rows] == [first.reference]
    by_reference = event_orders.event_orders(actor=owner.summary, event_id=event.id, search=first.reference.lower())
    assert [row.tickets for row in by_reference.rows] == [2]
    assert event_orders.event_orders(actor=owner.summary, event_id=event.id, search="nobody-like-this").total == 0


def test_orders_come_in_pages(concert, monkeypatch):
    owner, _, event, tier_id = concert
    monkeypatch.setattr(event_orders, "PAGE_SIZE", 2)
    for _ in range(5):
        checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={tier_id: 1})
    pages = [event_orders.event_orders(actor=owner.summary, event_id=event.id, page=n) for n in (1, 2, 3)]
    assert [len(p.rows) for p in pages] == [2, 2, 1]
    assert len({row.order_id for p in pages for row in p.rows}) == 5


@pytest.mark.parametrize("role, allowed", [("moderator", True), ("member", False)])
def test_only_moderators_and_above_see_orders(concert, role, allowed):
    _, ws, event, _ = concert
    person = make_user()
    add_member(ws.id, person, role)
    if allowed:
        assert event_orders.event_orders(actor=person.summary, event_id=event.id).total == 0
    else:
        with pytest.raises(PermissionDenied, match="moderator"):
            event_orders.event_orders(actor=person.summary, event_id=event.id)
    with pytest.raises(PermissionDenied):
        event_orders.event_orders(actor=make_user().summary, event_id=event.id)
    with pytest.raises(NotAuthenticated):
        event_orders.event_orders(actor=None, event_id=event.id)


def test_the_held_order_shows_until_it_is_paid_cancelled_or_expired(concert):
    _, _, event, tier_id = concert
    buyer = make_user()
    assert orders.open_order(actor=buyer.summary, event_short_id=event.short_id) is None
    result = checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tier_id: 3})
    held = orders.open_order(actor=buyer.summary, event_short_id=event.short_id)
    assert (held.reference, held.ticket_count, held.amount) == (result.reference, 3, 750000)
    assert buyer_event_view(actor=buyer.summary, event_short_id=event.short_id).hold == held  # the event page's read
    assert timedelta(minutes=14) < held.expires_at - utcnow() <= timedelta(minutes=15)
    assert orders.open_order(actor=make_user().summary, event_short_id=event.short_id) is None

    checkout.cancel_order(actor=buyer.summary, order_id=result.order_id)
    assert orders.open_order(actor=buyer.summary, event_short_id=event.short_id) is None
    assert buyer_event_view(actor=buyer.summary, event_short_id=event.short_id).hold is None

    again = checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tier_id: 1})
    with transaction() as session:
        session.get(Order, again.order_id).expires_at = utcnow() - timedelta(seconds=1)
    assert orders.open_order(actor=buyer.summary, event_short_id=event.short_id) is None
    # Its seats are still counted until the sweep releases them, but the page shows no hold.
    assert buyer_event_view(actor=buyer.summary, event_short_id=event.short_id).hold is None


def test_paying_for_an_expired_hold_is_refused_and_releases_the_seats_at_once(concert):
    _, _, event, tier_id = concert
    buyer = make_user()
    result = checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tier_id: 2})
    with transaction() as session:
        session.get(Order, result.order_id).expires_at = utcnow() - timedelta(seconds=1)
    with pytest.raises(Conflict, match="expired"):
        payments.start_payment(actor=buyer.summary, order_id=result.order_id)
    with read_only() as session:
        assert session.get(Order, result.order_id).status == "cancelled"
        assert session.get(TicketTier, tier_id).held == 0


def test_a_buyer_sees_their_orders_tickets_with_working_qr_codes(concert):
    _, _, event, tier_id = concert
    buyer = make_user()
    result = _paid(buyer, event, tier_id, 2)
    shown = tickets.order_tickets(actor=buyer.summary, reference=result.reference)
    assert [t.tier_name for t in shown] == ["Regular", "Regular"]
    for ticket in shown:
        svg = base64.b64decode(ticket.qr_data_uri.split(",", 1)[1])
        assert svg.startswith(b"<?xml") or svg.startswith(b"<svg")
    # A ticket that can no longer get in shows no code at all, so no stale QR is ever displayed.
    with transaction() as session:
        session.exec(select(Ticket).where(Ticket.short_code == shown[0].short_code)).one().status = "refunded"
    again = tickets.order_tickets(actor=buyer.summary, reference=result.reference)
    assert sorted(bool(t.qr_data_uri) for t in again) == [False, True]

    with pytest.raises(NotFound):
        tickets.order_tickets(actor=make_user().summary, reference=result.reference)
    with pytest.raises(NotAuthenticated):
        tickets.order_tickets(actor=None, reference=result.reference)


def test_a_free_registration_is_cancelled_not_refunded(concert):
    from eventpalour.services.sales import refunds

    owner, ws, _, _ = concert
    free = make_event(owner, ws.id, publish=True, title="Open rehearsal", tiers=[TierInput(name="Seat", quantity=4)])
    seat = get_tiers(actor=owner.summary, event_id=free.id)[0].id
    guest = make_user()
    registration = checkout.book_ticket(actor=guest.summary, event_id=free.id, quantities={seat: 2})
    moderator = make_user()
    add_member(ws.id, moderator, "moderator")
    with pytest.raises(PermissionDenied):
        refunds.cancel_free_order(actor=moderator.summary, order_id=registration.order_id, reason="Full")
    with pytest.raises(ValidationFailed):
        refunds.cancel_free_order(actor=owner.summary, order_id=registration.order_id, reason=" ")

    assert refunds.cancel_free_order(actor=owner.summary, order_id=registration.order_id, reason="Venue moved") == 2
    with read_only() as session:
        assert session.get(Order, registration.order_id).status == "cancelled"
        assert session.get(TicketTier, seat).sold == 0
        statuses = session.exec(select(Ticket.status).where(Ticket.order_id == registration.order_id)).all()
    assert statuses == ["cancelled", "cancelled"]
    assert latest_email(guest.email, "registration_cancelled") is not None
    with pytest.raises(Conflict, match="already cancelled"):
        refunds.cancel_free_order(actor=owner.summary, order_id=registration.order_id, reason="Again")


def test_each_order_row_says_what_its_organizers_may_do_with_it(concert):
    """The Orders tab shows Refund and Cancel by flags the service computes with the rules that
    enforce them, not by reading status words."""
    owner, ws, event, tier_id = concert
    paid = _paid(make_user(), event, tier_id, 1)
    mismatched = checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={tier_id: 1})
    payments.settle(mismatched.reference, VerifyResult("success", 100, "KES", 0, None, mismatched.reference, {}))
    free = make_event(
        owner, ws.id, publish=True, title="Free talk", tiers=[TierInput(name="Seat", price=0, quantity=5)]
    )
    seat = get_tiers(actor=owner.summary, event_id=free.id)[0].id
    checkout.book_ticket(actor=make_user().summary, event_id=free.id, quantities={seat: 1})

    rows = {row.reference: row for row in event_orders.event_orders(actor=owner.summary, event_id=event.id).rows}
    assert (rows[paid.reference].can_refund, rows[paid.reference].can_cancel) == (True, False)
    assert (rows[mismatched.reference].can_refund, rows[mismatched.reference].status) == (False, "refunded")
    assert rows[mismatched.reference].refund_label == "Payment mismatch, refund in progress"
    [registration] = event_orders.event_orders(actor=owner.summary, event_id=free.id).rows
    assert (registration.can_refund, registration.can_cancel) == (False, True)


def test_refund_and_cancel_flags_are_false_exactly_when_the_action_is_refused(concert):
    """For every order state (each status; paid with nothing, part or all of it refunded; free), the
    Orders tab's Refund flag is False exactly when process_refund refuses the order, and its Cancel
    flag exactly when cancel_free_order does: both come from one refusal function per action."""
    from eventpalour.services.sales import refunds

    owner, ws, event, tier_id = concert
    free = make_event(owner, ws.id, publish=True, title="Open day", tiers=[TierInput(name="Seat", quantity=40)])
    seat = get_tiers(actor=owner.summary, event_id=free.id)[0].id
    cases = {}
    for status in OrderStatus:
        for refunded in ("none", "part", "all"):
            order = _paid(make_user(), event, tier_id, 1)
            cases[order.order_id] = (status, refunded, order.amount)
        registration = checkout.book_ticket(actor=make_user().summary, event_id=free.id, quantities={seat: 1})
        cases[registration.order_id] = (status, "free", 0)
    with transaction() as session:
        for order_id, (status, refunded, amount) in cases.items():
            order = session.get(Order, order_id)
            order.status = status
            order.refunded_amount = {"part": amount // 2, "all": amount}.get(refunded, 0)

    flags = {
        row.order_id: (row.can_refund, row.can_cancel)
        for event_id in (event.id, free.id)
        for row in event_orders.event_orders(actor=owner.summary, event_id=event_id).rows
    }
    assert flags.keys() == cases.keys()

    def refused(action, order_id: str) -> bool:
        try:
            action(order_id)
        except DomainError:
            return True
        return False

    def refund(order_id: str) -> None:
        refunds.process_refund(actor=owner.summary, order_id=order_id, amount=None, ticket_ids=[], reason="Asked")

    def cancel(order_id: str) -> None:
        refunds.cancel_free_order(actor=owner.summary, order_id=order_id, reason="Asked")

    disagreements = [
        (status, refunded, action.__name__, flag)
        for order_id, (status, refunded, _) in cases.items()
        for action, flag in zip((refund, cancel), flags[order_id], strict=True)
        if flag == refused(action, order_id)
    ]
    assert disagreements == []
    # The table covers both answers of both flags.
    assert {f for f, _ in flags.values()} == {True, False} == {f for _, f in flags.values()}


async def test_the_event_page_and_the_orders_tab_show_the_same_gross_after_a_partial_refund():
    """One money figure per event: the management page's Gross badge and the Orders tab's Gross
    stat come from the same function, so a partial refund cannot make them disagree."""
    from eventpalour import routes
    from eventpalour.services.sales import refunds
    from eventpalour.state.event_orders import EventOrdersState
    from eventpalour.state.events import EventManageState
    from tests.state_support import run_handler, state_for

    owner = make_organizer(two_factor=True)
    ws = make_workspace(owner)
    approve_kyc(ws.id)
    tier = TierInput(name="Regular", price=250000, quantity=40, max_per_order=5)
    event = make_event(owner, ws.id, publish=True, pricing="paid", fee_mode="pass_on", tiers=[tier])
    tier_id = get_tiers(actor=owner.summary, event_id=event.id)[0].id
    _paid(make_user(), event, tier_id, 1, fees=7000)
    order = _paid(make_user(), event, tier_id, 2, fees=15000)
    with read_only() as session:
        ticket = session.exec(select(Ticket).where(Ticket.order_id == order.order_id)).first()
    refunds.process_refund(
        actor=owner.summary, order_id=order.order_id, amount=100000, ticket_ids=[ticket.id], reason="Cannot come"
    )

    page = state_for(EventManageState, token=owner.token, path=routes.event_manage_url(ws.id, event.short_id))
    await run_handler(page, "load_event")
    orders_tab = await page.get_state(EventOrdersState)
    await run_handler(orders_tab, "load_orders")
    assert page.event_money == orders_tab.order_totals
    assert orders_tab.order_totals.gross == "KES 7,875.00"
    assert orders_tab.order_totals.refunds == "KES 1,000.00"


def test_the_return_page_learns_when_where_and_who_of_the_order_s_event(concert):
    """`event_of_order`: the event's date in its own zone, its place ("Online" for an online event,
    never the link) and the organizer; each ticket of the order carries the calendar flag and id."""
    _, ws, event, tier_id = concert
    buyer = make_user()
    result = _paid(buyer, event, tier_id, 1)
    found = orders.event_of_order(result.reference)
    assert (found.short_id, found.title, found.organizer) == (event.short_id, "Sauti Sol Live", ws.name)
    assert found.place == "Arboretum, Nairobi, Kenya"
    assert found.schedule == event_schedule(event.start_at, event.end_at, "Africa/Nairobi")
    assert found.schedule.endswith("EAT")
    assert orders.event_of_order("EVT-NOSUCH") is None

    shown = tickets.order_tickets(actor=buyer.summary, reference=result.reference)
    assert [(t.has_calendar, bool(t.ticket_id)) for t in shown] == [(True, True)]
    with transaction() as session:  # a refunded ticket gets no invite
        session.exec(select(Ticket).where(Ticket.id == shown[0].ticket_id)).one().status = "refunded"
    assert [t.has_calendar for t in tickets.order_tickets(actor=buyer.summary, reference=result.reference)] == [False]


def test_an_online_event_s_order_says_online_and_keeps_its_link_private():
    owner = make_organizer()
    ws = make_workspace(owner)
    approve_kyc(ws.id)
    event = make_event(
        owner,
        ws.id,
        publish=True,
        pricing="paid",
        type="online",
        venue="",
        city="",
        online_link="https://zoom.us/j/123456",
        meeting_platform="zoom",
        tiers=[TierInput(name="Stream", price=50000, quantity=10)],
    )
    tier_id = get_tiers(actor=owner.summary, event_id=event.id)[0].id
    result = _paid(make_user(), event, tier_id, 1)
    assert orders.event_of_order(result.reference).place == "Online"


def test_bought_for_links_a_calendar_invite_only_for_a_ticket_that_has_one(concert):
    from eventpalour.state.checkout_return import bought_for

    _, _, event, tier_id = concert
    buyer = make_user()
    result = _paid(buyer, event, tier_id, 2)
    found = orders.event_of_order(result.reference)
    shown = tickets.order_tickets(actor=buyer.summary, reference=result.reference)
    facts = bought_for(found, shown)
    assert facts.calendar_url.endswith(f"/api/tickets/{shown[0].ticket_id}/calendar.ics")
    assert (facts.place, facts.organizer, facts.schedule) == (found.place, found.organizer, found.schedule)
    assert bought_for(found, []).calendar_url == ""  # signed out: no ticket, no invite
