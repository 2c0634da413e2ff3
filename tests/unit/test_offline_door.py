"""Door devices offline (#21 §3, §4): the ticket list then only what changed, and queued offline
check-ins applied once each, the first admission winning and a second one reported as a conflict."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from eventpalour.db import read_only, transaction
from eventpalour.models import OfflineScan, Ticket, TicketScan
from eventpalour.models.types import utcnow
from eventpalour.services.platform import gettext
from eventpalour.services.platform.errors import NotAuthenticated, PermissionDenied, ValidationFailed
from eventpalour.services.tickets import door_sync, offline_scans, scanning, ticket_tokens
from eventpalour.services.tickets.offline_scans import OfflineCheckIn
from tests.factories import add_member, make_user
from tests.ticket_support import issue, make_venue, ticket

PHONE_A = "device-aaaa-0001"
PHONE_B = "device-bbbb-0002"


@pytest.fixture
def door():
    venue = make_venue()
    staff = make_user(full_name="Gate Keeper")
    add_member(venue.workspace_id, staff, "member")
    return venue, staff


def _age_all_tickets() -> None:
    """As if every ticket was last written an hour ago (before the device's last sync)."""
    with transaction() as session:
        session.exec(update(Ticket).values(updated_at=utcnow() - timedelta(hours=1)))


def _upload(staff, venue, device: str, *scans: OfflineCheckIn) -> list[offline_scans.AppliedScan]:
    return offline_scans.upload_offline_scans(
        actor=staff.summary, event_id=venue.short_id, device_id=device, scans=list(scans)
    )


def _admitted(sequence: int, t: Ticket, minutes_ago: int = 5) -> OfflineCheckIn:
    return OfflineCheckIn(sequence, t.id, utcnow() - timedelta(minutes=minutes_ago), "ok")


def _log_count() -> int:
    with read_only() as session:
        return len(session.exec(select(TicketScan)).all())


def test_device_sync_full_list_has_hashes_key_and_holders(door):
    venue, staff = door
    holder = make_user(full_name="Amina Wanjiru")
    tickets = issue(venue, holder, count=2)
    synced = door_sync.device_sync(actor=staff.summary, event_id=venue.short_id)
    assert synced.full and synced.event_id == venue.event_id and len(synced.public_key) == 43
    assert sorted(s.id for s in synced.tickets) == sorted(t.id for t in tickets)
    first = next(s for s in synced.tickets if s.id == tickets[0].id)
    assert first.code_hash == door_sync.code_hash(venue.event_id, tickets[0].short_code)
    assert tickets[0].short_code not in first.code_hash
    assert (first.holder_name, first.tier_name, first.status, first.version) == ("Amina Wanjiru", "General", "valid", 1)


def test_device_sync_delta_holds_only_changed_tickets(door):
    venue, staff = door
    kept, scanned = issue(venue, count=2)
    _age_all_tickets()
    cursor = door_sync.device_sync(actor=staff.summary, event_id=venue.short_id).cursor
    token = ticket_tokens.sign(scanned.id, scanned.event_id, 1)
    scanning.scan_ticket(actor=staff.summary, event_id=venue.short_id, token_or_code=token)
    delta = door_sync.device_sync(actor=staff.summary, event_id=venue.short_id, since=cursor)
    assert not delta.full
    assert [(s.id, s.status) for s in delta.tickets] == [(scanned.id, "used")]
    assert kept.id not in {s.id for s in delta.tickets}


def test_device_sync_delta_carries_a_revoked_version(door):
    venue, staff = door
    [t] = issue(venue)
    _age_all_tickets()
    cursor = door_sync.device_sync(actor=staff.summary, event_id=venue.short_id).cursor
    with transaction() as session:
        session.exec(update(Ticket).where(col(Ticket.id) == t.id).values(secret_version=2))
    delta = door_sync.device_sync(actor=staff.summary, event_id=venue.short_id, since=cursor)
    assert [(s.id, s.version) for s in delta.tickets] == [(t.id, 2)]


@pytest.mark.parametrize("cursor", ["yesterday", "2026-01-01T10:00:00", (utcnow() + timedelta(days=1)).isoformat()])
def test_device_sync_bad_cursor_rejected(door, cursor):
    venue, staff = door
    with pytest.raises(ValidationFailed):
        door_sync.device_sync(actor=staff.summary, event_id=venue.short_id, since=cursor)


def test_device_sync_needs_a_member(door):
    venue, _ = door
    with pytest.raises(PermissionDenied):
        door_sync.device_sync(actor=make_user().summary, event_id=venue.short_id)
    with pytest.raises(NotAuthenticated):
        door_sync.device_sync(actor=None, event_id=venue.short_id)


def test_upload_offline_scans_admits_at_the_device_time(door):
    venue, staff = door
    [t] = issue(venue)
    scan = _admitted(1, t, minutes_ago=7)
    [answer] = _upload(staff, venue, PHONE_A, scan)
    assert answer.outcome == "admitted"
    stored = ticket(t.id)
    assert stored.status == "used" and abs(stored.used_at - scan.scanned_at) < timedelta(milliseconds=1)
    with read_only() as session:
        [logged] = session.exec(select(TicketScan)).all()
    assert (logged.result, logged.method, logged.ticket_id) == ("ok", "offline", t.id)


def test_upload_offline_scans_is_idempotent_by_device_and_sequence(door):
    venue, staff = door
    first, second = issue(venue, count=2)
    answers = _upload(staff, venue, PHONE_A, _admitted(1, first), _admitted(2, second))
    again = _upload(staff, venue, PHONE_A, _admitted(1, first), _admitted(2, second))
    assert [a.outcome for a in again] == [a.outcome for a in answers] == ["admitted", "admitted"]
    assert _log_count() == 2
    with read_only() as session:
        assert len(session.exec(select(OfflineScan)).all()) == 2


def test_two_offline_devices_admit_one_ticket_first_time_wins_and_one_conflict(door):
    venue, staff = door
    [t] = issue(venue)
    later, earlier = _admitted(1, t, minutes_ago=2), _admitted(1, t, minutes_ago=9)
    assert _upload(staff, venue, PHONE_A, later)[0].outcome == "admitted"
    [answer] = _upload(staff, venue, PHONE_B, earlier)
    assert answer.outcome == "conflict" and "Admitted twice" in answer.message
    assert abs(ticket(t.id).used_at - earlier.scanned_at) < timedelta(milliseconds=1)
    [conflict] = offline_scans.offline_conflicts(actor=staff.summary, event_id=venue.short_id)
    assert (conflict.short_code, conflict.device_id) == (t.short_code, PHONE_B)


def test_a_conflict_note_reads_in_each_readers_language(door):
    """The note is stored as its sentence and values, so the uploader, the door and the organizer
    each read it in their own language (#23 §1); the English stays in `note` too."""
    venue, staff = door
    [t] = issue(venue)
    _upload(staff, venue, PHONE_A, _admitted(1, t, minutes_ago=2))
    [answer] = _upload(staff, venue, PHONE_B, _admitted(1, t, minutes_ago=9))
    [conflict] = offline_scans.offline_conflicts(actor=staff.summary, event_id=venue.short_id)

    for said in (answer.message, conflict.note):
        assert said.startswith("Admitted twice on Main entrance: at ")
        # the default list's name is the system's words too, said in each language within the sentence
        assert gettext("sw", said).startswith("Aliingizwa mara mbili kupitia Mlango mkuu: saa ")
        assert gettext("fr", said).startswith("Admis deux fois par Entrée principale : à ")
    with read_only() as session:
        stored = session.exec(select(OfflineScan).where(OfflineScan.device_id == PHONE_B)).one()
    assert stored.note == str(answer.message) and stored.note_template == answer.message.template
    assert set(stored.note_values) == {"gate", "at", "other"}
    assert stored.note_values["gate"] == {"template": "Main entrance", "values": {}}


def test_a_note_stored_before_notes_were_translatable_reads_as_written(door):
    venue, staff = door
    [t] = issue(venue)
    _upload(staff, venue, PHONE_A, _admitted(1, t, minutes_ago=2))
    _upload(staff, venue, PHONE_B, _admitted(1, t, minutes_ago=9))
    with transaction() as session:  # as a row uploaded before the sentence and values were kept
        session.exec(
            update(OfflineScan).values(note="Admitted twice: an old note.", note_template=None, note_values=None)
        )

    [conflict] = offline_scans.offline_conflicts(actor=staff.summary, event_id=venue.short_id)
    [answer] = _upload(staff, venue, PHONE_B, _admitted(1, t, minutes_ago=9))  # the same scan again
    assert conflict.note == answer.message == "Admitted twice: an old note."
    assert gettext("sw", conflict.note) == "Admitted twice: an old note."


def test_upload_offline_scan_after_online_scan_is_a_conflict(door):
    venue, staff = door
    [t] = issue(venue)
    scanning.scan_ticket(actor=staff.summary, event_id=venue.short_id, token_or_code=t.short_code)
    assert _upload(staff, venue, PHONE_A, _admitted(1, t, minutes_ago=0))[0].outcome == "conflict"


def test_upload_refused_scan_is_only_logged(door):
    venue, staff = door
    [t] = issue(venue)
    refused = OfflineCheckIn(1, "", utcnow(), "invalid")
    assert [a.outcome for a in _upload(staff, venue, PHONE_A, refused)] == ["logged"]
    assert ticket(t.id).status == "valid" and _log_count() == 1


@pytest.mark.parametrize(
    ("device", "scan"),
    [
        ("short", OfflineCheckIn(1, "", utcnow(), "ok")),
        (PHONE_A, OfflineCheckIn(1, "", utcnow() + timedelta(hours=1), "ok")),
        (PHONE_A, OfflineCheckIn(-1, "", utcnow(), "ok")),
        (PHONE_A, OfflineCheckIn(1, "", utcnow(), "welcome")),
    ],
)
def test_upload_bad_input_rejected_and_nothing_changes(door, device, scan):
    venue, staff = door
    [t] = issue(venue)
    good = _admitted(2, t)
    with pytest.raises(ValidationFailed):
        _upload(staff, venue, device, good, scan)
    assert ticket(t.id).status == "valid" and _log_count() == 0


def test_upload_needs_a_member(door):
    venue, _ = door
    [t] = issue(venue)
    with pytest.raises(PermissionDenied):
        _upload(make_user(), venue, PHONE_A, _admitted(1, t))
    assert ticket(t.id).status == "valid"


def test_one_upload_with_the_same_ticket_twice_admits_the_earlier(door):
    venue, staff = door
    [t] = issue(venue)
    later, earlier = _admitted(1, t, minutes_ago=1), _admitted(2, t, minutes_ago=4)
    answers = _upload(staff, venue, PHONE_A, later, earlier)
    assert [(a.sequence, a.outcome) for a in answers] == [(1, "conflict"), (2, "admitted")]
    assert abs(ticket(t.id).used_at - earlier.scanned_at) < timedelta(milliseconds=1)
