"""A buyer cannot keep a scarce tier sold out (issue #16 item 9), through either way of checking out:
`POST /api/checkout/orders` and the event page's Checkout button (its websocket handler), with the
Paystack sandbox as the provider, so every placed order is really at Paystack (`processing`)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlmodel import col, select

from eventpalour.config import settings
from eventpalour.db import read_only
from eventpalour.integrations import paystack
from eventpalour.models import Order, OrderStatus, TicketTier
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.platform.errors import Conflict
from eventpalour.services.sales import checkout, payments
from eventpalour.state.event_detail import EventDetailState
from tests.api.support import with_session
from tests.factories import (
    MadeUser,
    make_paid_event,
    make_user,
)
from tests.state_support import run_handler, state_for

ORDERS = "/api/checkout/orders"
IN_PROGRESS = "You have a payment in progress for this event."


def _paid_event(quantity: int = 4, title: str = "Scarce night"):
    event, tier_ids = make_paid_event(
        [TierInput(name="Front row", price=300000, quantity=quantity, max_per_order=4)], title=title
    )
    return event, tier_ids[0]


@pytest.fixture
def scarce(api_url: str):
    return _paid_event()


def _held(tier_id: str) -> int:
    with read_only() as session:
        return session.get(TicketTier, tier_id).held


def _open_orders(buyer_id: str) -> list[Order]:
    with read_only() as session:
        return list(session.exec(select(Order).where(Order.buyer_id == buyer_id, col(Order.holds_active).is_(True))))


def _order_count(buyer_id: str) -> int:
    with read_only() as session:
        return len(session.exec(select(Order.id).where(Order.buyer_id == buyer_id)).all())


def event_page(user: MadeUser, short_id: str, tier_id: str, n: int, *, ip: str = "127.0.0.9") -> EventDetailState:
    page = state_for(EventDetailState, token=user.token, path=f"/e/{short_id}", ip=ip)
    page.max_quantities, page.quantities = {tier_id: 4}, {tier_id: n}
    return page


def test_api_buyer_cannot_keep_a_tier_sold_out(api_url: str, scarce) -> None:
    event, tier_id = scarce
    hoarder, fan = make_user(), make_user()
    with httpx.Client(base_url=api_url, timeout=30) as client:
        answers = [
            with_session(client, hoarder.token).post(ORDERS, json={"eventId": event.id, "quantities": {tier_id: 2}})
            for _ in range(3)
        ]
    with httpx.Client(base_url=api_url, timeout=30) as client:
        bought = with_session(client, fan.token).post(ORDERS, json={"eventId": event.id, "quantities": {tier_id: 2}})

    assert [a.status_code for a in answers] == [201, 409, 409]
    assert all(a.json()["error"].startswith(IN_PROGRESS) for a in answers[1:])
    assert bought.status_code == 201, bought.text
    assert [o.id for o in _open_orders(hoarder.id)] == [answers[0].json()["order_id"]]
    assert _order_count(hoarder.id) == 1 and _held(tier_id) == 4


async def test_event_page_buyer_cannot_keep_a_tier_sold_out(scarce) -> None:
    event, tier_id = scarce
    hoarder, fan = make_user(), make_user()
    emitted = []
    for _ in range(3):
        page = event_page(hoarder, event.short_id, tier_id, 2)
        emitted.append(str(await run_handler(page, "checkout")))
    fan_page = event_page(fan, event.short_id, tier_id, 2)
    await run_handler(fan_page, "checkout")

    assert "Your tickets are held" in emitted[0]
    assert all(IN_PROGRESS in text for text in emitted[1:])
    [hold] = _open_orders(hoarder.id)
    assert hold.status == OrderStatus.PROCESSING and _order_count(hoarder.id) == 1
    assert fan_page.held.count == "2 tickets"
    assert _held(tier_id) == 4


async def test_event_page_checkout_limited_per_account(api_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same account from three addresses, on three events: the third checkout is refused."""
    events = [_paid_event(title=f"Night {n}") for n in range(3)]
    monkeypatch.setattr(settings, "rate_limit_general", "2/minute")
    buyer = make_user()
    emitted = []
    for n, (event, tier_id) in enumerate(events):
        page = event_page(buyer, event.short_id, tier_id, 1, ip=f"198.51.100.{n + 1}")
        emitted.append(str(await run_handler(page, "checkout")))

    assert ["Your tickets are held" in text for text in emitted] == [True, True, False]
    assert "Too many attempts" in emitted[2]
    assert len(_open_orders(buyer.id)) == 2 and _held(events[2][1]) == 0


async def test_event_page_checkout_limited_per_address(api_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    event, tier_id = _paid_event(quantity=10)
    monkeypatch.setattr(settings, "rate_limit_general", "2/minute")
    buyers = [make_user() for _ in range(3)]
    emitted = []
    for buyer in buyers:
        emitted.append(str(await run_handler(event_page(buyer, event.short_id, tier_id, 1), "checkout")))

    assert ["Your tickets are held" in text for text in emitted] == [True, True, False]
    assert "Too many attempts" in emitted[2]
    assert _held(tier_id) == 2


def test_api_two_checkouts_at_once_by_one_buyer_leave_one_open_order(api_url: str, scarce) -> None:
    event, tier_id = scarce
    buyer = make_user()
    start = threading.Barrier(2)

    def place(n: int) -> httpx.Response:
        with httpx.Client(base_url=api_url, timeout=30) as client:
            with_session(client, buyer.token)
            start.wait(timeout=10)
            return client.post(ORDERS, json={"eventId": event.id, "quantities": {tier_id: n}})

    for _ in range(5):  # the interleaving differs from run to run: try it a few times
        with ThreadPoolExecutor(max_workers=2) as pool:
            answers = list(pool.map(place, (1, 2)))
        assert sorted(a.status_code for a in answers) == [201, 409], [a.text for a in answers]
        [placed] = [a.json() for a in answers if a.status_code == 201]
        [hold] = _open_orders(buyer.id)
        assert (hold.id, hold.status) == (placed["order_id"], OrderStatus.PROCESSING)
        assert _held(tier_id) == hold.amount // 300000
        checkout.cancel_order(actor=buyer.summary, order_id=hold.id)  # the next round starts afresh


def test_checkout_replaced_while_paystack_answers_hands_out_no_url(scarce, monkeypatch: pytest.MonkeyPatch) -> None:
    """The buyer's other tab checks out while this checkout's Paystack transaction is being started:
    the newer one replaces this still unstarted order, and this one's payment URL is never handed out."""
    event, tier_id = scarce
    buyer = make_user()
    initialize = paystack.initialize_transaction

    def other_tab_checks_out_meanwhile(**kwargs):
        started = initialize(**kwargs)
        monkeypatch.setattr(paystack, "initialize_transaction", initialize)
        checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tier_id: 1})
        return started

    monkeypatch.setattr(paystack, "initialize_transaction", other_tab_checks_out_meanwhile)
    with pytest.raises(Conflict, match="replaced by a newer one"):
        payments.place_order(actor=buyer.summary, event_id=event.id, quantities={tier_id: 2})

    [hold] = _open_orders(buyer.id)
    assert (hold.status, hold.amount, hold.authorization_url) == (OrderStatus.PENDING, 300000, None)
    assert _held(tier_id) == 1
