"""The workspace dashboard (#24 §5): upcoming events with sales and check-ins, the latest orders, who
may see them; and where an organizer lands after signing in."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import pytest
from sqlmodel import select

from eventpalour import routes
from eventpalour.db import read_only, transaction
from eventpalour.models import Event, EventStatus, Ticket
from eventpalour.models.types import utcnow
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.finance.money_figures import Scope, tickets_sold
from eventpalour.services.platform.errors import NotAuthenticated, PermissionDenied
from eventpalour.services.sales import checkout
from eventpalour.services.sales.dashboard import RECENT_ORDERS_LIMIT, workspace_dashboard
from eventpalour.services.tickets.scanning import scan_ticket
from eventpalour.services.workspaces.records import landing_workspace
from eventpalour.state.auth import SignInState
from eventpalour.state.navigation import LastWorkspaceState
from eventpalour.state.scanner import ScannerState
from eventpalour.state.workspace import WorkspaceState
from eventpalour.state.workspace_dashboard import WorkspaceDashboardState
from tests.factories import DEFAULT_PASSWORD, add_member, make_event, make_organizer, make_user, make_workspace
from tests.state_support import run_handler, state_for


def _register(buyer, event) -> str:
    """A free registration of one ticket; its order's reference."""
    tier_id = _tier_ids(event.id)[0]
    return checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tier_id: 1}).reference


def _tier_ids(event_id: str) -> list[str]:
    from eventpalour.models import TicketTier

    with read_only() as session:
        return list(
            session.exec(select(TicketTier.id).where(TicketTier.event_id == event_id).order_by(TicketTier.sort_order))
        )


def _move(event_id: str, **values) -> None:
    with transaction() as session:
        event = session.get(Event, event_id)
        for name, value in values.items():
            setattr(event, name, value)


@pytest.fixture
def team():
    owner = make_organizer()
    ws = make_workspace(owner, name="Nairobi Jazz Society")
    return owner, ws


def test_upcoming_events_soonest_first_with_sold_capacity_and_check_ins(team):
    owner, ws = team
    later = make_event(
        owner, ws.id, publish=True, title="Later Gig", start_local=_local_in(days=20), end_local=_local_in(days=21)
    )
    sooner = make_event(
        owner,
        ws.id,
        publish=True,
        title="Sooner Gig",
        start_local=_local_in(days=3),
        end_local=_local_in(days=3, hours=4),
        tiers=[TierInput(name="Early", price=0, quantity=30), TierInput(name="Door", price=0, quantity=20)],
    )
    unlimited = make_event(
        owner,
        ws.id,
        title="Open Day",
        start_local=_local_in(days=40),
        end_local=_local_in(days=41),
        tiers=[TierInput(name="All", price=0, quantity=None)],
    )
    ended = make_event(owner, ws.id, publish=True, title="Last Year")
    _move(ended.id, start_at=utcnow() - timedelta(days=2), end_at=utcnow() - timedelta(days=1))
    cancelled = make_event(owner, ws.id, publish=True, title="Called Off")
    _move(cancelled.id, status=EventStatus.CANCELLED)
    stranger = make_organizer()
    other = make_event(stranger, make_workspace(stranger, name="Other Team").id, publish=True, title="Not Ours")

    guests = [make_user(full_name=f"Guest {n}") for n in range(3)]
    for guest in guests:
        _register(guest, sooner)
    _register(guests[0], later)
    _register(guests[0], other)
    with read_only() as session:
        code = session.exec(select(Ticket.short_code).where(Ticket.event_id == sooner.id)).first()
    assert scan_ticket(actor=owner.summary, event_id=sooner.id, token_or_code=code).result == "ok"

    board = workspace_dashboard(actor=owner.summary, workspace_id=ws.id)

    assert [row.title for row in board.upcoming] == ["Sooner Gig", "Later Gig", "Open Day"]
    first, second, third = board.upcoming
    assert (first.tickets_sold, first.capacity, first.checked_in) == (3, 50, 1)
    assert (second.tickets_sold, second.capacity, second.checked_in) == (1, 100, 0)
    assert (third.tickets_sold, third.capacity) == (0, None)  # a tier without a limit
    assert third.status == EventStatus.DRAFT
    with read_only() as session:  # the one definition of tickets sold agrees
        assert first.tickets_sold == tickets_sold(session, Scope(event_id=sooner.id))
    # The date is the event's own zone's (Africa/Nairobi, EAT).
    assert first.when.endswith("EAT") and first.timezone == "Africa/Nairobi"
    assert board.can_create_events and board.can_view_orders
    assert unlimited.id == third.event_id


def test_recent_orders_are_the_last_ten_across_the_workspace_newest_first(team):
    owner, ws = team
    gig = make_event(owner, ws.id, publish=True, title="Gig One")
    talk = make_event(owner, ws.id, publish=True, title="Talk Two")
    references = []
    for n in range(RECENT_ORDERS_LIMIT + 1):
        references.append(_register(make_user(full_name=f"Buyer {n}"), gig if n % 2 else talk))

    orders = workspace_dashboard(actor=owner.summary, workspace_id=ws.id).recent_orders

    assert len(orders) == RECENT_ORDERS_LIMIT
    assert [o.reference for o in orders] == references[::-1][:RECENT_ORDERS_LIMIT]
    newest = orders[0]
    assert (newest.buyer_name, newest.event_title, newest.amount, newest.currency) == ("Buyer 10", "Talk Two", 0, "KES")
    assert newest.status_label == "Paid"
    assert {o.event_title for o in orders} == {"Gig One", "Talk Two"}


def test_empty_workspace_and_what_each_role_sees(team):
    owner, ws = team
    board = workspace_dashboard(actor=owner.summary, workspace_id=ws.id)
    assert (board.upcoming, board.recent_orders) == ([], [])

    gig = make_event(owner, ws.id, publish=True, title="Gig One")
    _register(make_user(), gig)
    member, moderator = make_user(account_type="organizer"), make_user(account_type="organizer")
    add_member(ws.id, member, "member")
    add_member(ws.id, moderator, "moderator")

    seen_by_member = workspace_dashboard(actor=member.summary, workspace_id=ws.id)
    assert [row.title for row in seen_by_member.upcoming] == ["Gig One"]
    assert seen_by_member.recent_orders == []  # buyers' names are for moderators and above
    assert not seen_by_member.can_create_events and not seen_by_member.can_view_orders

    seen_by_moderator = workspace_dashboard(actor=moderator.summary, workspace_id=ws.id)
    assert len(seen_by_moderator.recent_orders) == 1
    assert seen_by_moderator.can_create_events and seen_by_moderator.can_view_orders

    with pytest.raises(PermissionDenied):
        workspace_dashboard(actor=make_organizer().summary, workspace_id=ws.id)
    with pytest.raises(NotAuthenticated):
        workspace_dashboard(actor=None, workspace_id=ws.id)


def test_an_organizer_lands_on_the_workspace_used_last_else_the_first_by_name():
    owner = make_organizer()
    zebra = make_workspace(owner, name="Zebra Nights")
    acacia = make_workspace(owner, name="acacia Sessions")
    foreign = make_workspace(name="Someone Else")

    assert landing_workspace(actor=owner.summary) == acacia.id  # by name, case-folded
    assert landing_workspace(actor=owner.summary, last_used=zebra.id) == zebra.id
    assert landing_workspace(actor=owner.summary, last_used=foreign.id) == acacia.id  # not a member there
    assert landing_workspace(actor=owner.summary, last_used="nope") == acacia.id
    assert landing_workspace(actor=make_organizer().summary) == ""  # no workspace yet
    assert landing_workspace(actor=make_user(account_type="attendee").summary) == ""
    assert landing_workspace(actor=None) == ""


@pytest.mark.parametrize(
    ("verified", "account_type", "next_path", "expected"),
    [
        (True, "organizer", "/", "/workspace/ws1"),
        (True, "organizer", "/e/abc123", "/e/abc123"),  # a next always wins
        (True, "organizer", "/account", "/account"),
        (False, "organizer", "/", "/auth/verify"),
        (True, None, "/", "/onboarding"),
    ],
)
def test_after_sign_in_lands_on_the_workspace_when_headed_nowhere(verified, account_type, next_path, expected):
    from eventpalour.services.identity.accounts import UserSummary

    user = UserSummary("u", "a@example.test", "a-1", "A", None, account_type, verified, None)
    assert routes.after_sign_in(user, next_path, "ws1") == expected
    assert routes.after_sign_in(user, next_path) == routes.after_sign_in(user, next_path, "")


def _local_in(*, days: int, hours: int = 0) -> str:
    from tests.factories import local

    return local(utcnow() + timedelta(days=days, hours=hours))


async def test_signing_in_lands_on_the_dashboard_of_the_workspace_this_browser_used_last():
    owner = make_organizer()
    first = make_workspace(owner, name="Alpha Crew")
    second = make_workspace(owner, name="Beta Crew")
    form = {"email": owner.email, "password": DEFAULT_PASSWORD}

    signing_in = state_for(SignInState, token=None, path="/auth/sign-in")
    emitted = await run_handler(signing_in, "submit", form)
    assert quote(f"/workspace/{first.id}", safe="") in str(emitted[-1])

    # Opening a workspace remembers it for this browser; the next sign-in lands there.
    shell = state_for(WorkspaceState, token=owner.token, path=f"/workspace/{second.id}")
    await run_handler(shell, "load_workspace")
    remembered = (await shell.get_state(LastWorkspaceState)).workspace_id
    assert remembered == second.id

    again = state_for(SignInState, token=None, path="/auth/sign-in")
    (await again.get_state(LastWorkspaceState)).workspace_id = remembered
    emitted = await run_handler(again, "submit", form)
    assert quote(f"/workspace/{second.id}", safe="") in str(emitted[-1])


async def test_dashboard_state_shows_rows_and_flags(team):
    owner, ws = team
    gig = make_event(owner, ws.id, publish=True, title="Gig One")
    reference = _register(make_user(full_name="Wanjiku Kamau"), gig)

    board = state_for(WorkspaceDashboardState, token=owner.token, path=f"/workspace/{ws.id}")
    await run_handler(board, "load_dashboard")
    assert board.dashboard_loaded and board.dashboard_problem == ""
    [event] = board.upcoming
    assert (event.title, event.sold_of_capacity, event.checked_in) == ("Gig One", "1 / 100 sold", "0 checked in")
    assert event.manage_url == routes.event_manage_url(ws.id, gig.short_id)
    [order] = board.recent_orders
    assert (order.reference, order.buyer, order.amount, order.status_label) == (
        reference,
        "Wanjiku Kamau",
        "KES 0.00",
        "Paid",
    )
    assert order.placed.endswith(" EAT")  # the event's own zone
    assert board.can_create_events and board.new_event_url == routes.workspace_url(ws.id, "events/new")

    outsider = state_for(WorkspaceDashboardState, token=make_organizer().token, path=f"/workspace/{ws.id}")
    await run_handler(outsider, "load_dashboard")
    assert outsider.dashboard_problem == "You are not a member of this workspace."
    assert (outsider.upcoming, outsider.recent_orders, outsider.can_create_events) == ([], [], False)


async def test_scanner_without_a_camera_puts_the_code_first_and_can_try_again():
    door = state_for(ScannerState, token=None, path="/scan/abc123")
    assert door.camera_on and not door.camera_unavailable
    await run_handler(door, "camera_failed", "refused")
    refused = "Camera access was refused. Allow the camera for this site, or type the code below."
    assert (door.camera_on, door.camera_unavailable, door.camera_error) == (False, True, refused)
    await run_handler(door, "toggle_camera")  # "Try the camera again"
    # A camera that shows no picture says so; a code the page does not know is "could not start".
    await run_handler(door, "camera_failed", "no-picture")
    assert door.camera_error == "The camera shows no picture. Try it again, or type the code below."
    await run_handler(door, "toggle_camera")
    await run_handler(door, "camera_failed", "<script>")
    assert door.camera_error == "No camera could be started. Type the code below instead."
    await run_handler(door, "toggle_camera")  # "Try the camera again"
    assert (door.camera_on, door.camera_unavailable, door.camera_error) == (True, False, "")
    await run_handler(door, "toggle_camera")  # "Stop camera"
    assert (door.camera_on, door.camera_unavailable) == (False, False)
