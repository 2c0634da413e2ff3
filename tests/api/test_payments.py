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
from eventpalour.models import Order, OutboxEmail, PaymentWebhook, Refund, Ticket, TicketTier
from eventpalour.models.types import utcnow
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.finance import revenue
from eventpalour.services.platform.errors import PaymentUnavailable
from eventpalour.services.sales import checkout, payment_webhooks, payments, paystack_refunds, refunds
from eventpalour.services.sales import order_lists as event_orders
from tests.factories import approve_kyc, make_admin, make_event, make_organizer, make_user, make_workspace


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


def test_the_outcome_says_whether_tickets_were_issued_or_payment_is_awaited(sandbox, paid_tier):
    """The return page renders these flags instead of comparing the outcome's status words."""
    event, tier_id = paid_tier
    result, _ = _order_for(make_user(), event, tier_id)
    sandbox.put("/_test/controls", json={"webhook_enabled": False})
    waiting = payments.verify_payment(result.reference)
    assert (waiting.status, waiting.is_waiting, waiting.has_tickets) == ("pending", True, False)
    assert sandbox.post(f"/_test/transactions/{result.reference}/pay").status_code == 200
    paid = payments.verify_payment(result.reference)
    assert (paid.status, paid.is_waiting, paid.has_tickets) == ("completed", False, True)
    failed = payments.PaymentOutcome(result.order_id, "failed", "The payment did not go through.")
    assert (failed.is_waiting, failed.has_tickets) == (False, False)


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


@pytest.fixture
def shop(api_url: str):
    """A paid event (VIP at KES 2,500.00), its owner and a finance admin."""
    owner = make_organizer()
    ws = make_workspace(owner)
    approve_kyc(ws.id)
    event = make_event(
        owner, ws.id, publish=True, pricing="paid", tiers=[TierInput(name="VIP", price=250000, quantity=3)]
    )
    return owner, event, get_tiers(actor=owner.summary, event_id=event.id)[0].id, make_admin("finance")


def _refunds_of(order_id: str) -> list[Refund]:
    with read_only() as session:
        return list(session.exec(select(Refund).where(Refund.order_id == order_id)))


def _emails_to(address: str, kind: str) -> list[OutboxEmail]:
    with read_only() as session:
        return list(session.exec(select(OutboxEmail).where(OutboxEmail.to_email == address, OutboxEmail.kind == kind)))


@pytest.mark.parametrize(
    ("charged", "money"),
    [
        ({"amount": 100000}, "KES 1,000.00"),
        ({"amount": 600000}, "KES 6,000.00"),
        ({"currency": "USD"}, "USD 5,000.00"),
    ],
    ids=["underpaid", "overpaid", "wrong-currency"],
)
def test_a_payment_that_does_not_match_its_order_is_refunded_in_full_and_shown(sandbox, shop, charged, money, caplog):
    """Paystack charged something other than the order's total: no tickets, the seats come back,
    everything received goes back through Paystack, the buyer is emailed, and the organizer and
    finance see "Payment mismatch, refunded". Nothing asks Paystack about it again."""
    owner, event, tier_id, finance = shop
    buyer = make_user()
    result, _ = _order_for(buyer, event, tier_id)  # 2 x VIP = KES 5,000.00
    amount, currency = charged.get("amount", 500000), charged.get("currency", "KES")

    paid = sandbox.post(f"/_test/transactions/{result.reference}/pay", json={**charged, "wait_for_webhook": True})
    assert paid.json()["webhook"]["status_code"] == 200
    assert _state(result.order_id) == ("refunded", 0, 0)
    assert (_tier(tier_id).held, _tier(tier_id).sold) == (0, 0)
    [refund] = _refunds_of(result.order_id)
    assert (refund.kind, refund.amount, refund.currency, refund.status) == (
        "payment_mismatch",
        amount,
        currency,
        "queued",
    )
    [told] = _emails_to(buyer.email, "payment_mismatch_refund")
    assert f"charged you {money}" in told.text_body and "total is KES 5,000.00" in told.text_body

    assert paystack_refunds.submit_due() == 1
    sent = _refunds_of(result.order_id)[0]
    advanced = sandbox.post(
        f"/_test/refunds/{sent.provider_refund_id}/advance", json={"status": "processed", "wait_for_webhook": True}
    )
    assert advanced.json()["data"]["amount"] == amount  # everything received goes back
    assert _refunds_of(result.order_id)[0].status == "processed"
    assert _state(result.order_id)[0] == "refunded"
    assert len(_emails_to(buyer.email, "refund_processed")) == 1
    back = payments.verify_payment(result.reference)  # the buyer's return to the shop, after the webhook
    assert back.status == "refunded" and f"Paystack charged {money}, the order's total is KES 5,000.00" in back.message

    [row] = event_orders.event_orders(actor=owner.summary, event_id=event.id).rows
    assert row.refund_label == "Payment mismatch, refunded"
    [returned] = revenue.returned_payments(actor=finance.summary)
    assert (returned.reference, returned.label) == (result.reference, "Payment mismatch, refunded")
    assert (returned.amount, returned.currency, returned.order_amount) == (amount, currency, 500000)
    assert all(t.paid_orders == 0 for t in revenue.platform_totals(actor=finance.summary))  # never earned

    # Paystack re-sends charge.success; reconciliation runs: nothing happens again, nothing is logged again.
    assert sandbox.post(f"/_test/transactions/{result.reference}/resend-webhook").json()["data"]["status_code"] == 200
    assert payments.reconcile_pending(quiet_for=timedelta(0)) == 0
    assert len(_refunds_of(result.order_id)) == 1 and len(_emails_to(buyer.email, "payment_mismatch_refund")) == 1
    assert [r.message for r in caplog.records if r.levelname == "ERROR"] == []
    assert len([r for r in caplog.records if "Payment mismatch" in r.getMessage()]) == 1


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
    # The money goes back through the refund worker, which retries it and follows it to the end.
    [refund] = _refunds_of(late.order_id)
    assert (refund.kind, refund.amount, refund.status) == ("late_payment", order.amount, "queued")
    assert paystack_refunds.submit_due() == 1
    sandbox.post(
        f"/_test/refunds/{_refunds_of(late.order_id)[0].provider_refund_id}/advance",
        json={"status": "processed", "wait_for_webhook": True},
    )
    assert _refunds_of(late.order_id)[0].status == "processed"
    assert refunds.refund_label(refund.kind, "processed") == "Paid after sell-out, refunded"


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
    """Paystack's client gives up after half a second, so a hanging sandbox times out quickly;
    calling what it returns gives the client its usual timeout back."""
    usual = paystack.TIMEOUT
    monkeypatch.setattr(paystack, "TIMEOUT", httpx.Timeout(0.5, connect=0.5))
    return lambda: monkeypatch.setattr(paystack, "TIMEOUT", usual)


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
    # Paystack answers again: the client's usual timeout, so a loaded test machine cannot turn the
    # retry's own verify into another timeout (only the trouble above is meant to time out).
    short_paystack_timeout()
    assert _resend(sandbox, result.reference) == 200  # Paystack's retry
    assert _state(result.order_id) == ("completed", 2, 1)
    # More retries and replays after the success: acknowledged, and nothing happens twice.
    assert [_resend(sandbox, result.reference) for _ in range(2)] == [200, 200]
    assert _state(result.order_id) == ("completed", 2, 1)
    assert [d.outcome for d in _deliveries(result.reference)] == ["unconfirmed", "completed", "completed", "completed"]
    assert _tier(tier_id).sold == 2


def test_every_delivery_is_kept_with_what_it_did_even_when_acting_on_it_failed(paid_tier, monkeypatch):
    """A delivery is written once, after it was acted on: with its outcome, its arrival time, and no
    outcome when acting on it failed (the error still reaches the route, which answers 500)."""
    event, tier_id = paid_tier
    result, _ = _order_for(make_user(), event, tier_id)
    payload = {"event": "charge.success", "data": {"reference": result.reference}}
    before = utcnow()

    def broken(reference: str):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(payments, "verify_payment", broken)
    with pytest.raises(RuntimeError):
        payment_webhooks.handle(payload, json.dumps(payload))
    assert payment_webhooks.handle({"event": "customeridentification.success"}, "{}") == "ignored"
    [failed] = _deliveries(result.reference)
    assert (failed.outcome, failed.event_type, failed.body) == (None, "charge.success", json.dumps(payload))
    assert before <= failed.received_at <= utcnow()
    with read_only() as session:
        ignored = session.exec(select(PaymentWebhook).where(PaymentWebhook.reference.is_(None))).all()
    assert [d.outcome for d in ignored] == ["ignored"]


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
