"""Refunds through the Paystack sandbox over real HTTP (SPEC §5): partial refunds that void the
chosen tickets, no over-refund even when refunds race, `refund.*` webhooks applied once, a failed
refund that makes the tickets valid again, and an event cancellation that refunds every order."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlmodel import func, select

from eventpalour.db import read_only
from eventpalour.models import Order, OutboxEmail, Refund, SandboxPaystackRefund, Ticket, TicketTier
from eventpalour.services import checkout, events, payments, refunds
from eventpalour.services.errors import Conflict, PermissionDenied, ValidationFailed
from eventpalour.services.event_rules import TierInput
from eventpalour.services.tiers import get_tiers
from tests.factories import add_member, approve_kyc, make_event, make_organizer, make_user, make_workspace


@pytest.fixture
def shop(api_url: str):
    owner = make_organizer()
    ws = make_workspace(owner)
    approve_kyc(ws.id)
    event = make_event(
        owner,
        ws.id,
        publish=True,
        pricing="paid",
        title="Blankets and Wine",
        tiers=[TierInput(name="Regular", price=200000, quantity=400, max_per_order=4)],
    )
    return owner, ws, event, get_tiers(actor=owner.summary, event_id=event.id)[0].id


def paid_order(sandbox: httpx.Client, event, tier_id: str, n: int = 2) -> Order:
    buyer = make_user()
    result = checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tier_id: n})
    payments.start_payment(actor=buyer.summary, order_id=result.order_id)
    paid = sandbox.post(f"/_test/transactions/{result.reference}/pay", json={"wait_for_webhook": True})
    assert paid.status_code == 200, paid.text
    return _order(result.order_id)


def _order(order_id: str) -> Order:
    with read_only() as session:
        return session.get(Order, order_id)


def _tickets(order_id: str) -> list[Ticket]:
    with read_only() as session:
        return list(session.exec(select(Ticket).where(Ticket.order_id == order_id).order_by(Ticket.short_code)))


def _refund(refund_id: str) -> Refund:
    with read_only() as session:
        return session.get(Refund, refund_id)


def _sold(tier_id: str) -> int:
    with read_only() as session:
        return session.get(TicketTier, tier_id).sold


def _emails(kind: str) -> int:
    with read_only() as session:
        return session.exec(select(func.count()).select_from(OutboxEmail).where(OutboxEmail.kind == kind)).one()


def advance(sandbox: httpx.Client, refund: Refund, status: str) -> None:
    moved = sandbox.post(
        f"/_test/refunds/{refund.provider_refund_id}/advance", json={"status": status, "wait_for_webhook": True}
    )
    assert moved.status_code == 200, moved.text


def test_partial_refund_voids_the_chosen_ticket_and_completes_by_webhook(sandbox, shop):
    owner, _, event, tier_id = shop
    order = paid_order(sandbox, event, tier_id)
    first, second = _tickets(order.id)
    refund = refunds.process_refund(
        actor=owner.summary, order_id=order.id, amount=100000, ticket_ids=[first.id], reason="Could not attend"
    )
    assert refund.status == "queued"
    assert [t.status for t in _tickets(order.id)] == ["refunded", "valid"]  # stops scanning at once
    assert _order(order.id).refunded_amount == 100000
    assert _sold(tier_id) == 2  # the seat returns only once the money has gone back

    assert refunds.submit_due() == 1
    sent = _refund(refund.id)
    assert sent.status == "pending" and sent.provider_refund_id is not None

    advance(sandbox, sent, "processing")
    assert _refund(refund.id).status == "processing"
    advance(sandbox, sent, "processed")
    assert _refund(refund.id).status == "processed"
    assert _order(order.id).status == "partially_refunded"
    assert _sold(tier_id) == 1
    assert _emails("refund_processed") == 1

    # The same webhook again (Paystack retries) changes nothing.
    again = sandbox.post(f"/_test/transactions/{order.reference}/resend-webhook")
    assert again.status_code == 200
    assert (_sold(tier_id), _emails("refund_processed")) == (1, 1)

    options = refunds.refund_options(actor=owner.summary, order_id=order.id)
    assert options.refundable == order.amount - 100000
    with pytest.raises(ValidationFailed, match="At most KES 3,000.00"):
        refunds.process_refund(
            actor=owner.summary, order_id=order.id, amount=order.amount, ticket_ids=[], reason="Too much"
        )


def test_two_refunds_racing_cannot_refund_more_than_was_paid(sandbox, shop):
    owner, _, event, tier_id = shop
    order = paid_order(sandbox, event, tier_id)
    sixty_percent = order.amount * 6 // 10

    def refund(_: int) -> str:
        try:
            refunds.process_refund(
                actor=owner.summary, order_id=order.id, amount=sixty_percent, ticket_ids=[], reason="Goodwill"
            )
        except (Conflict, ValidationFailed):
            return "refused"
        return "queued"

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(refund, range(6)))
    assert sorted(outcomes) == ["queued"] + ["refused"] * 5
    assert _order(order.id).refunded_amount == sixty_percent


def test_refunds_are_for_admins_of_paid_orders_only(sandbox, shop, api_url):
    owner, ws, event, tier_id = shop
    order = paid_order(sandbox, event, tier_id, n=1)
    moderator, admin = make_user(), make_user()
    add_member(ws.id, moderator, "moderator")
    add_member(ws.id, admin, "admin")
    with pytest.raises(PermissionDenied, match="admin"):
        refunds.process_refund(actor=moderator.summary, order_id=order.id, amount=None, ticket_ids=[], reason="x")
    with pytest.raises(ValidationFailed, match="Say why"):
        refunds.process_refund(actor=admin.summary, order_id=order.id, amount=None, ticket_ids=[], reason=" ")
    assert _order(order.id).refunded_amount == 0
    refunds.process_refund(actor=admin.summary, order_id=order.id, amount=None, ticket_ids=[], reason="Asked")
    assert _order(order.id).refunded_amount == order.amount

    free = make_event(
        owner, ws.id, publish=True, title="Free talk", tiers=[TierInput(name="Seat", price=0, quantity=5)]
    )
    seat = get_tiers(actor=owner.summary, event_id=free.id)[0].id
    registration = checkout.book_ticket(actor=make_user().summary, event_id=free.id, quantities={seat: 1})
    with pytest.raises(Conflict, match="Free orders cannot be refunded"):
        refunds.process_refund(
            actor=owner.summary, order_id=registration.order_id, amount=None, ticket_ids=[], reason="x"
        )


def test_a_failed_refund_leaves_the_tickets_valid_and_tells_the_organizer(sandbox, shop):
    owner, _, event, tier_id = shop
    order = paid_order(sandbox, event, tier_id)
    tickets = _tickets(order.id)
    sandbox.put("/_test/controls", json={"fail_refunds": True})
    refund = refunds.process_refund(
        actor=owner.summary, order_id=order.id, amount=None, ticket_ids=[t.id for t in tickets], reason="Duplicate"
    )
    assert refunds.submit_due() == 1
    advance(sandbox, _refund(refund.id), "processed")  # the sandbox fails it instead

    failed = _refund(refund.id)
    assert failed.status == "failed"
    assert [t.status for t in _tickets(order.id)] == ["valid", "valid"]
    assert _order(order.id).refunded_amount == 0 and _order(order.id).status == "completed"
    assert _sold(tier_id) == 2
    assert _emails("refund_failed") == 1


def test_cancelling_an_event_refunds_every_paid_order_once(sandbox, shop):
    owner, _, event, tier_id = shop
    # Buyers pay, and refunds move, eight at a time: the suite has a time budget.
    with ThreadPoolExecutor(max_workers=8) as pool:
        orders = list(pool.map(lambda i: paid_order(sandbox, event, tier_id, n=1 + i % 3), range(100)))

    events.change_status(actor=owner.summary, event_id=event.id, action="cancel")
    with read_only() as session:
        assert session.exec(select(func.count()).select_from(Refund)).one() == 100
        assert session.exec(select(func.count()).select_from(Ticket).where(Ticket.status == "valid")).one() == 0
    progress = refunds.event_refund_progress(actor=owner.summary, event_id=event.id)
    assert (progress.total, progress.in_flight) == (100, 100)

    # Paystack refuses some: the first ten are created while the sandbox fails refunds.
    sandbox.put("/_test/controls", json={"fail_refunds": True})
    assert refunds.submit_due(limit=10) == 10
    sandbox.put("/_test/controls", json={"fail_refunds": False})
    while refunds.submit_due(limit=50):
        pass
    with read_only() as session:
        sent = session.exec(select(Refund)).all()
    assert all(r.provider_refund_id is not None for r in sent)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda refund: advance(sandbox, refund, "processed"), sent))

    progress = refunds.event_refund_progress(actor=owner.summary, event_id=event.id)
    assert (progress.processed, progress.failed, progress.in_flight) == (90, 10, 0)
    with read_only() as session:
        for order in orders:
            mine = session.exec(select(Refund).where(Refund.order_id == order.id)).all()
            assert len(mine) == 1  # none twice
            at_paystack = session.exec(
                select(func.coalesce(func.sum(SandboxPaystackRefund.amount), 0)).where(
                    SandboxPaystackRefund.transaction_reference == order.reference,
                    SandboxPaystackRefund.status == "processed",
                )
            ).one()
            now = session.get(Order, order.id)
            if mine[0].status == "processed":
                assert (now.status, at_paystack) == ("refunded", order.amount)
            else:  # visibly failed: the organizer was told and can refund again
                assert (now.status, now.refunded_amount, at_paystack) == ("completed", 0, 0)
    assert _emails("refund_failed") == 10
    assert _emails("event_cancelled") == 100
