"""Refund requests over real HTTP (#19 §5): a buyer asks, an admin lists, approves or declines;
every refusal is the JSON error format and changes nothing; the policy is set through the API."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import func, select

from eventpalour.db import read_only
from eventpalour.integrations.paystack import VerifyResult
from eventpalour.models import Refund, RefundRequest, Ticket
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.sales import checkout, payments
from tests.api.support import with_session
from tests.factories import add_member, approve_kyc, latest_email, make_event, make_organizer, make_user, make_workspace


@pytest.fixture
def shop(api_url: str):
    owner = make_organizer(two_factor=True)  # refunds need two-factor (#20 §1)
    workspace = make_workspace(owner)
    approve_kyc(workspace.id)
    event = make_event(
        owner,
        workspace.id,
        publish=True,
        pricing="paid",
        refund_policy="until_start",
        tiers=[TierInput(name="Regular", price=200000, quantity=50, max_per_order=4)],
    )
    return owner, workspace, event, get_tiers(actor=owner.summary, event_id=event.id)[0].id


def _paid_order(event, tier_id: str, n: int = 2):
    buyer = make_user()
    result = checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tier_id: n})
    payments.settle(result.reference, VerifyResult("success", result.amount, "KES", 6000, None, result.reference, {}))
    with read_only() as session:
        tickets = list(session.exec(select(Ticket.id).where(Ticket.order_id == result.order_id)))
    return buyer, result.order_id, sorted(tickets)


def _starts(event) -> str:
    """The event's start as the policy line words it (services/platform `event_when`)."""
    from eventpalour.services.platform import event_when

    return event_when(event.start_at, event.timezone)


def _client(http: httpx.Client, token: str) -> httpx.Client:
    return with_session(httpx.Client(base_url=str(http.base_url)), token)


def _requests_of(order_id: str) -> int:
    with read_only() as session:
        query = select(func.count()).select_from(RefundRequest).where(RefundRequest.order_id == order_id)
        return session.exec(query).one()


def test_a_buyer_asks_and_an_admin_approves(http: httpx.Client, shop):
    owner, _, event, tier_id = shop
    buyer, order_id, tickets = _paid_order(event, tier_id)
    asked = _client(http, buyer.token).post(
        f"/api/orders/{order_id}/refund-requests", json={"ticketIds": tickets[:1], "reason": "I am ill."}
    )
    assert asked.status_code == 201, asked.text
    body = asked.json()
    assert (body["status"], body["amount"], body["currency"], body["reason"]) == ("pending", 200000, "KES", "I am ill.")

    again = _client(http, buyer.token).post(
        f"/api/orders/{order_id}/refund-requests", json={"ticketIds": tickets[1:], "reason": "Again"}
    )
    assert again.status_code == 409 and "already asked" in again.json()["error"]

    organizer = _client(http, owner.token)
    listed = organizer.get(f"/api/events/{event.id}/refund-requests")
    assert listed.status_code == 200, listed.text
    assert [(r["id"], r["buyerEmail"], r["canApprove"]) for r in listed.json()] == [(body["id"], buyer.email, True)]

    approved = organizer.post(f"/api/events/{event.short_id}/refund-requests/{body['id']}/approve")
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    twice = organizer.post(f"/api/events/{event.id}/refund-requests/{body['id']}/approve")
    assert twice.status_code == 409 and twice.json()["error"] == "This refund request has already been answered."
    with read_only() as session:
        refunds = session.exec(select(Refund.amount).where(Refund.order_id == order_id)).all()
    assert refunds == [200000]
    assert latest_email(buyer.email, "refund_request_approved") is not None


def test_refusals_are_json_errors_that_change_nothing(http: httpx.Client, shop):
    owner, workspace, event, tier_id = shop
    buyer, order_id, tickets = _paid_order(event, tier_id)
    client = _client(http, buyer.token)
    path = f"/api/orders/{order_id}/refund-requests"

    anonymous = httpx.Client(base_url=str(http.base_url)).post(path, json={"ticketIds": tickets, "reason": "x"})
    assert anonymous.status_code == 401
    no_reason = client.post(path, json={"ticketIds": tickets, "reason": "  "})
    assert no_reason.status_code == 400 and no_reason.json()["details"][0]["path"] == ["reason"]
    no_tickets = client.post(path, json={"ticketIds": [], "reason": "Ill"})
    assert no_tickets.status_code == 400 and no_tickets.json()["details"][0]["path"] == ["tickets"]
    wrong_type = client.post(path, json={"ticketIds": "all", "reason": "Ill"})
    assert wrong_type.status_code == 422
    stranger = _client(http, make_user().token).post(path, json={"ticketIds": tickets, "reason": "Ill"})
    assert stranger.status_code == 404
    assert _requests_of(order_id) == 0

    # Outside the policy: the organizer closes refunds; an order placed since is refused with the
    # reason, while this order keeps the policy it was placed under (#19 §5).
    closed = _client(http, owner.token).put(f"/api/events/{event.id}/refund-policy", json={"policy": "none"})
    assert closed.status_code == 200 and closed.json() == {"policy": "none", "days": None, "text": ""}
    late_buyer, late_order, late_tickets = _paid_order(event, tier_id)
    refused = _client(http, late_buyer.token).post(
        f"/api/orders/{late_order}/refund-requests", json={"ticketIds": late_tickets, "reason": "Ill"}
    )
    assert refused.status_code == 409 and refused.json()["error"] == "This event does not offer refunds."
    assert _requests_of(late_order) == 0
    kept = client.post(path, json={"ticketIds": tickets, "reason": "Ill"})
    assert kept.status_code == 201, kept.text
    listed = _client(http, owner.token).get(f"/api/events/{event.id}/refund-requests").json()
    assert [r["policy"] for r in listed] == [f"Refunds can be requested until the event starts ({_starts(event)})."]

    bad_policy = _client(http, owner.token).put(
        f"/api/events/{event.id}/refund-policy", json={"policy": "days_before", "days": 0}
    )
    assert bad_policy.status_code == 400 and bad_policy.json()["details"][0]["path"] == ["refund_days"]
    moderator = make_user()
    add_member(workspace.id, moderator, "moderator")
    assert _client(http, moderator.token).get(f"/api/events/{event.id}/refund-requests").status_code == 403


def test_an_admin_declines_with_a_reason(http: httpx.Client, shop):
    owner, _, event, tier_id = shop
    other = make_event(
        owner,
        event.workspace_id,
        publish=True,
        pricing="paid",
        tiers=[TierInput(name="Regular", price=100000, quantity=5)],
    )
    buyer, order_id, tickets = _paid_order(event, tier_id)
    asked = _client(http, buyer.token).post(
        f"/api/orders/{order_id}/refund-requests", json={"ticketIds": tickets, "reason": "Ill"}
    )
    request_id = asked.json()["id"]
    organizer = _client(http, owner.token)
    base = f"/api/events/{event.id}/refund-requests/{request_id}"
    blank = organizer.post(f"{base}/decline", json={"reason": ""})
    assert blank.status_code == 400 and blank.json()["details"][0]["path"] == ["reason"]
    elsewhere = organizer.post(f"/api/events/{other.id}/refund-requests/{request_id}/decline", json={"reason": "No"})
    assert elsewhere.status_code == 404
    declined = organizer.post(f"{base}/decline", json={"reason": "Transfer the tickets instead."})
    assert declined.status_code == 200, declined.text
    assert (declined.json()["status"], declined.json()["decisionReason"]) == (
        "declined",
        "Transfer the tickets instead.",
    )
    assert "Transfer the tickets instead." in latest_email(buyer.email, "refund_request_declined").text_body
    with read_only() as session:
        assert session.exec(select(func.count()).select_from(Refund).where(Refund.order_id == order_id)).one() == 0


def test_each_order_shows_and_keeps_the_policy_it_was_placed_under(http: httpx.Client, shop):
    owner, _, event, tier_id = shop
    from eventpalour.services.sales import list_my_orders

    buyer, order_id, _ = _paid_order(event, tier_id)
    changed = _client(http, owner.token).put(
        f"/api/events/{event.id}/refund-policy", json={"policy": "days_before", "days": 3, "text": "Minus fees."}
    )
    assert changed.status_code == 200, changed.text
    [mine] = list_my_orders(actor=buyer.summary)
    assert mine.order_id == order_id
    assert mine.refund_policy == (f"Refunds can be requested until the event starts ({_starts(event)}).",)
    with read_only() as session:
        from eventpalour.models import Order

        kept = session.get(Order, order_id)
    assert (kept.refund_policy, kept.refund_days, kept.refund_policy_text) == ("until_start", None, "")
    later, _, _ = _paid_order(event, tier_id)
    [theirs] = list_my_orders(actor=later.summary)
    assert theirs.refund_policy[1] == "Minus fees." and "3 days before the event" in theirs.refund_policy[0]
