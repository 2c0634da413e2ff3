"""Check-in lists over real HTTP (#21 §5): /api/events/{id}/checkin-lists (roles, field errors in the
JSON error format, delete only when unused), v1 check-ins and offline uploads on a chosen list, and
the device sync carrying the lists and each ticket's passes."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlmodel import select

from eventpalour.db import read_only
from eventpalour.models import CheckInList, Ticket
from eventpalour.models.types import utcnow
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.sales import checkout
from eventpalour.services.workspaces import api_tokens
from tests.api.serving import assert_json_error
from tests.api.support import with_session
from tests.factories import add_member, make_event, make_organizer, make_user, make_workspace


@pytest.fixture
def gala(http: httpx.Client):
    owner = make_organizer()
    workspace = make_workspace(owner)
    tiers = [TierInput(name="General", price=0, quantity=30), TierInput(name="VIP", price=0, quantity=5)]
    event = make_event(owner, workspace.id, publish=True, title="Gala Night", tiers=tiers)
    tier_ids = {t.name: t.id for t in get_tiers(actor=owner.summary, event_id=event.id)}
    codes = {}
    for name in ("General", "VIP"):
        order = checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={tier_ids[name]: 1})
        with read_only() as session:
            codes[name] = session.exec(select(Ticket).where(Ticket.order_id == order.order_id)).one()
    staff = make_user(full_name="Gate Keeper")
    add_member(workspace.id, staff, "member")
    base = str(http.base_url)
    organizer = with_session(httpx.Client(base_url=base), owner.token)
    door = with_session(httpx.Client(base_url=base), staff.token)
    token = api_tokens.create_api_token(
        actor=owner.summary, workspace_id=workspace.id, name="Turnstiles", scopes=["checkins:write"]
    )
    return event, tier_ids, codes, organizer, door, token.secret


def _lounge(client: httpx.Client, event, tier_ids) -> dict:
    made = client.post(
        f"/api/events/{event.id}/checkin-lists",
        json={"name": "VIP lounge", "allTiers": False, "tierIds": [tier_ids["VIP"]], "countExits": True},
    )
    assert made.status_code == 201, made.text
    return made.json()


def test_organizer_manages_lists_and_door_staff_read_them(gala):
    event, tier_ids, _, organizer, door, _ = gala
    lounge = _lounge(organizer, event, tier_ids)
    assert (lounge["tiers"], lounge["total"], lounge["countExits"], lounge["canDelete"]) == ("VIP", 1, True, True)
    listed = door.get(f"/api/events/{event.short_id}/checkin-lists")
    assert listed.status_code == 200
    assert [(r["name"], r["isDefault"]) for r in listed.json()] == [("Main entrance", True), ("VIP lounge", False)]
    renamed = organizer.put(
        f"/api/events/{event.id}/checkin-lists/{lounge['id']}", json={"name": "Backstage", "allTiers": True}
    )
    assert renamed.status_code == 200 and renamed.json()["tiers"] == "All tiers"
    denied = door.post(f"/api/events/{event.id}/checkin-lists", json={"name": "Side door"})
    assert "moderator" in assert_json_error(denied, 403)
    gone = organizer.delete(f"/api/events/{event.id}/checkin-lists/{lounge['id']}")
    assert gone.status_code == 204
    main = organizer.delete(f"/api/events/{event.id}/checkin-lists/{event.id}")
    assert_json_error(main, 409)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "Main Entrance"}, "name"),
        ({"name": "Lounge", "allTiers": False, "tierIds": []}, "tier_ids"),
        ({"name": "Lounge", "allTiers": False, "tierIds": ["tirNotOfThisEvt"]}, "tier_ids"),
    ],
)
def test_list_field_errors_in_the_json_format_change_nothing(gala, body, field):
    event, _, _, organizer, _, _ = gala
    answer = organizer.post(f"/api/events/{event.id}/checkin-lists", json=body)
    assert_json_error(answer, 400)
    assert answer.json()["details"][0]["path"] == [field]
    with read_only() as session:
        assert session.exec(select(CheckInList)).all() == []  # not even the main list: made when first needed


def test_v1_check_ins_on_a_list_with_exits(http: httpx.Client, gala):
    event, tier_ids, codes, organizer, _, secret = gala
    lounge = _lounge(organizer, event, tier_ids)
    url, auth = f"/api/v1/events/{event.id}/check-ins", {"Authorization": f"Bearer {secret}"}

    def check(code: str, **extra) -> dict:
        answer = http.post(url, json={"code": code, **extra}, headers=auth)
        assert answer.status_code == 200, answer.text
        return answer.json()

    assert check(codes["VIP"].short_code)["result"] == "ok"  # the main list
    assert check(codes["VIP"].short_code, list_id=lounge["id"])["result"] == "ok"
    assert check(codes["VIP"].short_code, list_id=lounge["id"], direction="exit")["result"] == "exited"
    refused = check(codes["General"].short_code, list_id=lounge["id"])
    assert (refused["admitted"], refused["result"]) == (False, "wrong_gate")
    unknown = http.post(url, json={"code": codes["VIP"].short_code, "list_id": "nosuchlist"}, headers=auth)
    assert assert_json_error(unknown, 400) and unknown.json()["details"][0]["path"] == ["listId"]
    no_exits = http.post(url, json={"code": codes["VIP"].short_code, "direction": "exit"}, headers=auth)
    assert_json_error(no_exits, 400)
    sideways = http.post(url, json={"code": codes["VIP"].short_code, "direction": "sideways"}, headers=auth)
    assert_json_error(sideways, 422)


def test_sync_carries_lists_and_passes_and_uploads_go_to_their_list(gala):
    event, tier_ids, codes, organizer, door, _ = gala
    lounge = _lounge(organizer, event, tier_ids)
    synced = door.get(f"/api/events/{event.short_id}/door/sync").json()
    assert synced["timezone"] == event.timezone
    assert [(g["name"], g["allTiers"], g["tierIds"]) for g in synced["lists"]] == [
        ("Main entrance", True, []),
        ("VIP lounge", False, [tier_ids["VIP"]]),
    ]
    at = (utcnow() - timedelta(minutes=4)).isoformat()
    vip = codes["VIP"].id
    upload = door.post(
        f"/api/events/{event.short_id}/door/scans",
        json={
            "deviceId": "device-aaaa-0001",
            "scans": [
                {"sequence": 1, "ticketId": vip, "scannedAt": at, "result": "ok", "listId": lounge["id"]},
                {"sequence": 2, "ticketId": vip, "scannedAt": at, "result": "ok", "listId": "nosuchlist"},
            ],
        },
    )
    assert assert_json_error(upload, 400) and upload.json()["details"][0]["path"] == ["scans"]
    upload = door.post(
        f"/api/events/{event.short_id}/door/scans",
        json={
            "deviceId": "device-aaaa-0001",
            "scans": [{"sequence": 1, "ticketId": vip, "scannedAt": at, "result": "ok", "listId": lounge["id"]}],
        },
    )
    assert upload.status_code == 200 and upload.json()[0]["outcome"] == "admitted", upload.text
    again = door.get(f"/api/events/{event.short_id}/door/sync", params={"since": synced["cursor"]}).json()
    [ticket] = [t for t in again["tickets"] if t["id"] == vip]
    assert [(p["listId"], p["direction"]) for p in ticket["passes"]] == [(lounge["id"], "entry")]
