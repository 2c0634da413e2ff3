"""Door devices over real HTTP (#21): the ticket list then deltas, offline check-ins uploaded once
each, conflicts listed; every refusal is the JSON error format and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update

from eventpalour.db import transaction
from eventpalour.models import Ticket
from eventpalour.models.types import utcnow
from eventpalour.services.tickets import door_sync
from tests.api.support import with_session
from tests.factories import add_member, make_user
from tests.ticket_support import issue, make_venue, ticket


@pytest.fixture
def door(http: httpx.Client):
    venue = make_venue()
    staff = make_user(full_name="Gate Keeper")
    add_member(venue.workspace_id, staff, "member")
    return venue, with_session(httpx.Client(base_url=str(http.base_url)), staff.token)


def _scan(sequence: int, ticket_id: str, result: str = "ok", minutes_ago: int = 3) -> dict:
    at = (utcnow() - timedelta(minutes=minutes_ago)).isoformat()
    return {"sequence": sequence, "ticketId": ticket_id, "scannedAt": at, "result": result}


def test_sync_full_then_delta(door):
    venue, client = door
    kept, changed = issue(venue, count=2)
    full = client.get(f"/api/events/{venue.short_id}/door/sync")
    assert full.status_code == 200, full.text
    body = full.json()
    assert body["full"] is True and body["eventId"] == venue.event_id and len(body["publicKey"]) == 43
    by_id = {t["id"]: t for t in body["tickets"]}
    assert set(by_id) == {kept.id, changed.id}
    assert by_id[kept.id]["codeHash"] == door_sync.code_hash(venue.event_id, kept.short_code)

    with transaction() as session:
        session.exec(update(Ticket).values(updated_at=utcnow() - timedelta(hours=1)))
        session.exec(update(Ticket).where(Ticket.id == changed.id).values(status="refunded"))
    delta = client.get(f"/api/events/{venue.short_id}/door/sync", params={"since": body["cursor"]})
    assert delta.status_code == 200
    assert [(t["id"], t["status"]) for t in delta.json()["tickets"]] == [(changed.id, "refunded")]
    assert delta.json()["full"] is False


def test_sync_bad_cursor_is_a_field_error(door):
    venue, client = door
    answer = client.get(f"/api/events/{venue.short_id}/door/sync", params={"since": "last tuesday"})
    assert answer.status_code == 400
    assert answer.json()["details"][0]["path"] == ["since"]


def test_sync_and_upload_refused_to_strangers(http: httpx.Client, door):
    venue, _ = door
    [t] = issue(venue)
    stranger = with_session(httpx.Client(base_url=str(http.base_url)), make_user().token)
    assert stranger.get(f"/api/events/{venue.short_id}/door/sync").status_code == 403
    upload = stranger.post(
        f"/api/events/{venue.short_id}/door/scans", json={"deviceId": "device-x-01", "scans": [_scan(1, t.id)]}
    )
    assert upload.status_code == 403 and "error" in upload.json()
    assert http.get(f"/api/events/{venue.short_id}/door/sync").status_code == 401
    assert ticket(t.id).status == "valid"


def test_upload_applies_once_and_reports_a_conflict(door):
    venue, client = door
    [t] = issue(venue)
    url = f"/api/events/{venue.short_id}/door/scans"
    first = client.post(url, json={"deviceId": "device-aaaa-01", "scans": [_scan(1, t.id), _scan(2, "", "invalid")]})
    assert first.status_code == 200, first.text
    assert [a["outcome"] for a in first.json()] == ["admitted", "logged"]
    again = client.post(url, json={"deviceId": "device-aaaa-01", "scans": [_scan(1, t.id)]})
    assert [a["outcome"] for a in again.json()] == ["admitted"]
    other = client.post(url, json={"deviceId": "device-bbbb-02", "scans": [_scan(1, t.id, minutes_ago=1)]})
    assert [a["outcome"] for a in other.json()] == ["conflict"]
    conflicts = client.get(f"/api/events/{venue.short_id}/door/conflicts").json()
    assert [(c["shortCode"], c["deviceId"]) for c in conflicts] == [(t.short_code, "device-bbbb-02")]
    assert ticket(t.id).status == "used"


def test_a_conflict_note_is_said_in_the_readers_language(door):
    """The upload answer and the conflicts list say the note in the reader's language; the answer
    also carries its English sentence and values for a device that translates it itself (door.js)."""
    venue, client = door
    [t] = issue(venue)
    url = f"/api/events/{venue.short_id}/door/scans"
    client.post(url, json={"deviceId": "device-aaaa-01", "scans": [_scan(1, t.id)]})
    other = client.post(
        url,
        json={"deviceId": "device-bbbb-02", "scans": [_scan(1, t.id, minutes_ago=1)]},
        headers={"Accept-Language": "fr"},
    )
    [answer] = other.json()
    assert answer["message"].startswith("Admis deux fois par Entrée principale : à ")
    assert answer["template"] == "Admitted twice on {gate}: at {at} on this device and at {other}."
    # the values as the reader reads them: door.js puts them into the sentence it looks up
    assert answer["values"]["gate"] == "Entrée principale" and set(answer["values"]) == {"gate", "at", "other"}
    conflicts = client.get(f"/api/events/{venue.short_id}/door/conflicts", headers={"Accept-Language": "sw"})
    assert conflicts.json()[0]["note"].startswith("Aliingizwa mara mbili kupitia Mlango mkuu: saa ")


@pytest.mark.parametrize(
    "body",
    [
        {"deviceId": "x", "scans": []},
        {
            "deviceId": "device-aaaa-01",
            "scans": [{"sequence": 1, "ticketId": "", "scannedAt": "2026-01-01T10:00:00", "result": "ok"}],
        },
        {
            "deviceId": "device-aaaa-01",
            "scans": [{"sequence": -4, "scannedAt": "2026-01-01T10:00:00Z", "result": "ok"}],
        },
        {"deviceId": "device-aaaa-01", "scans": [], "extra": 1},
    ],
)
def test_upload_bad_input_rejected(door, body):
    venue, client = door
    answer = client.post(f"/api/events/{venue.short_id}/door/scans", json=body)
    assert answer.status_code in (400, 422)
    assert "error" in answer.json()


def test_service_worker_may_control_the_scanner_pages(http: httpx.Client):
    answer = http.get("/api/door/sw.js")
    assert answer.status_code == 200
    assert answer.headers["service-worker-allowed"] == "/scan/"
    assert answer.headers["content-type"].startswith("text/javascript")
    # Its own policy: the default for non-pages ("default-src 'none'") would block the worker's fetches.
    assert answer.headers["content-security-policy"].startswith("default-src 'self'")
    assert "caches.open" in answer.text


def test_manifest_opens_the_events_scanner(http: httpx.Client):
    answer = http.get("/api/events/abc123XY/door/manifest.webmanifest")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/manifest+json")
    body = answer.json()
    assert (body["start_url"], body["scope"], body["display"]) == ("/scan/abc123XY", "/scan/", "standalone")
    assert {icon["sizes"] for icon in body["icons"]} == {"192x192", "512x512"}
    assert http.get("/api/events/bad%20id!/door/manifest.webmanifest").status_code == 404
