"""Door and ticket handlers decide nothing themselves: a forged scan frame from an outsider or an
anonymous socket admits nobody, and a transfer goes through the service's rules."""

from __future__ import annotations

from sqlmodel import select

from eventpalour.db import read_only
from eventpalour.models import Ticket, TicketScan
from eventpalour.state.base import AuthState
from eventpalour.state.scanner import ScannerState, ScanShown
from eventpalour.state.tickets import TicketsState
from tests.factories import add_member, make_user
from tests.state_support import run_handler, state_for
from tests.ticket_support import issue, make_venue, ticket


def _scans() -> list[str]:
    with read_only() as session:
        return [scan.result for scan in session.exec(select(TicketScan))]


async def test_scanner_handlers_admit_for_members_only():
    venue = make_venue()
    [t] = issue(venue)
    staff = make_user(full_name="Gate Keeper")
    add_member(venue.workspace_id, staff, "member")
    path = f"/scan/{venue.short_id}"

    door = state_for(ScannerState, token=staff.token, path=path)
    await run_handler(door, "load_scanner")
    assert (door.door_event.title, door.checked_in, door.sold) == ("Jazz on the Lawn", 0, 1)

    outsider = make_user()
    for token, seen_as in ((None, ""), (outsider.token, outsider.id)):
        forged = state_for(ScannerState, token=token, path=path)
        forged.door_event = door.door_event  # a frame can claim any state
        await run_handler(forged, "scan_code", {"code": t.short_code})
        assert forged.last_scan == ScanShown()
        # The session was resolved with the scan (one trip, AuthState.call_as_user), and the navbar's
        # user set from it even though the service refused the scan.
        assert (forged.user_id, forged.auth_checked) == (seen_as, True)
    assert ticket(t.id).status == "valid" and _scans() == []

    await run_handler(door, "scan_code", {"code": t.short_code.lower()})
    assert (door.last_scan.result, door.last_scan.title, door.checked_in) == ("ok", "Checked in", 1)
    assert (door.signal_count, door.signal_result) == (1, "ok")  # the page buzzes and beeps once (ScanSignal)
    await run_handler(door, "scan_qr", "not a ticket")
    assert door.last_scan.result == "invalid"
    assert (door.signal_count, door.signal_result) == (2, "invalid")
    await run_handler(door, "scan_code", {"code": "abc"})
    assert door.code_error == "A ticket code has 8 letters and digits."
    assert _scans() == ["ok", "invalid"]


async def test_transfer_handler_shows_the_services_field_error_then_transfers():
    venue = make_venue()
    holder, friend = make_user(), make_user(full_name="Brian Friend")
    [t] = issue(venue, holder)
    tickets_page = state_for(TicketsState, token=holder.token, path="/tickets")
    await run_handler(tickets_page, "load_tickets")
    assert [card.ticket.short_code for card in tickets_page.upcoming] == [t.short_code]

    await run_handler(tickets_page, "open_transfer", t.id)
    # Issue #24, item 4: an unknown address is refused before the confirm step, not after it.
    await run_handler(tickets_page, "review_transfer", {"email": "nobody@example.test"})
    assert "verified" in tickets_page.transfer_errors["email"] and not tickets_page.transfer_confirming
    assert tickets_page.transfer_email == "nobody@example.test" and tickets_page.transfer_id == t.id
    assert not tickets_page.is_transferring
    # The confirm step's own check still holds if a forged frame skips the review.
    await run_handler(tickets_page, "confirm_transfer")
    assert "verified" in tickets_page.transfer_errors["email"] and not tickets_page.transfer_confirming
    assert ticket(t.id).status == "valid"

    await run_handler(tickets_page, "review_transfer", {"email": "  " + friend.email.upper()})
    assert tickets_page.transfer_confirming and tickets_page.transfer_errors == {}
    assert tickets_page.transfer_email == friend.email
    assert ticket(t.id).status == "valid"  # reviewing changes nothing
    await run_handler(tickets_page, "confirm_transfer")
    assert ticket(t.id).status == "transferred" and tickets_page.transfer_id == ""
    with read_only() as session:
        assert session.exec(select(Ticket).where(Ticket.holder_id == friend.id)).one().transferred_from_id == t.id


async def test_transfer_handler_of_someone_elses_ticket_changes_nothing():
    venue = make_venue()
    [t] = issue(venue)
    thief = state_for(TicketsState, token=make_user().token, path="/tickets")
    thief.transfer_id, thief.transfer_email = t.id, make_user().email
    await run_handler(thief, "confirm_transfer")
    assert ticket(t.id).status == "valid"


async def test_a_scan_sends_only_what_it_changed():
    """Reflex sends (and writes back) every var assigned, equal or not: a scan by the same member sends
    the result and the counters that moved, not the navbar's user nor the counters that stayed."""
    venue = make_venue()
    first, second = issue(venue, count=2)
    staff = make_user(full_name="Gate Keeper")
    add_member(venue.workspace_id, staff, "member")
    door = state_for(ScannerState, token=staff.token, path=f"/scan/{venue.short_id}")
    await run_handler(door, "load_scanner")
    auth = door.parent_state
    assert isinstance(auth, AuthState) and type(auth) is AuthState
    assert auth.dirty_vars >= {"user_id", "user_name", "auth_checked"}  # the first event resolves the user
    auth.parent_state._clean()

    await run_handler(door, "scan_code", {"code": first.short_code})
    assert door.last_scan.result == "ok" and door.checked_in == 1
    assert auth.dirty_vars == set()
    assert {"last_scan", "scans_here", "checked_in", "lists", "signal_count"} <= door.dirty_vars
    assert not door.dirty_vars & {"sold", "inside", "counts_exits", "direction"}
    auth.parent_state._clean()

    await run_handler(door, "scan_code", {"code": first.short_code})  # again: already used, no counter moves
    assert door.last_scan.result == "already_used"
    assert auth.dirty_vars == set() and not door.dirty_vars & {"checked_in", "lists", "sold"}
    assert door.sold == 2 and ticket(second.id).status == "valid"  # the other ticket still counts as sold
