"""The organizer API /api/v1 over real HTTP (#23 §2): bearer tokens, scopes, the token's workspace
only, events with seats left, orders in cursor pages, attendees with answers, door check-ins, the
per-token limit, and the OpenAPI document."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import select

from eventpalour.config import settings
from eventpalour.db import read_only
from eventpalour.models import Ticket
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.sales import checkout, questions
from eventpalour.services.sales.answers import AttendeeAnswers
from eventpalour.services.sales.questions import QuestionInput
from eventpalour.services.workspaces import api_tokens
from tests.factories import make_event, make_organizer, make_user, make_workspace

ALL_SCOPES = ["events:read", "orders:read", "attendees:read", "checkins:write"]


@pytest.fixture
def shop(api_url: str):
    owner = make_organizer()
    workspace = make_workspace(owner)
    event = make_event(
        owner,
        workspace.id,
        publish=True,
        title="Jazz Night",
        tiers=[TierInput(name="General", price=0, quantity=30), TierInput(name="VIP", price=0, quantity=5)],
    )
    tiers = {t.name: t.id for t in get_tiers(actor=owner.summary, event_id=event.id)}
    city = questions.create_question(
        actor=owner.summary, event_id=event.id, data=QuestionInput(label="Home city", kind="short_text")
    )[0]
    for n in range(3):
        checkout.book_ticket(
            actor=make_user(full_name=f"Buyer {n}").summary,
            event_id=event.id,
            quantities={tiers["VIP" if n == 0 else "General"]: 1},
            answers=AttendeeAnswers(order={city.id: f"City {n}"}),
        )
    token = api_tokens.create_api_token(actor=owner.summary, workspace_id=workspace.id, name="All", scopes=ALL_SCOPES)
    return owner, workspace, event, tiers, token.secret


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_events_and_one_event_with_tiers_and_seats_left(http: httpx.Client, shop):
    _, _, event, tiers, secret = shop
    listed = http.get("/api/v1/events", headers=_bearer(secret))
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert (body["total"], [e["title"] for e in body["events"]]) == (1, ["Jazz Night"])
    assert (body["events"][0]["tickets_sold"], body["events"][0]["capacity"]) == (3, 35)
    one = http.get(f"/api/v1/events/{event.short_id}", headers=_bearer(secret))
    assert one.status_code == 200, one.text
    seats = {t["name"]: (t["sold"], t["seats_left"]) for t in one.json()["tiers"]}
    assert seats == {"General": (2, 28), "VIP": (1, 4)} and one.json()["id"] == event.id


def test_orders_in_cursor_pages_with_answers(http: httpx.Client, shop):
    _, _, event, _, secret = shop
    first = http.get(f"/api/v1/events/{event.id}/orders", params={"limit": 2}, headers=_bearer(secret))
    assert first.status_code == 200, first.text
    assert [o["buyer_name"] for o in first.json()["orders"]] == ["Buyer 0", "Buyer 1"]
    assert first.json()["orders"][0]["answers"] == ["Home city: City 0"]
    rest = http.get(
        f"/api/v1/events/{event.id}/orders",
        params={"limit": 2, "cursor": first.json()["next_cursor"]},
        headers=_bearer(secret),
    )
    assert [o["buyer_name"] for o in rest.json()["orders"]] == ["Buyer 2"] and rest.json()["next_cursor"] == ""
    bad = http.get(f"/api/v1/events/{event.id}/orders", params={"status": "done"}, headers=_bearer(secret))
    assert bad.status_code == 400 and bad.json()["details"][0]["path"] == ["status"]
    bad_cursor = http.get(f"/api/v1/events/{event.id}/orders", params={"cursor": "zz"}, headers=_bearer(secret))
    assert bad_cursor.status_code == 400 and "cursor" in bad_cursor.json()["error"]


def test_attendees_with_answers_and_check_ins(http: httpx.Client, shop):
    _, _, event, _, secret = shop
    found = http.get(f"/api/v1/events/{event.id}/attendees", headers=_bearer(secret))
    assert found.status_code == 200, found.text
    rows = found.json()["attendees"]
    assert sorted(r["holder_name"] for r in rows) == ["Buyer 0", "Buyer 1", "Buyer 2"]
    assert {r["holder_name"]: r["answers"] for r in rows}["Buyer 1"] == ["Home city: City 1"]
    code = rows[0]["short_code"]
    admitted = http.post(f"/api/v1/events/{event.id}/check-ins", json={"code": code}, headers=_bearer(secret))
    assert admitted.status_code == 200, admitted.text
    assert (admitted.json()["admitted"], admitted.json()["result"]) == (True, "ok")
    again = http.post(f"/api/v1/events/{event.id}/check-ins", json={"code": code}, headers=_bearer(secret))
    assert (again.json()["admitted"], again.json()["result"]) == (False, "already_used")
    with read_only() as session:
        assert session.exec(select(Ticket.status).where(Ticket.short_code == code)).one() == "used"
    both = http.post(f"/api/v1/events/{event.id}/check-ins", json={"code": code, "token": "x"}, headers=_bearer(secret))
    assert both.status_code == 422 and "either `code` or `token`" in both.json()["details"][0]["message"]
    after = http.get(f"/api/v1/events/{event.id}/attendees", headers=_bearer(secret))
    assert after.json()["checked_in"] == 1


def test_missing_wrong_and_revoked_tokens_are_401(http: httpx.Client, shop):
    owner, workspace, _, _, secret = shop
    missing = http.get("/api/v1/events")
    assert missing.status_code == 401 and "Authorization: Bearer" in missing.json()["error"]
    assert http.get("/api/v1/events", headers=_bearer("ep_nope")).json() == {"error": "This API token is not valid."}
    token_id = api_tokens.list_api_tokens(actor=owner.summary, workspace_id=workspace.id)[0].id
    api_tokens.revoke_api_token(actor=owner.summary, workspace_id=workspace.id, token_id=token_id)
    revoked = http.get("/api/v1/events", headers=_bearer(secret))
    assert revoked.status_code == 401 and revoked.json()["error"] == "This API token was revoked."


def test_a_missing_scope_is_403_naming_it_and_other_workspaces_are_404(http: httpx.Client, shop):
    owner, workspace, event, _, _ = shop
    reader = api_tokens.create_api_token(
        actor=owner.summary, workspace_id=workspace.id, name="Reader", scopes=["events:read"]
    )
    refused = http.get(f"/api/v1/events/{event.id}/orders", headers=_bearer(reader.secret))
    assert refused.status_code == 403 and refused.json()["error"] == "This API token lacks the orders:read scope."
    door = http.post(f"/api/v1/events/{event.id}/check-ins", json={"code": "AAAA"}, headers=_bearer(reader.secret))
    assert door.status_code == 403 and "checkins:write" in door.json()["error"]
    other_owner = make_organizer()
    other = make_event(other_owner, make_workspace(other_owner, name="Other Society").id, publish=True)
    hidden = http.get(f"/api/v1/events/{other.id}", headers=_bearer(reader.secret))
    assert hidden.status_code == 404 and hidden.json()["error"] == "This event does not exist."


def test_each_token_has_its_own_limit(http: httpx.Client, shop, monkeypatch):
    owner, workspace, _, _, secret = shop
    monkeypatch.setattr(settings, "rate_limit_api_token", "2/minute")
    assert [http.get("/api/v1/events", headers=_bearer(secret)).status_code for _ in range(2)] == [200, 200]
    over = http.get("/api/v1/events", headers=_bearer(secret))
    assert over.status_code == 429 and int(over.headers["Retry-After"]) >= 1
    fresh = api_tokens.create_api_token(
        actor=owner.summary, workspace_id=workspace.id, name="B", scopes=["events:read"]
    )
    assert http.get("/api/v1/events", headers=_bearer(fresh.secret)).status_code == 200


def test_the_openapi_documents_v1_with_bearer_auth_and_examples(http: httpx.Client):
    schema = http.get("/api/openapi.json").json()
    orders = schema["paths"]["/api/v1/events/{event_id}/orders"]["get"]
    assert {"401", "403", "404", "429"} <= set(orders["responses"])
    assert orders["security"] == [{"ApiToken": []}]
    assert schema["components"]["securitySchemes"]["ApiToken"]["scheme"] == "bearer"
    assert schema["components"]["schemas"]["OrderPageOut"]["examples"][0]["orders"][0]["reference"] == "EP-7K2M9Q"
    assert schema["components"]["schemas"]["CheckInIn"]["examples"] == [
        {"code": "7KQ2M9XA"},
        {"token": "EP1.eyJ0Ijoi…"},
    ]
