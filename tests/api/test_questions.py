"""/api/events/{id}/questions and POST /api/checkout/orders with `answers`, over real HTTP (#19 §3)."""

from __future__ import annotations

import csv
import io

import httpx
import pytest
from sqlmodel import select

from eventpalour.db import read_only
from eventpalour.models import Order, OrderAnswer, TicketTier
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from tests.api.support import with_session
from tests.factories import add_member, approve_kyc, make_event, make_organizer, make_user, make_workspace


@pytest.fixture
def event(api_url: str):
    owner = make_organizer()
    workspace = make_workspace(owner)
    approve_kyc(workspace.id)
    event = make_event(
        owner,
        workspace.id,
        publish=True,
        pricing="paid",
        currency="NGN",
        tiers=[TierInput(name="VIP", price=250000, quantity=30, max_per_order=4)],
    )
    return owner, event, get_tiers(actor=owner.summary, event_id=event.id)[0].id


def _questions(event_id: str) -> str:
    return f"/api/events/{event_id}/questions"


def _buyer(http: httpx.Client) -> httpx.Client:
    return with_session(httpx.Client(base_url=str(http.base_url)), make_user().token)


def test_moderators_manage_questions(http: httpx.Client, event):
    owner, ev, tier_id = event
    client = with_session(http, owner.token)
    bad = client.post(_questions(ev.id), json={"label": " ", "kind": "single_choice", "options": ["Only"]})
    assert bad.status_code == 400, bad.text
    assert {tuple(d["path"]) for d in bad.json()["details"]} == {("label",), ("options",)}
    assert client.post(_questions(ev.id), json={"label": "x", "kind": "essay"}).status_code == 422
    made = client.post(
        _questions(ev.id),
        json={"label": "Size", "kind": "single_choice", "options": ["S", "M"], "perTicket": True, "tierIds": [tier_id]},
    )
    assert made.status_code == 201, made.text
    made = client.post(_questions(ev.id), json={"label": "Phone", "kind": "phone", "required": True})
    assert [(q["label"], q["per_ticket"], q["tier_ids"]) for q in made.json()] == [
        ("Size", True, [tier_id]),
        ("Phone", False, []),
    ]
    phone_id = made.json()[1]["id"]
    moved = client.post(f"{_questions(ev.id)}/{phone_id}/move", json={"direction": "up"})
    assert [q["label"] for q in moved.json()] == ["Phone", "Size"]
    edited = client.put(f"{_questions(ev.id)}/{phone_id}", json={"label": "Mobile", "kind": "phone"})
    assert edited.status_code == 200 and edited.json()[0]["label"] == "Mobile" and not edited.json()[0]["required"]
    gone = client.delete(f"{_questions(ev.id)}/{phone_id}")
    assert [q["label"] for q in gone.json()] == ["Size"]

    outsider = _buyer(http)
    assert outsider.get(_questions(ev.id)).status_code == 403
    member = make_user()
    add_member(ev.workspace_id, member, "member")
    assert (
        with_session(httpx.Client(base_url=str(http.base_url)), member.token).get(_questions(ev.id)).status_code == 403
    )


def test_checkout_takes_answers_and_refuses_bad_ones(http: httpx.Client, event):
    owner, ev, tier_id = event
    client = with_session(http, owner.token)
    client.post(_questions(ev.id), json={"label": "Phone", "kind": "phone", "required": True})
    asked = client.post(
        _questions(ev.id), json={"label": "Size", "kind": "single_choice", "options": ["S", "M"], "perTicket": True}
    ).json()
    phone_id, size_id = asked[0]["id"], asked[1]["id"]
    buyer = _buyer(http)
    refused = buyer.post(
        "/api/checkout/orders",
        json={
            "eventId": ev.id,
            "quantities": {tier_id: 2},
            "answers": {
                "order": {phone_id: "0712 345 678"},  # an NGN event reads national numbers as Nigerian: too short
                "tickets": [{"tierId": tier_id, "name": "Ada", "answers": {size_id: "XL"}}],
            },
        },
    )
    assert refused.status_code == 400, refused.text
    paths = {tuple(d["path"]) for d in refused.json()["details"]}
    assert paths == {("answers", "order", phone_id), ("answers", "tickets", 0, size_id), ("answers", "tickets")}
    with read_only() as session:
        assert session.get(TicketTier, tier_id).held == 0
        assert session.exec(select(Order).where(Order.event_id == ev.id)).first() is None

    placed = buyer.post(
        "/api/checkout/orders",
        json={
            "eventId": ev.id,
            "quantities": {tier_id: 2},
            "answers": {
                "order": {phone_id: "0803 123 4567"},
                "tickets": [
                    {"tierId": tier_id, "name": "Ada Obi", "answers": {size_id: "s"}},
                    {"tierId": tier_id, "name": "Chidi Obi", "answers": {size_id: "M"}},
                ],
            },
        },
    )
    assert placed.status_code == 201, placed.text
    with read_only() as session:
        stored = session.exec(select(OrderAnswer).where(OrderAnswer.order_id == placed.json()["order_id"])).all()
    assert sorted((a.seat, a.value) for a in stored if a.seat is not None) == [(0, "S"), (1, "M")]
    assert [a.value for a in stored if a.seat is None] == ["+2348031234567"]


def test_attendee_csv_filters_by_answer(http: httpx.Client, api_url: str):
    owner = make_organizer()
    workspace = make_workspace(owner)
    ev = make_event(owner, workspace.id, publish=True, tiers=[TierInput(name="Free", price=0, quantity=10)])
    tier_id = get_tiers(actor=owner.summary, event_id=ev.id)[0].id
    client = with_session(http, owner.token)
    veg_id = client.post(_questions(ev.id), json={"label": "Vegetarian?", "kind": "yes_no", "perTicket": True}).json()[
        0
    ]["id"]
    for name, veg in (("Ada", "yes"), ("Bola", "no")):
        placed = _buyer(http).post(
            "/api/checkout/orders",
            json={
                "eventId": ev.id,
                "quantities": {tier_id: 1},
                "answers": {"tickets": [{"tierId": tier_id, "name": name, "answers": {veg_id: veg}}]},
            },
        )
        assert placed.status_code == 201, placed.text
    exported = client.get(f"/api/events/{ev.id}/attendees.csv", params={"question": veg_id, "answer": "yes"})
    assert exported.status_code == 200, exported.text
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [(r["Attendee"], r["Vegetarian?"]) for r in rows] == [("Ada", "Yes")]
