"""Refunds through the Paystack sandbox over real HTTP (SPEC §5): partial refunds that void the
chosen tickets, no over-refund even when refunds race, `refund.*` webhooks applied once, a failed
refund that makes the tickets valid again, and an event cancellation that refunds every order."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest
from sqlmodel import func, select

from eventpalour.db import read_only, transaction
from eventpalour.integrations import paystack
from eventpalour.models import Order, OutboxEmail, Refund, SandboxPaystackRefund, Ticket, TicketTier
from eventpalour.models.types import utcnow
from eventpalour.services.events import lifecycle as events
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.platform.errors import Conflict, PermissionDenied, ValidationFailed
from eventpalour.services.sales import checkout, payments, paystack_refunds, refunds
from tests.factories import add_member, approve_kyc, make_event, make_organizer, make_user, make_workspace


@pytest.fixture
def shop(api_url: str):
    owner = make_organizer(two_factor=True)
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

    assert paystack_refunds.submit_due() == 1
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
    moderator, admin = make_user(), make_user(two_factor=True)
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
    assert paystack_refunds.submit_due() == 1
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
    assert paystack_refunds.submit_due(limit=10) == 10
    sandbox.put("/_test/controls", json={"fail_refunds": False})
    while paystack_refunds.submit_due(limit=50):
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


def _replay(api_url: str, body: dict | str) -> httpx.Response:
    """Deliver a webhook body again, signed, as Paystack does when it retries or resends one."""
    raw = (body if isinstance(body, str) else json.dumps(body, separators=(",", ":"))).encode()
    return httpx.post(
        api_url + paystack.WEBHOOK_PATH,
        content=raw,
        headers={"content-type": "application/json", "x-paystack-signature": paystack.webhook_signature(raw)},
        timeout=30,
    )


def _sandbox_webhooks(sandbox: httpx.Client, reference: str) -> list[dict]:
    answer = sandbox.get("/_test/webhooks", params={"reference": reference})
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]


def test_a_replayed_webhook_of_an_earlier_refund_never_moves_a_queued_one(sandbox, shop, api_url):
    """Two refunds of the same amount on one order: Paystack's `refund.*` summaries carry the
    transaction reference and the amount only, so they cannot tell the two apart. A re-sent
    `refund.pending` of the first must leave the second `queued` (it was never sent), and the
    second must still be sent and finish."""
    owner, _, event, tier_id = shop
    order = paid_order(sandbox, event, tier_id)
    first_ticket, second_ticket = _tickets(order.id)
    first = refunds.process_refund(
        actor=owner.summary, order_id=order.id, amount=200000, ticket_ids=[first_ticket.id], reason="Sick"
    )
    assert paystack_refunds.submit_due() == 1
    second = refunds.process_refund(
        actor=owner.summary, order_id=order.id, amount=200000, ticket_ids=[second_ticket.id], reason="Also sick"
    )
    first_pending = next(
        hook["body"] for hook in _sandbox_webhooks(sandbox, order.reference) if hook["event"] == "refund.pending"
    )

    assert _replay(api_url, first_pending).status_code == 200
    assert (_refund(first.id).status, _refund(second.id).status) == ("pending", "queued")

    advance(sandbox, _refund(first.id), "processed")
    assert (_refund(first.id).status, _refund(second.id).status) == ("processed", "queued")
    # Paystack re-sends the first refund's old `refund.pending` once more: the only open refund
    # with this reference and amount is the queued one, and it must stay queued.
    assert _replay(api_url, first_pending).status_code == 200
    assert _refund(second.id).status == "queued" and _refund(second.id).provider_refund_id is None

    assert paystack_refunds.submit_due() == 1
    sent = _refund(second.id)
    assert sent.status == "pending" and sent.provider_refund_id not in (None, _refund(first.id).provider_refund_id)
    advance(sandbox, sent, "processed")  # its `refund.processed` names the same reference and amount
    assert (_refund(first.id).status, _refund(second.id).status) == ("processed", "processed")
    assert _order(order.id).status == "refunded"
    assert _sold(tier_id) == 0
    assert _emails("refund_processed") == 2


def test_a_webhook_with_a_refund_id_moves_that_refund_only(sandbox, shop, api_url):
    """`refund.needs-attention` carries Paystack's refund `id` (a string): that names the refund,
    even without the amount the other summaries are matched by."""
    owner, _, event, tier_id = shop
    order = paid_order(sandbox, event, tier_id)
    sandbox.put("/_test/controls", json={"webhook_enabled": False})  # only the webhook below reaches the app
    first = refunds.process_refund(actor=owner.summary, order_id=order.id, amount=150000, ticket_ids=[], reason="A")
    second = refunds.process_refund(actor=owner.summary, order_id=order.id, amount=150000, ticket_ids=[], reason="B")
    assert paystack_refunds.submit_due() == 2
    target = _refund(second.id)
    advance(sandbox, target, "processing")
    hook = {
        "event": "refund.needs-attention",
        "data": {
            "id": str(target.provider_refund_id),
            "status": "needs-attention",
            "transaction_reference": order.reference,
            "currency": "KES",
            "customer_note": "Refund for transaction " + order.reference,
        },
    }
    answer = _replay(api_url, hook)
    assert answer.status_code == 200 and answer.json()["outcome"] == "processing"  # as Paystack has it now
    assert (_refund(first.id).status, _refund(second.id).status) == ("pending", "processing")


def _stale(refund_id: str, **values: object) -> None:
    """As if the refund had not changed for longer than the background check waits."""
    with transaction() as session:
        row = session.get(Refund, refund_id)
        row.updated_at = utcnow() - paystack_refunds.RECHECK_AFTER - timedelta(minutes=1)
        for name, value in values.items():
            setattr(row, name, value)


def test_housekeeping_finalizes_a_stale_pending_refund_whose_webhooks_were_lost(sandbox, shop):
    owner, _, event, tier_id = shop
    order = paid_order(sandbox, event, tier_id)
    refund = refunds.process_refund(actor=owner.summary, order_id=order.id, amount=None, ticket_ids=[], reason="X")
    sandbox.put("/_test/controls", json={"webhook_enabled": False})
    assert paystack_refunds.submit_due() == 1
    advance(sandbox, _refund(refund.id), "processed")  # Paystack is done; we were never told
    assert _refund(refund.id).status == "pending"

    assert paystack_refunds.recheck_open() == 0  # pending for moments only: not asked about yet
    _stale(refund.id)
    assert paystack_refunds.recheck_open() == 1
    assert _refund(refund.id).status == "processed" and _order(order.id).status == "refunded"


def test_housekeeping_sends_a_refund_left_pending_without_a_paystack_id(sandbox, shop):
    """A refund a webhook once moved to `pending` before it was ever sent (the old matching did):
    housekeeping puts it back in the queue, so it is sent and finishes instead of waiting forever."""
    owner, _, event, tier_id = shop
    order = paid_order(sandbox, event, tier_id)
    [one, _] = _tickets(order.id)
    refund = refunds.process_refund(
        actor=owner.summary, order_id=order.id, amount=200000, ticket_ids=[one.id], reason="X"
    )
    _stale(refund.id, status="pending")
    assert paystack_refunds.submit_due() == 0  # not queued any more, so never sent

    assert paystack_refunds.recheck_open() == 1
    assert _refund(refund.id).status == "queued"
    assert paystack_refunds.submit_due() == 1
    advance(sandbox, _refund(refund.id), "processed")
    assert _refund(refund.id).status == "processed"
    assert (_order(order.id).status, _sold(tier_id)) == ("partially_refunded", 1)


def test_a_refund_webhook_paystack_cannot_confirm_is_refused_so_paystack_retries(sandbox, shop, monkeypatch):
    owner, _, event, tier_id = shop
    order = paid_order(sandbox, event, tier_id)
    refund = refunds.process_refund(actor=owner.summary, order_id=order.id, amount=None, ticket_ids=[], reason="X")
    assert paystack_refunds.submit_due() == 1
    monkeypatch.setattr(paystack, "TIMEOUT", httpx.Timeout(0.5, connect=0.5))
    sandbox.put("/_test/controls", json={"hang_seconds": 2})  # GET /refund/:id times out

    moved = sandbox.post(
        f"/_test/refunds/{_refund(refund.id).provider_refund_id}/advance",
        json={"status": "processed", "wait_for_webhook": True},
    )
    assert moved.json()["webhook"]["status_code"] == 503
    assert _refund(refund.id).status == "pending"

    sandbox.put("/_test/controls", json={"hang_seconds": 0})
    again = sandbox.post(f"/_test/transactions/{order.reference}/resend-webhook")
    assert again.json()["data"]["status_code"] == 200
    assert _refund(refund.id).status == "processed" and _order(order.id).status == "refunded"
