"""Paying through the Paystack sandbox over real HTTP: fulfilment exactly once, webhooks, late
payments, reconciliation, and a provider that is down (SPEC §5)."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest
from sqlmodel import col, func, select

from eventpalour.db import read_only, transaction
from eventpalour.integrations import paystack
from eventpalour.models import Order, OutboxEmail, PaymentWebhook, Ticket, TicketTier
from eventpalour.models.types import utcnow
from eventpalour.services import checkout, payment_webhooks, payments
from eventpalour.services.errors import PaymentUnavailable
from eventpalour.services.event_rules import TierInput
from eventpalour.services.tiers import get_tiers
from tests.factories import approve_kyc, make_event, make_organizer, make_user, make_workspace


@pytest.fixture
def paid_tier(api_url: str):
    owner = make_organizer()
    ws = make_workspace(owner)
    approve_kyc(ws.id)
    event = make_event(
        owner,
        ws.id,
        publish=True,
        pricing="paid",
        tiers=[TierInput(name="VIP", price=250000, quantity=3, max_per_order=3)],
    )
    return event, get_tiers(actor=owner.summary, event_id=event.id)[0].id


def _order_for(buyer, event, tier_id, n=2):
    result = checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tier_id: n})
    url = payments.start_payment(actor=buyer.summary, order_id=result.order_id)
    return result, url


def _state(order_id: str) -> tuple[str, int, int]:
    with read_only() as session:
        order = session.get(Order, order_id)
        tickets = session.exec(select(func.count()).select_from(Ticket).where(Ticket.order_id == order_id)).one()
        emails = session.exec(
            select(func.count()).select_from(OutboxEmail).where(OutboxEmail.kind == "order_confirmation")
        ).one()
    return order.status, tickets, emails


def _tier(tier_id: str) -> TicketTier:
    with read_only() as session:
        return session.get(TicketTier, tier_id)


def test_pay_in_sandbox_webhook_fulfils(sandbox, paid_tier):
    event, tier_id = paid_tier
    buyer = make_user()
    result, url = _order_for(buyer, event, tier_id)
    assert url.startswith(paystack.sandbox_base_url() + "/checkout/")
    hook = sandbox.post(f"/_test/transactions/{result.reference}/pay", json={"wait_for_webhook": True})
    assert hook.status_code == 200, hook.text
    assert _state(result.order_id) == ("completed", 2, 1)
    assert (_tier(tier_id).sold, _tier(tier_id).held) == (2, 0)
    with read_only() as session:
        order = session.get(Order, result.order_id)
    assert order.provider_fee > 0 and order.organizer_share == order.amount - order.platform_fee - order.provider_fee


def test_webhooks_and_callbacks_racing_fulfil_exactly_once(sandbox, paid_tier):
    event, tier_id = paid_tier
    result, _ = _order_for(make_user(), event, tier_id)
    sandbox.put("/_test/controls", json={"webhook_enabled": False})
    assert sandbox.post(f"/_test/transactions/{result.reference}/pay").status_code == 200
    sandbox.put("/_test/controls", json={"webhook_enabled": True})

    def webhook(_: int) -> int:
        return sandbox.post(f"/_test/transactions/{result.reference}/resend-webhook").status_code

    def callback(_: int) -> str:
        return payments.verify_payment(result.reference).status

    with ThreadPoolExecutor(max_workers=8) as pool:
        hooks = list(pool.map(webhook, range(10)))
        returns = list(pool.map(callback, range(3)))
    assert all(code == 200 for code in hooks) and set(returns) == {"completed"}
    assert _state(result.order_id) == ("completed", 2, 1)
    assert _tier(tier_id).sold == 2


def test_bad_signature_is_401_and_writes_nothing(http: httpx.Client, paid_tier):
    body = json.dumps({"event": "charge.success", "data": {"reference": "EVT-NOPE"}}).encode()
    for headers in (
        {},
        {"x-paystack-signature": "0" * 128},
        {"x-paystack-signature": paystack.webhook_signature(body + b" ")},
    ):
        response = http.post(
            "/api/payments/webhook/paystack", content=body, headers={"content-type": "application/json", **headers}
        )
        assert response.status_code == 401 and response.json() == {"error": "Invalid signature."}
    with read_only() as session:
        assert session.exec(select(PaymentWebhook)).all() == []


def test_amount_mismatch_flags_the_order(paid_tier, api_url):
    event, tier_id = paid_tier
    result, _ = _order_for(make_user(), event, tier_id)
    forged = paystack.VerifyResult(
        status="success", amount=100, currency="KES", fees=0, paid_at=None, reference=result.reference, raw={}
    )
    assert payments.settle(result.reference, forged).status == "flagged"
    with read_only() as session:
        order = session.get(Order, result.order_id)
    assert order.status == "processing" and "expected" in order.flagged_reason
    assert _state(result.order_id)[1] == 0


def _expire(order_id: str) -> None:
    with transaction() as session:
        session.get(Order, order_id).expires_at = utcnow() - timedelta(seconds=1)
    assert checkout.expire_holds() == 1


def test_late_payment_with_seats_left_issues_tickets(sandbox, paid_tier):
    event, tier_id = paid_tier
    result, _ = _order_for(make_user(), event, tier_id)
    _expire(result.order_id)
    sandbox.post(f"/_test/transactions/{result.reference}/pay", json={"wait_for_webhook": True})
    assert _state(result.order_id)[:2] == ("completed", 2)
    assert (_tier(tier_id).sold, _tier(tier_id).held) == (2, 0)


def test_late_payment_after_sell_out_is_refunded(sandbox, paid_tier):
    event, tier_id = paid_tier
    late, _ = _order_for(make_user(), event, tier_id, n=2)
    _expire(late.order_id)
    checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={tier_id: 3})
    sandbox.post(f"/_test/transactions/{late.reference}/pay", json={"wait_for_webhook": True})
    with read_only() as session:
        order = session.get(Order, late.order_id)
        refund_emails = session.exec(select(OutboxEmail).where(OutboxEmail.kind == "late_payment_refund")).all()
    assert order.status == "refunded" and len(refund_emails) == 1
    assert _state(late.order_id)[1] == 0 and _tier(tier_id).held == 3


def _quiet_for(order_id: str, how_long: timedelta) -> None:
    """As if nothing had happened to the order for `how_long`."""
    with transaction() as session:
        order = session.get(Order, order_id)
        order.updated_at = utcnow() - how_long
        session.add(order)


def test_reconciliation_settles_a_payment_whose_webhook_never_came(sandbox, paid_tier):
    event, tier_id = paid_tier
    result, _ = _order_for(make_user(), event, tier_id)
    sandbox.put("/_test/controls", json={"webhook_enabled": False})
    sandbox.post(f"/_test/transactions/{result.reference}/pay")
    assert _state(result.order_id)[0] == "processing"
    # A payment made a moment ago is left to its webhook (it may be seconds away) ...
    assert payments.reconcile_pending() == 0
    assert _state(result.order_id)[0] == "processing"
    # ... and asked about once the order has been quiet for a while.
    _quiet_for(result.order_id, payments.RECONCILE_AFTER + timedelta(seconds=1))
    assert payments.reconcile_pending() == 1
    assert _state(result.order_id)[:2] == ("completed", 2)


def test_reconciliation_works_through_every_quiet_order_not_the_same_oldest_ones(sandbox, paid_tier):
    """An order its buyer abandoned on Paystack's page stays unpaid: it must not keep a paid order
    whose webhook was lost waiting behind it (each pass takes `limit` orders)."""
    event, tier_id = paid_tier
    abandoned, _ = _order_for(make_user(), event, tier_id, n=1)
    paid, _ = _order_for(make_user(), event, tier_id, n=1)
    _quiet_for(abandoned.order_id, timedelta(minutes=10))
    _quiet_for(paid.order_id, timedelta(minutes=5))
    sandbox.put("/_test/controls", json={"webhook_enabled": False})
    sandbox.post(f"/_test/transactions/{paid.reference}/pay")
    _quiet_for(paid.order_id, timedelta(minutes=5))

    assert payments.reconcile_pending(limit=1) == 0  # the oldest: still unpaid at Paystack
    assert payments.reconcile_pending(limit=1) == 1  # then the next one, not the oldest again
    assert _state(paid.order_id)[:2] == ("completed", 1)
    assert _state(abandoned.order_id)[0] == "processing"
    assert payments.reconcile_pending(limit=1) == 0  # the abandoned one is only asked about again later


def test_provider_down_releases_the_hold(sandbox, paid_tier):
    event, tier_id = paid_tier
    buyer = make_user()
    sandbox.put("/_test/controls", json={"fail_initialize": True})
    result = checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tier_id: 2})
    with pytest.raises(PaymentUnavailable, match="released"):
        payments.start_payment(actor=buyer.summary, order_id=result.order_id)
    assert _state(result.order_id)[0] == "failed"
    assert _tier(tier_id).held == 0


def _deliveries(reference: str) -> list[PaymentWebhook]:
    with read_only() as session:
        return list(
            session.exec(
                select(PaymentWebhook)
                .where(PaymentWebhook.reference == reference)
                .order_by(col(PaymentWebhook.received_at))
            )
        )


def _resend(sandbox: httpx.Client, reference: str) -> int | None:
    """Paystack delivers the transaction's webhook again; returns the HTTP status our route answered."""
    answer = sandbox.post(f"/_test/transactions/{reference}/resend-webhook")
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]["status_code"]


@pytest.fixture
def short_paystack_timeout(monkeypatch):
    """Paystack's client gives up after half a second, so a hanging sandbox times out quickly."""
    monkeypatch.setattr(paystack, "TIMEOUT", httpx.Timeout(0.5, connect=0.5))


@pytest.mark.parametrize("trouble", [{"hang_seconds": 2}, {"fail_verify": True}], ids=["verify-hangs", "verify-fails"])
def test_a_webhook_paystack_cannot_confirm_is_refused_so_paystack_retries(
    sandbox, paid_tier, short_paystack_timeout, trouble
):
    """Paystack retries a webhook only when our answer is not a 2xx: a `charge.success` we could not
    verify must not be acknowledged, or the payment waits on reconciliation alone."""
    event, tier_id = paid_tier
    result, _ = _order_for(make_user(), event, tier_id)
    sandbox.put("/_test/controls", json={"webhook_enabled": False})
    sandbox.post(f"/_test/transactions/{result.reference}/pay")
    sandbox.put("/_test/controls", json=trouble)

    assert _resend(sandbox, result.reference) == 503
    assert _state(result.order_id) == ("processing", 0, 0)
    assert [d.outcome for d in _deliveries(result.reference)] == ["unconfirmed"]

    sandbox.put("/_test/controls", json={"hang_seconds": 0, "fail_verify": False})
    assert _resend(sandbox, result.reference) == 200  # Paystack's retry
    assert _state(result.order_id) == ("completed", 2, 1)
    # More retries and replays after the success: acknowledged, and nothing happens twice.
    assert [_resend(sandbox, result.reference) for _ in range(2)] == [200, 200]
    assert _state(result.order_id) == ("completed", 2, 1)
    assert [d.outcome for d in _deliveries(result.reference)] == ["unconfirmed", "completed", "completed", "completed"]
    assert _tier(tier_id).sold == 2


def test_housekeeping_rechecks_a_payment_paystack_could_not_confirm(sandbox, paid_tier):
    """The webhook was refused (Paystack down), the hold ran out meanwhile and Paystack stopped
    retrying: reconciliation no longer looks at a cancelled order, so housekeeping re-verifies
    every delivery it could not confirm, and the payment still gets its tickets."""
    event, tier_id = paid_tier
    result, _ = _order_for(make_user(), event, tier_id)
    sandbox.put("/_test/controls", json={"webhook_enabled": False})
    sandbox.post(f"/_test/transactions/{result.reference}/pay")
    sandbox.put("/_test/controls", json={"fail_verify": True})
    assert _resend(sandbox, result.reference) == 503
    _expire(result.order_id)
    sandbox.put("/_test/controls", json={"fail_verify": False})
    assert payments.reconcile_pending(quiet_for=timedelta(0)) == 0  # a cancelled order is not reconciled

    assert payment_webhooks.recheck_unconfirmed() == 0  # refused a moment ago: Paystack retries first
    with transaction() as session:
        for delivery in session.exec(select(PaymentWebhook).where(PaymentWebhook.reference == result.reference)):
            delivery.received_at = utcnow() - payment_webhooks.RECHECK_AFTER - timedelta(seconds=1)
    assert payment_webhooks.recheck_unconfirmed() == 1
    assert _state(result.order_id) == ("completed", 2, 1)
    assert [d.outcome for d in _deliveries(result.reference)] == ["completed"]
    assert payment_webhooks.recheck_unconfirmed() == 0
