"""The live door dashboard (#21 §6) from the real database: per list counters, entries per list in
15-minute buckets of the event's zone, check-ins per device, devices last heard from ("offline for 12 min"),
and tickets let in twice with both devices and times."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import update

from eventpalour.db import transaction
from eventpalour.models import CheckIn, DoorDevice
from eventpalour.models.types import utcnow
from eventpalour.services.platform import said, time_zone
from eventpalour.services.platform.errors import PermissionDenied, ValidationFailed
from eventpalour.services.tickets import checkin_lists, live_door, offline_scans, scanning, ticket_tokens
from eventpalour.services.tickets.checkin_lists import ListInput
from eventpalour.services.tickets.offline_scans import OfflineCheckIn
from tests.factories import add_member, make_user
from tests.ticket_support import issue, make_venue

PHONE_A = "device-aaaa-0001"
PHONE_B = "device-bbbb-0002"


@pytest.fixture
def door():
    venue = make_venue()
    staff = make_user(full_name="Gate Keeper")
    add_member(venue.workspace_id, staff, "member")
    return venue, staff


def _upload(staff, venue, device: str, *scans: OfflineCheckIn) -> list[str]:
    answers = offline_scans.upload_offline_scans(
        actor=staff.summary, event_id=venue.event_id, device_id=device, scans=list(scans)
    )
    return [a.outcome for a in answers]


def test_an_event_with_no_check_ins_has_an_empty_dashboard(door):
    venue, _ = door
    board = live_door.door_dashboard(actor=venue.owner.summary, event_id=venue.short_id)
    assert [(r.name, r.admitted, r.total) for r in board.lists] == [("Main entrance", 0, 0)]
    assert (board.buckets, board.devices, board.conflicts) == ([], [], [])


def test_counts_buckets_devices_and_conflicts(door):
    venue, staff = door
    first, second, third = issue(venue, count=3)
    base = utcnow() - timedelta(minutes=40)
    assert _upload(
        staff,
        venue,
        PHONE_A,
        OfflineCheckIn(1, first.id, base, "ok"),
        OfflineCheckIn(2, second.id, base + timedelta(minutes=16), "ok"),
    ) == ["admitted", "admitted"]
    # phone B let `first` in again (a conflict) and admitted `third`
    assert _upload(
        staff,
        venue,
        PHONE_B,
        OfflineCheckIn(1, first.id, base + timedelta(minutes=20), "ok"),
        OfflineCheckIn(2, third.id, base + timedelta(minutes=21), "ok"),
    ) == ["conflict", "admitted"]
    with transaction() as session:  # phone A last heard from 12 minutes ago
        session.exec(
            update(DoorDevice)
            .where(DoorDevice.device_id == PHONE_A)
            .values(last_seen_at=utcnow() - timedelta(minutes=12))
        )
    board = live_door.door_dashboard(actor=venue.owner.summary, event_id=venue.short_id)
    [main] = board.lists
    assert (main.admitted, main.total) == (3, 3)
    assert sum(b.admitted for b in board.buckets) == 3
    assert all(len(b.admitted_per_list) == 1 for b in board.buckets)
    local = base.astimezone(time_zone("Africa/Nairobi"))
    assert board.buckets[0].label == f"{local.hour:02d}:{local.minute - local.minute % 15:02d}"
    devices = {d.device_id: d for d in board.devices}
    assert (devices[PHONE_B].last_seen_label, devices[PHONE_B].online, devices[PHONE_B].check_ins) == (
        "Online",
        True,
        1,
    )
    assert (devices[PHONE_A].last_seen_label, devices[PHONE_A].online, devices[PHONE_A].check_ins) == (
        "Offline for 12 min",
        False,
        2,
    )
    assert "Gate Keeper" in devices[PHONE_A].label
    [conflict] = board.conflicts
    assert (conflict.short_code, conflict.list_name) == (first.short_code, "Main entrance")
    assert (conflict.first_device, conflict.second_device) == (PHONE_A, PHONE_B)
    assert conflict.first_at and conflict.second_at and conflict.first_at != conflict.second_at


def test_the_scanner_reports_its_device(door):
    venue, staff = door
    live_door.see_door_device(actor=staff.summary, event_id=venue.short_id, device_id=PHONE_A)
    [device] = live_door.door_dashboard(actor=venue.owner.summary, event_id=venue.event_id).devices
    assert (device.device_id, device.online, device.check_ins) == (PHONE_A, True, 0)
    with pytest.raises(ValidationFailed):
        live_door.see_door_device(actor=staff.summary, event_id=venue.short_id, device_id="bad id!")


def test_only_moderators_see_the_dashboard(door):
    venue, staff = door
    with pytest.raises(PermissionDenied):
        live_door.door_dashboard(actor=staff.summary, event_id=venue.short_id)


def test_entries_count_once_per_bucket_in_the_events_zone(door):
    venue, staff = door
    [t] = issue(venue)
    assert _upload(staff, venue, PHONE_A, OfflineCheckIn(1, t.id, utcnow() - timedelta(minutes=5), "ok")) == [
        "admitted"
    ]
    with transaction() as session:
        session.exec(update(CheckIn).values(at=utcnow().replace(hour=20, minute=59) - timedelta(days=1)))
    [bucket] = live_door.door_dashboard(actor=venue.owner.summary, event_id=venue.short_id).buckets
    assert (bucket.label, bucket.admitted_per_list) == ("23:45", (1,))  # 20:59 UTC is 23:59 in Nairobi


def _scan(staff, venue, t, list_id: str = "", direction: str = "entry") -> str:
    token = ticket_tokens.sign_signed(t.id, t.event_id, t.tier_id, t.secret_version)
    return scanning.scan_ticket(
        actor=staff.summary, event_id=venue.short_id, token_or_code=token, list_id=list_id, direction=direction
    ).result


def _move(ticket_id: str, list_id: str, direction: str, at: datetime) -> None:
    with transaction() as session:
        session.exec(
            update(CheckIn)
            .where(CheckIn.ticket_id == ticket_id, CheckIn.list_id == list_id, CheckIn.direction == direction)
            .values(at=at)
        )


def test_entries_per_list_share_the_buckets_of_the_events_zone(door):
    venue, staff = door
    lounge = checkin_lists.create_checkin_list(
        actor=venue.owner.summary, event_id=venue.event_id, data=ListInput(name="VIP lounge", count_exits=True)
    ).id
    amina, baraka = issue(venue, count=2)
    assert [_scan(staff, venue, amina), _scan(staff, venue, baraka)] == ["ok", "ok"]
    assert [_scan(staff, venue, amina, lounge), _scan(staff, venue, amina, lounge, "exit")] == ["ok", "exited"]
    evening = (
        (utcnow() - timedelta(days=1))
        .astimezone(time_zone("Africa/Nairobi"))
        .replace(hour=19, minute=0, second=0, microsecond=0)
    )
    _move(amina.id, venue.event_id, "entry", evening + timedelta(minutes=5, seconds=30, microseconds=999))
    _move(amina.id, lounge, "entry", evening + timedelta(minutes=14, seconds=59))
    _move(amina.id, lounge, "exit", evening + timedelta(minutes=20))  # exits are not admissions
    _move(baraka.id, venue.event_id, "entry", evening + timedelta(minutes=50))
    board = live_door.door_dashboard(actor=venue.owner.summary, event_id=venue.short_id)
    assert [row.name for row in board.lists] == ["Main entrance", "VIP lounge"]
    assert [(b.label, b.admitted_per_list) for b in board.buckets] == [
        ("19:00", (1, 1)),
        ("19:15", (0, 0)),
        ("19:30", (0, 0)),
        ("19:45", (1, 0)),
    ]


def test_the_scanner_links_the_dashboard_only_for_those_who_may_open_it(door):
    venue, staff = door
    assert scanning.scanner_event(actor=venue.owner.summary, event_id=venue.short_id).can_watch
    assert not scanning.scanner_event(actor=staff.summary, event_id=venue.short_id).can_watch


def test_a_conflict_after_a_check_in_by_hand_names_the_attendee_list_in_the_readers_language(door):
    """The device the system names (a check-in from the attendee list, an offline phone's uploads in the
    scan log) is said in each reader's language; a phone's own id stays as stored."""
    venue, staff = door
    [ticket] = issue(venue)
    assert scanning.check_in_ticket(actor=staff.summary, event_id=venue.event_id, ticket_id=ticket.id).result == "ok"
    later = utcnow() + timedelta(minutes=1)
    assert _upload(staff, venue, PHONE_B, OfflineCheckIn(1, ticket.id, later, "ok")) == ["conflict"]

    [conflict] = live_door.door_dashboard(actor=venue.owner.summary, event_id=venue.short_id).conflicts
    assert (conflict.first_device, conflict.second_device) == ("Attendee list", PHONE_B)
    assert [said(language, conflict.first_device) for language in ("sw", "fr")] == [
        "Orodha ya wahudhuriaji",
        "Liste des participants",
    ]
    offline = scanning.device_name(scanning.OFFLINE_DEVICE + "abcd1234")
    assert (str(offline), said("fr", offline)) == ("Offline device abcd1234", "Appareil hors ligne abcd1234")
    assert said("sw", scanning.device_name(PHONE_A)) == PHONE_A
