"""The fair queue of an on-sale moment (#18), on SQLite and PostgreSQL: one place per browser, a draw
among early arrivals then first come first served, passes at the set rate, nobody admitted twice,
passes bound to their browser, expiring and used once, and the checkout closed to the rest."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from eventpalour.db import read_only
from eventpalour.models import WaitingRoom, WaitingRoomVisitor
from eventpalour.models.types import utcnow
from eventpalour.models.waiting_room import LATE_PLACES
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.platform.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from eventpalour.services.sales import payments, queue_admission, waiting_room
from eventpalour.services.sales.queue_admission import Room, admit_due
from eventpalour.services.sales.waiting_room import (
    ADMISSION_SECONDS,
    PASS_SECONDS,
    WaitingRoomRequired,
    enter_event,
    join_waiting_room,
    known_without_room,
    needs_queue,
    new_browser_cookie,
    queue_status,
)
from eventpalour.services.sales.waiting_room_organizer import set_waiting_room, waiting_room_settings
from tests.factories import local, make_event, make_organizer, make_user, make_workspace

RATE = 600  # visitors a minute: 10 a second
EARLY = 1500
LATE = 500


@pytest.fixture
def scene():
    """A free event whose waiting room opened 10 minutes ago and starts admitting in 10 minutes."""
    owner = make_organizer()
    workspace = make_workspace(owner)
    event = make_event(owner, workspace.id, publish=True, tiers=[TierInput(name="Entry", price=0, quantity=50)])
    t0 = utcnow().replace(second=0, microsecond=0)
    opens, starts = t0 - timedelta(minutes=10), t0 + timedelta(minutes=10)
    set_waiting_room(
        actor=owner.summary,
        event_id=event.id,
        enabled=True,
        opens_local=local(opens),
        starts_local=local(starts),
        rate_per_minute=str(RATE),
        now=t0,
    )
    return owner, event, t0, starts


def _visitors(event_id: str) -> list[WaitingRoomVisitor]:
    with read_only() as session:
        return list(session.exec(select(WaitingRoomVisitor).where(WaitingRoomVisitor.event_id == event_id)))


def _room(event_id: str) -> WaitingRoom:
    with read_only() as session:
        return session.get(WaitingRoom, event_id)


def _join(event, at, cookie=None):
    return join_waiting_room(short_id=event.short_id, browser_cookie=cookie, now=at)


def test_two_thousand_visitors_admitted_at_the_rate_fairly_and_once(scene):
    _, event, t0, starts = scene
    early = [_join(event, t0 + timedelta(milliseconds=200 * i)).browser_cookie for i in range(EARLY)]
    late = [_join(event, starts + timedelta(milliseconds=1 + 100 * i)).browser_cookie for i in range(LATE)]
    assert len({*early, *late}) == EARLY + LATE

    admitted_by = {}  # second after the start → visitors admitted by then
    total, second = 0, 0
    while total < EARLY + LATE:
        now = starts + timedelta(seconds=second)
        total += admit_due(event_id=event.id, now=now)
        assert admit_due(event_id=event.id, now=now) == 0  # the same moment again admits nobody more
        assert total <= second * RATE // 60  # never ahead of the rate
        assert total >= min(EARLY + LATE, second * RATE // 60 - RATE // 60)  # and never more than a batch behind
        admitted_by[second] = total
        second += 1
    assert second - 1 == (EARLY + LATE) * 60 // RATE  # 2,000 at 10 a second: 200 seconds

    visitors = _visitors(event.id)
    assert len(visitors) == EARLY + LATE
    assert all(v.admitted_at is not None for v in visitors)
    assert _room(event.id).admitted_count == EARLY + LATE  # each admission counted once

    room_row = _room(event.id)
    room = Room(
        **{name: getattr(room_row, name, None) for name in Room.__dataclass_fields__ if name != "short_id"},
        short_id=event.short_id,
    )
    early_rows = sorted((v for v in visitors if v.joined_at < starts), key=lambda v: v.joined_at)
    late_rows = sorted((v for v in visitors if v.joined_at >= starts), key=lambda v: v.joined_at)
    # The draw is the seed's: recomputed from it, it is every early visitor's key.
    assert all(v.place_key == queue_admission.place_key(room, v.id, v.joined_at) < LATE_PLACES for v in early_rows)
    drawn = sorted(early_rows, key=lambda v: (v.place_key, v.id))
    assert [v.admitted_at for v in drawn] == sorted(v.admitted_at for v in drawn)  # admitted in the draw's order
    first_arrivals = {v.id for v in early_rows[:150]}
    first_admitted = {v.id for v in drawn[:150]}
    assert len(first_arrivals & first_admitted) < 50  # arriving first before the start is no advantage
    assert max(v.admitted_at for v in early_rows) <= min(v.admitted_at for v in late_rows)  # early ones first
    assert [v.admitted_at for v in late_rows] == sorted(v.admitted_at for v in late_rows)  # then by arrival


def test_refresh_and_other_tabs_keep_one_place(scene):
    _, event, t0, _ = scene
    first = _join(event, t0)
    others = [_join(event, t0 + timedelta(seconds=s)) for s in range(3)]
    again = [_join(event, t0 + timedelta(seconds=10 + s), first.browser_cookie) for s in range(5)]
    assert {j.browser_cookie for j in again} == {first.browser_cookie}
    assert len(_visitors(event.id)) == 1 + len(others)


def test_place_and_estimate_shown_after_the_start(scene):
    _, event, t0, starts = scene
    cookies = [_join(event, t0 + timedelta(seconds=i)).browser_cookie for i in range(30)]
    before = queue_status(short_id=event.short_id, browser_cookie=cookies[0], now=starts - timedelta(minutes=1))
    assert before.joined and not before.started and before.place is None and before.waiting == 30
    assert before.estimate_seconds >= 60  # the minute before the start, and then some
    places = sorted(queue_status(short_id=event.short_id, browser_cookie=c, now=starts).place for c in cookies)
    assert places == list(range(1, 31))  # the poll at the start admits nobody yet: no time has passed
    later = starts + timedelta(seconds=1)
    views = [queue_status(short_id=event.short_id, browser_cookie=c, now=later) for c in cookies]
    assert sum(v.admitted for v in views) == RATE // 60  # the first poll admitted a second's worth
    assert sorted(v.place for v in views if not v.admitted) == list(range(1, 31 - RATE // 60))
    waiting = next(v for v in views if v.place == 5)
    assert waiting.estimate_seconds == 1  # 5 places at 10 a second
    admitted = next(v for v in views if v.admitted)
    assert admitted.pass_token and admitted.enter_url.startswith(f"/api/waiting-room/{event.short_id}/enter?pass=")


def _admitted_visitor(event, t0, starts):
    cookie = _join(event, t0).browser_cookie
    admit_due(event_id=event.id, now=starts + timedelta(seconds=1))
    view = queue_status(short_id=event.short_id, browser_cookie=cookie, now=starts + timedelta(seconds=1))
    assert view.admitted
    return cookie, view.pass_token


def test_pass_admits_its_own_browser_for_a_while(scene):
    _, event, t0, starts = scene
    cookie, token = _admitted_visitor(event, t0, starts)
    at = starts + timedelta(seconds=30)
    assert needs_queue(event_ref=event.id, browser_cookie=cookie, now=at) == f"/e/{event.short_id}/queue"
    assert (
        enter_event(short_id=event.short_id, pass_token=token, browser_cookie=cookie, now=at) == f"/e/{event.short_id}"
    )
    assert needs_queue(event_ref=event.short_id, browser_cookie=cookie, now=at) is None
    # The same browser opening its pass again while admitted goes to the page again.
    assert enter_event(short_id=event.short_id, pass_token=token, browser_cookie=cookie, now=at + timedelta(minutes=1))
    over = at + timedelta(seconds=ADMISSION_SECONDS + 1)
    assert needs_queue(event_ref=event.id, browser_cookie=cookie, now=over) is not None
    with pytest.raises(Conflict, match="expired"):  # used, and its admission over: no second use
        enter_event(short_id=event.short_id, pass_token=token, browser_cookie=cookie, now=over)


def test_pass_refused_in_another_browser_forged_or_expired(scene):
    _, event, t0, starts = scene
    cookie, token = _admitted_visitor(event, t0, starts)
    at = starts + timedelta(seconds=5)
    with pytest.raises(PermissionDenied, match="another browser"):
        enter_event(short_id=event.short_id, pass_token=token, browser_cookie=new_browser_cookie(), now=at)
    with pytest.raises(PermissionDenied, match="another browser"):
        enter_event(short_id=event.short_id, pass_token=token, browser_cookie=None, now=at)
    with pytest.raises(PermissionDenied, match="not valid"):
        enter_event(short_id=event.short_id, pass_token=token[:-2] + "xx", browser_cookie=cookie, now=at)
    with pytest.raises(Conflict, match="expired"):
        late = starts + timedelta(seconds=1 + PASS_SECONDS + 1)
        enter_event(short_id=event.short_id, pass_token=token, browser_cookie=cookie, now=late)
    assert needs_queue(event_ref=event.id, browser_cookie=cookie, now=at) is not None  # nothing redeemed


def test_lapsed_turn_goes_to_the_back(scene):
    _, event, t0, starts = scene
    cookie, _ = _admitted_visitor(event, t0, starts)
    others = [_join(event, starts + timedelta(seconds=2 + i)).browser_cookie for i in range(3)]
    late = starts + timedelta(seconds=1 + PASS_SECONDS + 1)
    assert queue_status(short_id=event.short_id, browser_cookie=cookie, now=late).lapsed
    rejoined = _join(event, late, cookie).view
    assert rejoined.joined and not rejoined.admitted and not rejoined.lapsed
    mine = next(v for v in _visitors(event.id) if v.admitted_at is None)
    assert mine.place_key == LATE_PLACES + int(late.timestamp() * 1_000_000)  # behind everyone who came before
    assert all(queue_status(short_id=event.short_id, browser_cookie=c, now=late).admitted for c in others)


def test_checkout_needs_an_admission_while_the_room_is_active(scene):
    owner, event, t0, starts = scene
    buyer = make_user()
    tier_id = get_tiers(actor=owner.summary, event_id=event.id)[0].id
    with pytest.raises(WaitingRoomRequired) as refused:
        payments.place_order(actor=buyer.summary, event_id=event.id, quantities={tier_id: 1})
    assert refused.value.queue_url == f"/e/{event.short_id}/queue"
    cookie = _join(event, utcnow() - timedelta(minutes=1)).browser_cookie
    with pytest.raises(WaitingRoomRequired):  # in the queue is not admitted
        payments.place_order(actor=buyer.summary, event_id=event.id, quantities={tier_id: 1}, queue_cookie=cookie)
    now = utcnow()
    _start_now(owner, event, now)
    admit_due(event_id=event.id, now=now + timedelta(seconds=1))
    view = queue_status(short_id=event.short_id, browser_cookie=cookie, now=now + timedelta(seconds=1))
    enter_event(short_id=event.short_id, pass_token=view.pass_token, browser_cookie=cookie)
    placed = payments.place_order(actor=buyer.summary, event_id=event.id, quantities={tier_id: 1}, queue_cookie=cookie)
    assert placed.booking.order_id


def _start_now(owner, event, now):
    """The sale starts now (the minute now is in)."""
    minute = now.replace(second=0, microsecond=0)
    set_waiting_room(
        actor=owner.summary,
        event_id=event.id,
        enabled=True,
        opens_local=local(minute - timedelta(minutes=20)),
        starts_local=local(minute),
        rate_per_minute=str(RATE),
        now=now,
    )


def test_no_room_before_it_opens_or_when_off(scene):
    owner, event, t0, starts = scene
    assert needs_queue(event_ref=event.id, browser_cookie=None, now=t0 - timedelta(minutes=11)) is None
    assert not _join(event, t0 - timedelta(minutes=11)).view.has_room
    set_waiting_room(
        actor=owner.summary,
        event_id=event.id,
        enabled=False,
        opens_local=local(t0 - timedelta(minutes=10)),
        starts_local=local(starts),
        rate_per_minute="",
        now=t0,
    )
    assert needs_queue(event_ref=event.id, browser_cookie=None, now=t0) is None
    assert not queue_status(short_id=event.short_id, browser_cookie=None, now=t0).has_room
    assert _room(event.id).rate_per_minute == 3000  # blank: the server's default


@pytest.mark.parametrize(
    ("opens", "starts", "rate", "field"),
    [
        ("2026-12-05 18:00", "2026-12-05 17:00", "100", "opens_at"),
        ("tomorrow", "2026-12-05 17:00", "100", "opens_at"),
        ("2026-12-05 17:00", "", "100", "starts_at"),
        ("2026-12-05 17:00", "2026-12-05 18:00", "0", "rate_per_minute"),
        ("2026-12-05 17:00", "2026-12-05 18:00", "ten", "rate_per_minute"),
        ("2026-12-05 17:00", "2026-12-05 18:00", "100001", "rate_per_minute"),
    ],
)
def test_set_waiting_room_bad_input_is_a_field_error(scene, opens, starts, rate, field):
    owner, event, t0, _ = scene
    before = _room(event.id)
    with pytest.raises(ValidationFailed) as failed:
        set_waiting_room(
            actor=owner.summary,
            event_id=event.id,
            enabled=True,
            opens_local=opens,
            starts_local=starts,
            rate_per_minute=rate,
        )
    assert field in {d.path[0] for d in failed.value.details}
    after = _room(event.id)
    assert (after.opens_at, after.starts_at, after.rate_per_minute) == (
        before.opens_at,
        before.starts_at,
        before.rate_per_minute,
    )


def test_only_the_event_s_managers_see_or_set_the_room(scene):
    _, event, t0, starts = scene
    stranger = make_user()
    with pytest.raises((PermissionDenied, NotFound)):
        waiting_room_settings(actor=stranger.summary, event_id=event.id)
    with pytest.raises((PermissionDenied, NotFound)):
        set_waiting_room(
            actor=stranger.summary,
            event_id=event.id,
            enabled=False,
            opens_local=local(t0),
            starts_local=local(starts),
            rate_per_minute="10",
        )


def test_organizer_sees_the_live_figures(scene):
    owner, event, t0, starts = scene
    cookies = [_join(event, t0 + timedelta(seconds=i)).browser_cookie for i in range(40)]
    admit_due(event_id=event.id, now=starts + timedelta(seconds=2))
    view = queue_status(short_id=event.short_id, browser_cookie=cookies[0], now=starts + timedelta(seconds=2))
    if view.admitted:
        enter_event(
            short_id=event.short_id,
            pass_token=view.pass_token,
            browser_cookie=cookies[0],
            now=starts + timedelta(seconds=3),
        )
    shown = waiting_room_settings(actor=owner.summary, event_id=event.id, now=starts + timedelta(seconds=3))
    report = shown.report
    assert (report.waiting, report.admitted, report.entered) == (20, 20, int(view.admitted))
    assert report.active and report.started and report.rate_per_minute == RATE
    assert report.clear_seconds == 2  # 20 at 10 a second
    assert shown.enabled and shown.starts_local == local(starts)


def test_event_page_door_may_be_stale_but_a_checkout_never_is(monkeypatch):
    """The door (the page's HTML and on_load) goes by the process's list of events with a room, read
    at most PUBLIC_EVENT_CACHE_SECONDS ago; a checkout asks the database every time."""
    monkeypatch.setattr(waiting_room.settings, "public_event_cache_seconds", 60.0)
    monkeypatch.setattr(waiting_room, "_rooms_seen", (float("-inf"), frozenset()))
    owner = make_organizer()
    event = make_event(owner, make_workspace(owner).id, publish=True)
    assert needs_queue(event_ref=event.short_id, browser_cookie=None, door=True) is None  # reads: no rooms
    now = utcnow()
    _start_now(owner, event, now)
    queue = f"/e/{event.short_id}/queue"
    assert needs_queue(event_ref=event.short_id, browser_cookie=None, door=True) is None  # the list is fresh
    assert needs_queue(event_ref=event.short_id, browser_cookie=None) == queue  # a checkout's question
    monkeypatch.setattr(waiting_room, "_rooms_seen", (float("-inf"), frozenset()))  # the list runs out
    assert needs_queue(event_ref=event.short_id, browser_cookie=None, door=True) == queue
    assert needs_queue(event_ref=event.id, browser_cookie=None, door=True) == queue


def test_the_door_knows_an_event_without_a_room_only_from_a_fresh_list(monkeypatch):
    """`known_without_room`, asked on the event loop before any trip to a thread: True only while the
    process's list is fresh and does not name the event; the door asks `needs_queue` otherwise."""
    monkeypatch.setattr(waiting_room.settings, "public_event_cache_seconds", 60.0)
    monkeypatch.setattr(waiting_room, "_rooms_seen", (float("-inf"), frozenset()))
    owner = make_organizer()
    event = make_event(owner, make_workspace(owner).id, publish=True)
    assert not known_without_room(event.short_id)  # no list read yet: not known
    needs_queue(event_ref=event.short_id, browser_cookie=None, door=True)  # reads the list: no rooms
    assert known_without_room(event.short_id) and known_without_room(event.id)
    _start_now(owner, event, utcnow())
    monkeypatch.setattr(waiting_room, "_rooms_seen", (float("-inf"), frozenset()))  # the list runs out
    needs_queue(event_ref=event.short_id, browser_cookie=None, door=True)  # reads it again: this room
    assert not known_without_room(event.short_id) and not known_without_room(event.id)


def test_browsers_far_back_poll_less_often(scene):
    _, event, t0, starts = scene
    cookies = [_join(event, t0 + timedelta(milliseconds=10 * i)).browser_cookie for i in range(400)]
    before = queue_status(short_id=event.short_id, browser_cookie=cookies[0], now=t0)
    assert before.poll_seconds == 30  # ten minutes before the start
    views = [queue_status(short_id=event.short_id, browser_cookie=c, now=starts) for c in cookies]
    by_place = {v.place: v.poll_seconds for v in views}
    assert by_place[1] == by_place[300] == 5 and by_place[360] == 6 and by_place[400] == 6  # 40 s to go
