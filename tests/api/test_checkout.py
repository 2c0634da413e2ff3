"""POST /api/checkout/orders over real HTTP, with the Paystack sandbox as the provider (SPEC §5, §8)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlmodel import func, select

from eventpalour.config import settings
from eventpalour.db import read_only
from eventpalour.integrations import paystack
from eventpalour.integrations.tls import outbound_tls
from eventpalour.models import Order, Ticket, TicketTier
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.sales import payments
from tests.api.support import with_session
from tests.factories import approve_kyc, make_event, make_organizer, make_user, make_workspace

ORDERS = "/api/checkout/orders"


def _event(pricing: str, tier: TierInput):
    owner = make_organizer()
    workspace = make_workspace(owner)
    approve_kyc(workspace.id)
    event = make_event(owner, workspace.id, publish=True, pricing=pricing, tiers=[tier])
    return event, get_tiers(actor=owner.summary, event_id=event.id)[0].id


@pytest.fixture
def paid_tier(api_url: str):
    return _event("paid", TierInput(name="VIP", price=250000, quantity=3, max_per_order=3))


def _tier(tier_id: str) -> TicketTier:
    with read_only() as session:
        return session.get(TicketTier, tier_id)


def _order_count() -> int:
    with read_only() as session:
        return session.exec(select(func.count()).select_from(Order)).one()


def test_paid_order_holds_seats_and_returns_the_paystack_url(http: httpx.Client, paid_tier):
    event, tier_id = paid_tier
    response = with_session(http, make_user().token).post(
        ORDERS, json={"event_id": event.id, "quantities": {tier_id: 2}}
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["authorization_url"].startswith(paystack.sandbox_base_url() + "/checkout/")
    assert body["reference"].startswith("EVT-") and body["status"] == "processing"
    assert body["amount"] == 500000 and body["currency"] == "KES"
    assert body["paystack_public_key"] == paystack.public_key()
    with read_only() as session:
        order = session.get(Order, body["order_id"])
    assert order.status == "processing" and order.authorization_url == body["authorization_url"]
    assert (_tier(tier_id).held, _tier(tier_id).sold) == (2, 0)


@pytest.mark.parametrize("pricing", ["paid", "free"])
def test_place_order_returns_the_status_it_stored(api_url: str, pricing):
    """The service's answer is the order as stored (a paid one already at Paystack is `processing`),
    so the route hands it on as it is, with nothing to correct."""
    price = 250000 if pricing == "paid" else 0
    event, tier_id = _event(pricing, TierInput(name="General", price=price, quantity=5))
    placed = payments.place_order(actor=make_user().summary, event_id=event.id, quantities={tier_id: 1})
    with read_only() as session:
        stored = session.get(Order, placed.booking.order_id)
    assert placed.booking.status == stored.status == ("processing" if pricing == "paid" else "completed")


def test_free_order_is_completed_with_tickets(http: httpx.Client, api_url: str):
    event, tier_id = _event("free", TierInput(name="General", price=0, quantity=10))
    response = with_session(http, make_user().token).post(
        ORDERS, json={"eventId": event.short_id, "quantities": {tier_id: 1}}
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "completed" and body["authorization_url"] is None and body["amount"] == 0
    with read_only() as session:
        tickets = session.exec(select(func.count()).select_from(Ticket).where(Ticket.order_id == body["order_id"]))
        assert tickets.one() == 1
    assert _tier(tier_id).sold == 1


def test_sold_out_is_409_and_holds_nothing_more(http: httpx.Client, paid_tier):
    event, tier_id = paid_tier
    first = with_session(http, make_user().token).post(ORDERS, json={"event_id": event.id, "quantities": {tier_id: 2}})
    assert first.status_code == 201
    with httpx.Client(base_url=str(http.base_url), timeout=10, verify=outbound_tls()) as other:
        second = with_session(other, make_user().token).post(
            ORDERS, json={"event_id": event.id, "quantities": {tier_id: 2}}
        )
    assert second.status_code == 409
    assert "Not enough VIP" in second.json()["error"]
    assert second.json()["details"] == [{"path": ["quantities", tier_id], "message": "Not enough left."}]
    assert (_tier(tier_id).held, _order_count()) == (2, 1)


@pytest.mark.parametrize(
    "payload",
    [
        {"event_id": "x", "quantities": {"t": "2"}},
        {"event_id": "x", "quantities": {"t": -1}},
        {"event_id": "x", "quantities": {}},
        {"event_id": 5, "quantities": {"t": 1}},
        {"quantities": {"t": 1}},
        {"event_id": "x", "quantities": {"t": 1}, "coupon": "FREE"},
    ],
)
def test_malformed_order_is_422_with_details(http: httpx.Client, paid_tier, payload: dict):
    response = with_session(http, make_user().token).post(ORDERS, json=payload)
    assert response.status_code == 422
    assert response.json()["details"] and _order_count() == 0


def test_no_tickets_or_foreign_tier_is_400(http: httpx.Client, paid_tier):
    event, tier_id = paid_tier
    client = with_session(http, make_user().token)
    nothing = client.post(ORDERS, json={"event_id": event.id, "quantities": {tier_id: 0}})
    assert nothing.status_code == 400 and nothing.json()["details"][0]["path"] == ["quantities"]
    foreign = client.post(ORDERS, json={"event_id": event.id, "quantities": {"not-a-tier": 1}})
    assert foreign.status_code == 400 and foreign.json()["details"][0]["path"] == ["quantities", "not-a-tier"]
    assert _order_count() == 0 and _tier(tier_id).held == 0


def test_unknown_event_is_404(http: httpx.Client, paid_tier):
    _, tier_id = paid_tier
    response = with_session(http, make_user().token).post(ORDERS, json={"event_id": "nope", "quantities": {tier_id: 1}})
    assert response.status_code == 404 and "error" in response.json()


def test_not_signed_in_is_401(http: httpx.Client, paid_tier):
    event, tier_id = paid_tier
    anonymous = http.post(ORDERS, json={"event_id": event.id, "quantities": {tier_id: 1}})
    stale = with_session(http, "not-a-session").post(ORDERS, json={"event_id": event.id, "quantities": {tier_id: 1}})
    assert anonymous.status_code == 401 and stale.status_code == 401
    assert _order_count() == 0 and _tier(tier_id).held == 0


def test_unverified_buyer_is_403(http: httpx.Client, paid_tier):
    event, tier_id = paid_tier
    response = with_session(http, make_user(verified=False).token).post(
        ORDERS, json={"event_id": event.id, "quantities": {tier_id: 1}}
    )
    assert response.status_code == 403 and _order_count() == 0


def test_orders_count_against_the_general_post_limit(
    http: httpx.Client, paid_tier, monkeypatch: pytest.MonkeyPatch
) -> None:
    event, tier_id = paid_tier
    monkeypatch.setattr(settings, "rate_limit_general", "1/minute")
    client = with_session(http, make_user().token)
    assert client.post(ORDERS, json={"event_id": event.id, "quantities": {tier_id: 1}}).status_code == 201
    limited = client.post(ORDERS, json={"event_id": event.id, "quantities": {tier_id: 1}})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    assert _order_count() == 1


def test_more_concurrent_orders_than_worker_threads_still_reach_the_sandbox(http: httpx.Client, api_url: str):
    """Each order waits on the Paystack sandbox that this same server answers: with the sandbox on
    the app's thread pool, 48 orders at once (the pool has 40 threads) left it none, and timed out."""
    event, tier_id = _event("paid", TierInput(name="Crowd", price=100000, quantity=48, max_per_order=1))
    tokens = [make_user().token for _ in range(48)]

    def order(token: str) -> int:
        with httpx.Client(base_url=api_url, timeout=30, verify=outbound_tls()) as client:
            body = {"event_id": event.id, "quantities": {tier_id: 1}}
            return with_session(client, token).post(ORDERS, json=body).status_code

    with ThreadPoolExecutor(max_workers=len(tokens)) as pool:
        statuses = list(pool.map(order, tokens))
    assert statuses == [201] * len(tokens)
    assert _tier(tier_id).held == len(tokens)
