"""Check-in lists (gates, #21 §5) through the services on the real database: once per list, tier
coverage, re-admission once per day, exits and "inside now", managing lists with field errors, and
offline uploads applied per list with conflicts per list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import delete, update
from sqlmodel import select

from eventpalour.db import read_only, transaction
from eventpalour.models import CheckIn, CheckInCount, OfflineScan, Ticket
from eventpalour.models.types import utcnow
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.platform.errors import Conflict, PermissionDenied, ValidationFailed
from eventpalour.services.sales import checkout
from eventpalour.services.tickets import checkin_lists, gates, offline_scans, scanning, ticket_tokens
from eventpalour.services.tickets.checkin_lists import ListInput
from eventpalour.services.tickets.offline_scans import OfflineCheckIn
from tests.factories import add_member, make_event, make_organizer, make_user, make_workspace


@dataclass
class Festival:
    owner: object
    staff: object
    event_id: str
    general_tier: str
    vip_tier: str
    general: Ticket
    vip: Ticket


def _ticket(holder, event_id: str, tier_id: str) -> Ticket:
    order = checkout.book_ticket(actor=holder.summary, event_id=event_id, quantities={tier_id: 1})
    with read_only() as session:
        return session.exec(select(Ticket).where(Ticket.order_id == order.order_id)).one()


@pytest.fixture
def fest() -> Festival:
    owner = make_organizer()
    workspace = make_workspace(owner)
    tiers = [TierInput(name="General", price=0, quantity=50), TierInput(name="VIP", price=0, quantity=10)]
    event = make_event(owner, workspace.id, publish=True, title="Lamu Cultural Festival", tiers=tiers)
    by_name = {t.name: t.id for t in get_tiers(actor=owner.summary, event_id=event.id)}
    staff = make_user(full_name="Gate Keeper")
    add_member(workspace.id, staff, "member")
    general = _ticket(make_user(full_name="Baraka Otieno"), event.id, by_name["General"])
    vip = _ticket(make_user(full_name="Amina Wanjiru"), event.id, by_name["VIP"])
    return Festival(owner, staff, event.id, by_name["General"], by_name["VIP"], general, vip)


def _lounge(fest: Festival, **settings) -> str:
    data = ListInput(name="VIP lounge", all_tiers=False, tier_ids=(fest.vip_tier,), **settings)
    return checkin_lists.create_checkin_list(actor=fest.owner.summary, event_id=fest.event_id, data=data).id


def _scan(fest: Festival, t: Ticket, list_id: str = "", direction: str = "entry") -> scanning.ScanOutcome:
    token = ticket_tokens.sign_signed(t.id, t.event_id, t.tier_id, t.secret_version)
    return scanning.scan_ticket(
        actor=fest.staff.summary, event_id=fest.event_id, token_or_code=token, list_id=list_id, direction=direction
    )


def _as_if_yesterday() -> None:
    """Move every pass a day back, and the counters kept of them with it (counted again from the moved
    passes, as their writers count them)."""
    with transaction() as session:
        session.exec(update(CheckIn).values(at=utcnow() - timedelta(days=1)))
        connection = session.connection()
        connection.execute(delete(CheckInCount))
        gates.count_passes(connection, connection.execute(select(CheckIn.__table__)).mappings().all(), +1)


def _recount(list_id: str) -> tuple[int, int, int]:
    """(admitted, entries, exits) of a list, counted from its passes: what the kept counters must say."""
    with read_only() as session:
        passes = session.exec(select(CheckIn).where(CheckIn.list_id == list_id)).all()
    entries = [p for p in passes if p.direction == "entry"]
    return len({p.ticket_id for p in entries}), len(entries), len(passes) - len(entries)


def _rows(fest: Festival) -> dict[str, checkin_lists.ListRow]:
    return {r.name: r for r in checkin_lists.event_checkin_lists(actor=fest.staff.summary, event_id=fest.event_id)}


def test_the_main_lists_name_is_said_per_reader_until_renamed_and_an_organizers_stays_as_typed(fest):
    """The default list's name is the system's words (#23 §1): Kiswahili and French readers read it in
    their language, on the scanner and wherever lists show; an organizer's own name is never translated,
    even one that is a catalog word, and a renamed main list keeps its new name."""
    from eventpalour.state.scanner import gate_shown

    entry = checkin_lists.create_checkin_list(
        actor=fest.owner.summary, event_id=fest.event_id, data=ListInput(name="Entry", all_tiers=True)
    )
    rows = checkin_lists.event_checkin_lists(actor=fest.staff.summary, event_id=fest.event_id)
    assert [gate_shown(row, "fr").name for row in rows] == ["Entrée principale", "Entry"]
    assert [gate_shown(row, "sw").name for row in rows] == ["Mlango mkuu", "Entry"]
    assert [gate_shown(row).name for row in rows] == ["Main entrance", "Entry"]

    renamed, main_id = ListInput(name="Lango la Kaskazini"), fest.event_id  # the main list's id is the event's
    checkin_lists.update_checkin_list(actor=fest.owner.summary, event_id=fest.event_id, list_id=main_id, data=renamed)
    [main, _] = checkin_lists.event_checkin_lists(actor=fest.staff.summary, event_id=fest.event_id)
    assert (gate_shown(main, "fr").name, entry.name) == ("Lango la Kaskazini", "Entry")


def test_every_event_has_its_main_list_covering_all_tiers(fest):
    [main] = checkin_lists.event_checkin_lists(actor=fest.staff.summary, event_id=fest.event_id)
    assert (main.name, main.is_default, main.all_tiers, main.tiers_label) == ("Main entrance", True, True, "All tiers")
    assert (main.admitted, main.total, main.inside, main.can_delete) == (0, 2, 0, False)
    assert _scan(fest, fest.general).result == "ok"  # no list named: the main list
    assert _rows(fest)["Main entrance"].admitted == 1


def test_vip_enters_main_gate_then_lounge_once_each_and_general_is_refused_at_the_lounge(fest):
    lounge = _lounge(fest)
    assert _scan(fest, fest.vip).result == "ok"
    assert _scan(fest, fest.vip, lounge).result == "ok"
    again = _scan(fest, fest.vip, lounge)
    assert again.result == "already_used" and again.used_by_name == "Gate Keeper"
    refused = _scan(fest, fest.general, lounge)
    assert refused.result == "wrong_gate" and refused.message.startswith("Not valid at this gate")
    assert _scan(fest, fest.general).result == "ok"
    rows = _rows(fest)
    assert (rows["Main entrance"].admitted, rows["Main entrance"].total) == (2, 2)
    assert (rows["VIP lounge"].admitted, rows["VIP lounge"].total, rows["VIP lounge"].tiers_label) == (1, 1, "VIP")
    with read_only() as session:
        assert session.get(Ticket, fest.vip.id).status == "used"


def test_an_entry_on_a_second_list_touches_the_used_ticket_and_keeps_its_first_admission(fest):
    """A scan's entry writes its ticket's row once (`sales.enter_ticket`): used if it was valid, and
    touched either way, so door devices' next delta brings the pass."""
    lounge = _lounge(fest)
    assert _scan(fest, fest.vip).result == "ok"
    with transaction() as session:
        first = session.get(Ticket, fest.vip.id)
        admitted_at, admitted_by = first.used_at, first.used_by_id
        session.exec(update(Ticket).values(updated_at=utcnow() - timedelta(hours=1)))
    assert _scan(fest, fest.vip, lounge).result == "ok"
    with read_only() as session:
        again = session.get(Ticket, fest.vip.id)
        assert (again.status, again.used_at, again.used_by_id) == ("used", admitted_at, admitted_by)
        assert again.updated_at > utcnow() - timedelta(minutes=1)
        untouched = session.get(Ticket, fest.general.id)
        assert untouched.updated_at < utcnow() - timedelta(minutes=50)


def test_a_valid_ticket_with_a_stray_pass_is_not_admitted_twice(fest):
    """A valid ticket has passed no list, so a scan does not read its passes (`gates.has_passed_no_list`).
    Were one there anyway, the pass's unique key refuses the scan's "entry 1" and the scan reads them."""
    main = _rows(fest)["Main entrance"].id
    with transaction() as session:
        connection = session.connection()
        gates.ensure_default_list(connection, fest.event_id)
        stray = {
            "id": "strayPass000001", "event_id": fest.event_id, "list_id": main, "ticket_id": fest.general.id,
            "direction": "entry", "ordinal": 1, "at": utcnow() - timedelta(minutes=5), "by_id": fest.staff.id,
            "device": "test",
        }  # fmt: skip
        gates.record_passes(connection, [stray])
    refused = _scan(fest, fest.general)
    assert refused.result == "already_used" and refused.used_by_name == "Gate Keeper"
    with read_only() as session:
        assert len(session.exec(select(CheckIn).where(CheckIn.ticket_id == fest.general.id)).all()) == 1


def test_daily_list_readmits_once_per_day(fest):
    lounge = _lounge(fest, readmit_daily=True)
    assert _scan(fest, fest.vip, lounge).result == "ok"
    assert _scan(fest, fest.vip, lounge).result == "already_used"
    _as_if_yesterday()
    assert _scan(fest, fest.vip, lounge).result == "ok"
    assert _scan(fest, fest.vip, lounge).result == "already_used"
    with read_only() as session:
        assert sorted(c.ordinal for c in session.exec(select(CheckIn).where(CheckIn.list_id == lounge))) == [1, 2]


def test_exits_count_inside_now_and_allow_coming_back(fest):
    lounge = _lounge(fest, count_exits=True)
    assert _scan(fest, fest.vip, lounge, "exit").result == "not_inside"
    assert _scan(fest, fest.vip, lounge).result == "ok"
    assert _scan(fest, fest.vip, lounge).result == "already_used"
    assert _rows(fest)["VIP lounge"].inside == 1
    assert _scan(fest, fest.vip, lounge, "exit").result == "exited"
    assert _rows(fest)["VIP lounge"].inside == 0
    assert _scan(fest, fest.vip, lounge).result == "ok"
    assert (_rows(fest)["VIP lounge"].inside, _rows(fest)["VIP lounge"].admitted) == (1, 1)


def test_scan_with_counters_gives_its_lists_counters_as_the_full_read_has_them(fest):
    """The scanner page shows the counters a scan brings back instead of reading every list again:
    they must equal that list's row of the full read, other devices' scans and exits included."""
    lounge = _lounge(fest, count_exits=True)
    token = ticket_tokens.sign_signed(fest.vip.id, fest.event_id, fest.vip.tier_id, fest.vip.secret_version)

    def scan(list_id: str, direction: str = "entry") -> checkin_lists.ListCounters:
        outcome = scanning.scan_ticket(
            actor=fest.staff.summary,
            event_id=fest.event_id,
            token_or_code=token,
            list_id=list_id,
            direction=direction,
            counters=True,
        )
        assert outcome.counters is not None
        return outcome.counters

    assert _scan(fest, fest.general).counters is None  # only when asked
    main = scan("")  # the main list: the general ticket scanned above by another device counts too
    row = _rows(fest)["Main entrance"]
    assert (main.list_id, main.admitted, main.inside) == (row.id, 2, 0) == (row.id, row.admitted, row.inside)
    for direction, inside in (("entry", 1), ("entry", 1), ("exit", 0), ("entry", 1)):
        counted = scan(lounge, direction)
        row = _rows(fest)["VIP lounge"]
        assert (counted.list_id, counted.admitted, counted.inside) == (lounge, 1, inside)
        assert (counted.admitted, counted.inside) == (row.admitted, row.inside)


def test_daily_list_with_exits_starts_each_day_outside(fest):
    lounge = _lounge(fest, readmit_daily=True, count_exits=True)
    assert _scan(fest, fest.vip, lounge).result == "ok"
    assert _rows(fest)["VIP lounge"].inside == 1
    _as_if_yesterday()  # and its exit was never scanned
    assert _rows(fest)["VIP lounge"].inside == 0  # inside now: today's entries minus today's exits
    assert _scan(fest, fest.vip, lounge, "exit").result == "not_inside"
    assert _scan(fest, fest.vip, lounge).result == "ok"  # not locked out by the forgotten exit
    assert _scan(fest, fest.vip, lounge).result == "already_used"
    assert _rows(fest)["VIP lounge"].inside == 1
    assert _scan(fest, fest.vip, lounge, "exit").result == "exited"
    assert _rows(fest)["VIP lounge"].inside == 0
    assert _scan(fest, fest.vip, lounge).result == "ok"  # out and back in the same day
    assert (_rows(fest)["VIP lounge"].inside, _rows(fest)["VIP lounge"].admitted) == (1, 1)
    with read_only() as session:
        passes = session.exec(select(CheckIn).where(CheckIn.list_id == lounge)).all()
    assert sorted((c.direction, c.ordinal) for c in passes) == [("entry", 1), ("entry", 2), ("entry", 3), ("exit", 1)]


def test_the_counters_kept_as_passes_are_written_equal_a_count_of_the_passes(fest):
    """Scans, exits, a second device's upload and an undo each change the kept counters exactly as
    counting the passes again would, on every list."""
    lounge = _lounge(fest, count_exits=True)
    for ticket, list_id, direction in (
        (fest.vip, "", "entry"),
        (fest.vip, lounge, "entry"),
        (fest.vip, lounge, "exit"),
        (fest.vip, lounge, "entry"),
        (fest.general, "", "entry"),
        (fest.general, "", "entry"),  # already used: no pass
    ):
        _scan(fest, ticket, list_id, direction)
    _upload(fest, "device-aaaa-0001", _offline(1, fest.vip, lounge, minutes_ago=1, direction="exit"))
    main = _rows(fest)["Main entrance"]
    assert (main.admitted, _recount(main.id)) == (2, (2, 2, 0))
    assert (_rows(fest)["VIP lounge"].admitted, _rows(fest)["VIP lounge"].inside, _recount(lounge)) == (1, 0, (1, 2, 2))
    scanning.undo_check_in(actor=fest.staff.summary, event_id=fest.event_id, ticket_id=fest.vip.id)
    assert (_rows(fest)["Main entrance"].admitted, _recount(main.id)) == (1, (1, 1, 0))
    assert (_rows(fest)["VIP lounge"].admitted, _rows(fest)["VIP lounge"].inside, _recount(lounge)) == (0, 0, (0, 0, 0))
    with read_only() as session:  # the undone ticket's passes left the counters whole: nothing below zero
        kept = session.exec(select(CheckInCount)).all()
    assert all(min(c.entries, c.first_entries, c.exits) >= 0 for c in kept)
    assert sum(c.first_entries for c in kept if c.list_id == main.id) == 1


def test_the_form_says_what_each_combination_of_settings_does():
    assert checkin_lists.admission_rule(False, False) == "Each ticket is let in once on this list."
    assert "once per day" in checkin_lists.admission_rule(True, False)
    assert "cannot enter twice" in checkin_lists.admission_rule(False, True)
    both = checkin_lists.admission_rule(True, True)
    assert "exit was not scanned the day before is still let in" in both
    assert "today's entries minus today's exits" in both


def test_bad_list_or_direction_is_a_field_error_and_logs_nothing(fest):
    with pytest.raises(ValidationFailed) as unknown:
        _scan(fest, fest.vip, "nosuchlist")
    assert unknown.value.details[0].path == ("listId",)
    with pytest.raises(ValidationFailed) as no_exits:
        _scan(fest, fest.vip, "", "exit")
    assert no_exits.value.details[0].path == ("direction",)
    with read_only() as session:
        assert session.exec(select(CheckIn)).all() == []


def test_undo_takes_the_ticket_off_every_list(fest):
    lounge = _lounge(fest)
    _scan(fest, fest.vip)
    _scan(fest, fest.vip, lounge)
    scanning.undo_check_in(actor=fest.staff.summary, event_id=fest.event_id, ticket_id=fest.vip.id)
    assert _scan(fest, fest.vip, lounge).result == "ok"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (ListInput(name="  "), "name"),
        (ListInput(name="main ENTRANCE"), "name"),
        (ListInput(name="x" * 61), "name"),
        (ListInput(name="Lounge", all_tiers=False), "tier_ids"),
        (ListInput(name="Lounge", all_tiers=False, tier_ids=("tirNotOfThisEvt",)), "tier_ids"),
    ],
)
def test_list_field_errors_change_nothing(fest, data, field):
    with pytest.raises(ValidationFailed) as error:
        checkin_lists.create_checkin_list(actor=fest.owner.summary, event_id=fest.event_id, data=data)
    assert error.value.details[0].path == (field,)
    assert list(_rows(fest)) == ["Main entrance"]


def test_rename_change_tiers_and_delete(fest):
    lounge = _lounge(fest)
    changed = checkin_lists.update_checkin_list(
        actor=fest.owner.summary,
        event_id=fest.event_id,
        list_id=lounge,
        data=ListInput(name="Backstage", all_tiers=False, tier_ids=(fest.vip_tier, fest.general_tier)),
    )
    assert (changed.name, changed.tiers_label, changed.total, changed.can_delete) == (
        "Backstage",
        "General, VIP",
        2,
        True,
    )
    main = checkin_lists.update_checkin_list(
        actor=fest.owner.summary, event_id=fest.event_id, list_id=fest.event_id, data=ListInput(name="Main gate")
    )
    assert main.name == "Main gate" and main.is_default
    _scan(fest, fest.general, lounge)
    with pytest.raises(Conflict):
        checkin_lists.delete_checkin_list(actor=fest.owner.summary, event_id=fest.event_id, list_id=lounge)
    with pytest.raises(Conflict):
        checkin_lists.delete_checkin_list(actor=fest.owner.summary, event_id=fest.event_id, list_id=fest.event_id)
    empty = _lounge(fest)
    checkin_lists.delete_checkin_list(actor=fest.owner.summary, event_id=fest.event_id, list_id=empty)
    assert list(_rows(fest)) == ["Main gate", "Backstage"]


def test_door_staff_read_lists_but_only_moderators_manage_them(fest):
    with pytest.raises(PermissionDenied):
        checkin_lists.create_checkin_list(
            actor=fest.staff.summary, event_id=fest.event_id, data=ListInput(name="Side door")
        )
    assert list(_rows(fest)) == ["Main entrance"]


def _offline(sequence: int, t: Ticket, list_id: str = "", minutes_ago: int = 5, direction: str = "entry"):
    result = "exited" if direction == "exit" else "ok"
    return OfflineCheckIn(sequence, t.id, utcnow() - timedelta(minutes=minutes_ago), result, list_id, direction)


def _upload(fest: Festival, device: str, *scans: OfflineCheckIn) -> list[str]:
    answers = offline_scans.upload_offline_scans(
        actor=fest.staff.summary, event_id=fest.event_id, device_id=device, scans=list(scans)
    )
    return [a.outcome for a in answers]


def test_offline_upload_applies_each_scan_on_its_list(fest):
    lounge = _lounge(fest, count_exits=True)
    outcomes = _upload(
        fest,
        "device-aaaa-0001",
        _offline(1, fest.vip, minutes_ago=9),
        _offline(2, fest.vip, lounge, minutes_ago=8),
        _offline(3, fest.vip, lounge, minutes_ago=7, direction="exit"),
        _offline(4, fest.general, lounge, minutes_ago=6),  # the device let a General ticket in: wrong gate
    )
    assert outcomes == ["admitted", "admitted", "admitted", "conflict"]
    rows = _rows(fest)
    assert (rows["Main entrance"].admitted, rows["VIP lounge"].admitted, rows["VIP lounge"].inside) == (1, 1, 0)
    with read_only() as session:
        stored = {s.sequence: s for s in session.exec(select(OfflineScan))}
    assert (stored[2].list_id, stored[3].direction) == (lounge, "exit")
    assert "does not admit" in stored[4].note


def test_two_offline_devices_conflict_per_list(fest):
    lounge = _lounge(fest)
    assert _upload(fest, "device-aaaa-0001", _offline(1, fest.vip, lounge, minutes_ago=9)) == ["admitted"]
    # the second phone let the same VIP into the lounge (a conflict) and through the main gate (its first there)
    both = _upload(fest, "device-bbbb-0002", _offline(1, fest.vip, lounge, 7), _offline(2, fest.vip, "", 6))
    assert both == ["conflict", "admitted"]
    [conflict] = offline_scans.offline_conflicts(actor=fest.staff.summary, event_id=fest.event_id)
    assert conflict.device_id == "device-bbbb-0002" and "VIP lounge" in conflict.note
    # an online scan at the lounge after both: already used there
    assert _scan(fest, fest.vip, lounge).result == "already_used"


def test_offline_upload_to_an_unknown_list_is_refused_whole(fest):
    with pytest.raises(ValidationFailed) as error:
        _upload(fest, "device-aaaa-0001", _offline(1, fest.vip), _offline(2, fest.vip, "nosuchlist"))
    assert error.value.details[0].path == ("scans",)
    with read_only() as session:
        assert session.exec(select(OfflineScan)).all() == []
