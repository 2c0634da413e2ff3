"""GET/PUT /api/orders/{id}/answers over real HTTP (#19 §3): the organizer corrects an order's
answers and attendee names (the ticket's name follows), the buyer may until the event starts, bad
answers are checkout's field errors and change nothing, and every change is audit logged."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlmodel import select

from eventpalour.db import read_only, transaction
from eventpalour.models import AuditLogEntry, Event, OrderAnswer, Ticket
from eventpalour.models.types import utcnow
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.sales import checkout
from eventpalour.services.sales.answers import AttendeeAnswers, TicketAnswers
from tests.api.support import with_session
from tests.factories import add_member, make_event, make_organizer, make_user, make_workspace


def _client(http: httpx.Client, token: str) -> httpx.Client:
    return with_session(httpx.Client(base_url=str(http.base_url)), token)


@pytest.fixture
def answered(http: httpx.Client):
    owner = make_organizer()
    workspace = make_workspace(owner)
    event = make_event(
        owner, workspace.id, publish=True, tiers=[TierInput(name="Pass", price=0, quantity=20, max_per_order=2)]
    )
    tier_id = get_tiers(actor=owner.summary, event_id=event.id)[0].id
    api = _client(http, owner.token)
    size = api.post(
        f"/api/events/{event.id}/questions",
        json={"label": "Size", "kind": "single_choice", "options": ["S", "M"], "required": True, "perTicket": True},
    ).json()[0]["id"]
    diet = api.post(
        f"/api/events/{event.id}/questions",
        json={"label": "Diet", "kind": "multiple_choice", "options": ["Vegan", "Halal", "None"]},
    ).json()[1]["id"]
    buyer = make_user()
    order = checkout.book_ticket(
        actor=buyer.summary,
        event_id=event.id,
        quantities={tier_id: 1},
        answers=AttendeeAnswers(order={diet: ["Vegan"]}, tickets=[TicketAnswers(tier_id, "Amina", {size: "S"})]),
    )
    return owner, event, tier_id, size, diet, buyer, order


def _ticket_name(order_id: str) -> str:
    with read_only() as session:
        return session.exec(select(Ticket.attendee_name).where(Ticket.order_id == order_id)).one()


def _values(order_id: str) -> set[str]:
    with read_only() as session:
        return set(session.exec(select(OrderAnswer.value).where(OrderAnswer.order_id == order_id)).all())


def test_organizer_and_buyer_edit_answers_with_checkout_rules(http: httpx.Client, answered):
    owner, event, tier_id, size, diet, buyer, order = answered
    path = f"/api/orders/{order.order_id}/answers"
    mine = _client(http, buyer.token)
    shown = mine.get(path)
    assert shown.status_code == 200, shown.text
    assert shown.json()["order"] == {diet: ["Vegan"]} and shown.json()["canEdit"] is True
    assert shown.json()["tickets"] == [{"tierId": tier_id, "tierName": "Pass", "name": "Amina", "answers": {size: "S"}}]

    bad = mine.put(
        path, json={"order": {diet: ["Kosher"]}, "tickets": [{"tierId": tier_id, "name": "", "answers": {}}]}
    )
    assert bad.status_code == 400
    assert {tuple(d["path"]) for d in bad.json()["details"]} == {
        ("answers", "order", diet),
        ("answers", "tickets", 0, "name"),
        ("answers", "tickets", 0, size),
    }
    assert _values(order.order_id) == {'["Vegan"]', "S"} and _ticket_name(order.order_id) == "Amina"

    fixed = mine.put(
        path,
        json={"order": {diet: ["Halal"]}, "tickets": [{"tierId": tier_id, "name": "Amina W", "answers": {size: "M"}}]},
    )
    assert fixed.status_code == 200, fixed.text
    assert _values(order.order_id) == {'["Halal"]', "M"} and _ticket_name(order.order_id) == "Amina W"

    organizer = _client(http, owner.token)
    corrected = organizer.put(
        path, json={"tickets": [{"tierId": tier_id, "name": "Amina Wanjiru", "answers": {size: "S"}}]}
    )
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["order"] == {} and _ticket_name(order.order_id) == "Amina Wanjiru"
    with read_only() as session:
        logged = session.exec(
            select(AuditLogEntry).where(AuditLogEntry.action == "order.answers").order_by(AuditLogEntry.created_at)
        ).all()
    assert [(e.actor_id, e.details["as"]) for e in logged] == [(buyer.id, "buyer"), (owner.id, "organizer")]
    assert logged[1].target_id == order.order_id and logged[1].details["tickets_renamed"] == 1

    from eventpalour.services.sales import list_my_orders

    assert [o.can_edit_answers for o in list_my_orders(actor=buyer.summary)] == [True]
    # Once the event has started only the organizer may change them.
    with transaction() as session:
        started = session.get(Event, event.id)
        started.start_at = utcnow() - timedelta(minutes=5)
    assert [o.can_edit_answers for o in list_my_orders(actor=buyer.summary)] == [False]
    late = mine.put(path, json={"tickets": [{"tierId": tier_id, "name": "Someone", "answers": {size: "S"}}]})
    assert late.status_code == 403 and "has started" in late.json()["error"]
    assert mine.get(path).json()["canEdit"] is False
    assert (
        organizer.put(
            path, json={"tickets": [{"tierId": tier_id, "name": "Amina", "answers": {size: "S"}}]}
        ).status_code
        == 200
    )


def test_strangers_and_members_below_moderator_see_nothing(http: httpx.Client, answered):
    owner, event, tier_id, size, _, _, order = answered
    path = f"/api/orders/{order.order_id}/answers"
    assert http.get(path).status_code == 401
    assert _client(http, make_user().token).get(path).status_code == 404
    member = make_user()
    add_member(event.workspace_id, member, "member")
    body = {"tickets": [{"tierId": tier_id, "name": "X", "answers": {size: "S"}}]}
    assert _client(http, member.token).put(path, json=body).status_code == 404
    assert _ticket_name(order.order_id) == "Amina"
    assert _client(http, owner.token).get("/api/orders/nope/answers").status_code == 404
