"""The fair queue of an on-sale moment (#18): who waits, in what order, and who is let in when.

While an event's waiting room is active (turned on, and its `opens_at` has come), the event page and
its checkout need an admission: a browser joins the queue (`join_waiting_room`), polls its place
(`queue_status`), is admitted at the organizer's rate from `starts_at` on, and redeems the signed pass
it is given (`enter_event`), which admits that browser to the event page for `ADMISSION_SECONDS`.

Fairness, as defined here:
- **One place per browser.** A browser is a signed random id in the `ep_queue` cookie; the same
  browser (a refresh, another tab) finds the place it has (`uq_waiting_room_visitors_browser`).
- **Early arrivals are drawn.** Everyone who joined before `starts_at` gets a key drawn from the
  room's secret seed (HMAC-SHA256 of their row id, 48 bits): at the start they are let in in that
  random order, which arriving earlier does not improve. The draw is deterministic by seed (tests
  recompute it) and unknowable to visitors, who see no place before the start.
- **Then first come, first served.** Later arrivals queue by arrival time, behind every early one.
- **At the set rate.** A generic cell rate algorithm on the room's row (`credit_at`): admitting n
  visitors moves its clock n × 60 / rate seconds on and it never lags now by more than a small
  burst, so by any moment t at most (t − starts_at) × rate / 60 visitors have been let in.
- **Nobody twice.** Admitting is a compare-and-set on the room's `admitted_count` (whichever worker
  wins admits the next batch; the others change nothing), and each visitor's `admitted_at` is set
  once, by an UPDATE that requires it NULL.
The order and the rate are decided in `queue_admission.py`; this module is the visitor's side.

Passes: signed (itsdangerous, SECRET_KEY), naming the visitor and the browser they were issued to,
and usable for `PASS_SECONDS` from admission. Redeeming binds nothing new: a pass opened in another
browser is refused, and in its own browser it marks the place entered, once. A pass not used in time,
or an admission that ran out, lapses: that browser's next visit to the queue puts it at the back
(first come, first served from then), since its turn came and went.

Polls are reads: a poll writes only when a batch of admissions is due (about once a second per room,
whoever polls), and a browser polls less often the further back it stands (`poll_every`: every
`POLL_SECONDS` near the front, up to `MAX_POLL_SECONDS` far back), so thousands of waiting browsers
cost a few indexed reads each, a few times a minute.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import Connection, RowMapping, and_, case, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.cookies import QUEUE_COOKIE_DAYS
from eventpalour.db import read_only, transaction
from eventpalour.models.types import new_id, utcnow
from eventpalour.services.platform import DEFAULT_ZONE, N_, Conflict, PermissionDenied, sign_value, signed_value
from eventpalour.services.sales.queue_admission import EVENTS, ROOMS, VISITORS, Room, admit_due, place_key, read_room

PASS_SECONDS = 10 * 60
"""How long an admitted visitor has to open the event page with their pass."""
ADMISSION_SECONDS = 30 * 60
"""How long a redeemed pass keeps the event page and its checkout open to that browser."""
POLL_SECONDS = 5
"""How often the queue's page asks for its place near the front (and when it is let in)."""
MAX_POLL_SECONDS = 30
"""How often it asks at most, far back in the line."""
BROWSER_SECONDS = QUEUE_COOKIE_DAYS * 24 * 3600
PASS_PROBLEMS = {
    "expired": N_("Your pass ran out before it was used, so you have a new place at the back of the queue."),
    "invalid": N_("That pass is not valid in this browser. Your own place in the queue is below."),
}
"""Why a pass was refused, by the word the queue's page is sent back with (`?problem=`)."""
_BROWSER_PURPOSE = "waiting-room-browser"
_PASS_PURPOSE = "waiting-room-pass"


class WaitingRoomRequired(PermissionDenied):
    """The event's waiting room is active and this browser holds no admission: join the queue."""

    code = "waiting_room"
    code_in_answer = True

    def __init__(self, queue_url: str) -> None:
        super().__init__(N_("This event's sale has a queue. Join the queue to get tickets."))
        self.queue_url = queue_url


@dataclass(frozen=True)
class QueueView:
    """What the queue's page shows a browser, and what its poll answers.

    `has_room` False: there is no active waiting room (any more): go to the event page. `joined`
    False: this browser has no place yet (the page joins on load). `place` is 1 for the next in line;
    None before the start (the draw is still to come) and once admitted. `pass_token` and `enter_url`
    come once admitted, while the pass is usable; `lapsed`: the pass or the admission ran out, the
    page joins again (at the back).
    """

    short_id: str
    has_room: bool
    timezone: str = DEFAULT_ZONE  # the event's, for the start's wall clock
    joined: bool = False
    started: bool = False
    place: int | None = None
    waiting: int = 0
    estimate_seconds: int | None = None
    starts_at: datetime | None = None
    admitted: bool = False
    lapsed: bool = False
    pass_token: str | None = None
    enter_url: str | None = None
    poll_seconds: int = POLL_SECONDS


@dataclass(frozen=True)
class JoinedQueue:
    """A browser's place after joining, and the cookie that names the browser (to set when new;
    None when there is no queue and the browser had none)."""

    browser_cookie: str | None
    view: QueueView


# --- the browser -----------------------------------------------------------------------------------


def new_browser_cookie() -> str:
    """A new browser identity: a signed random id."""
    return _new_browser()[1]


def _new_browser() -> tuple[str, str]:
    """(a new browser id, the cookie that carries it)."""
    browser_id = new_id(24)
    return browser_id, sign_value({"b": browser_id}, purpose=_BROWSER_PURPOSE)


def browser_of(cookie: str | None) -> str | None:
    """The browser id in a queue cookie, or None when it is missing, forged or too old."""
    payload = signed_value(cookie or "", purpose=_BROWSER_PURPOSE, max_age=BROWSER_SECONDS)
    return str(payload["b"]) if payload and payload.get("b") else None


# --- reading ---------------------------------------------------------------------------------------


def _visitor(connection: Connection, event_id: str, browser_id: str | None) -> RowMapping | None:
    if browser_id is None:
        return None
    query = select(VISITORS).where(VISITORS.c.event_id == event_id, VISITORS.c.browser_id == browser_id)
    return connection.execute(query).mappings().first()


def _lapsed(visitor: RowMapping, now: datetime) -> bool:
    """The visitor's turn came and went: a pass not used in time, or an admission that ran out."""
    if visitor["entered_at"] is not None:
        return now > visitor["entered_at"] + timedelta(seconds=ADMISSION_SECONDS)
    return visitor["admitted_at"] is not None and now > visitor["admitted_at"] + timedelta(seconds=PASS_SECONDS)


def _counts(connection: Connection, room: Room, visitor: RowMapping) -> tuple[int, int]:
    """(people waiting, people waiting ahead of `visitor`) in one indexed read."""
    ahead = or_(
        VISITORS.c.place_key < visitor["place_key"],
        and_(VISITORS.c.place_key == visitor["place_key"], VISITORS.c.id < visitor["id"]),
    )
    row = connection.execute(
        select(func.count(), func.coalesce(func.sum(case((ahead, 1), else_=0)), 0)).where(
            VISITORS.c.event_id == room.event_id, VISITORS.c.admitted_at.is_(None)
        )
    ).one()
    return int(row[0]), int(row[1])


def _view(connection: Connection, room: Room, visitor: RowMapping, now: datetime) -> QueueView:
    started = now >= room.starts_at
    base = QueueView(
        short_id=room.short_id,
        has_room=True,
        timezone=room.timezone,
        joined=True,
        started=started,
        starts_at=room.starts_at,
    )
    if _lapsed(visitor, now):
        return replace(base, lapsed=True)
    if visitor["admitted_at"] is not None:
        token = sign_value({"v": visitor["id"], "b": visitor["browser_id"]}, purpose=_PASS_PURPOSE)
        return replace(base, admitted=True, pass_token=token, enter_url=routes.queue_entry_url(room.short_id, token))
    waiting, ahead = _counts(connection, room, visitor)
    per_second = room.rate_per_minute / 60
    if not started:  # the draw is still to come: on average, half of those here go first
        until_start = (room.starts_at - now).total_seconds()
        estimate = math.ceil(until_start + waiting / 2 / per_second)
        return replace(base, waiting=waiting, estimate_seconds=estimate, poll_seconds=poll_every(until_start))
    place = ahead + 1
    estimate = math.ceil(place / per_second)
    return replace(base, place=place, waiting=waiting, estimate_seconds=estimate, poll_seconds=poll_every(estimate))


def poll_every(seconds_to_go: float) -> int:
    """How long a browser waits before asking again: a sixth of its expected wait, between
    `POLL_SECONDS` and `MAX_POLL_SECONDS`, so its turn is noticed within a few seconds while the
    browsers far back ask rarely."""
    return int(min(MAX_POLL_SECONDS, max(POLL_SECONDS, seconds_to_go / 6)))


# --- joining and polling -----------------------------------------------------------------------------


def _insert_ignoring_duplicate(connection: Connection, values: dict) -> None:
    """Insert a place; a concurrent join of the same browser (another tab) already made it: keep that."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    connection.execute(dialect.insert(VISITORS).values(values).on_conflict_do_nothing())


def join_waiting_room(*, short_id: str, browser_cookie: str | None, now: datetime | None = None) -> JoinedQueue:
    """Give this browser its place in the event's queue (the one it has, when it has one).

    A browser whose turn lapsed goes to the back. With no active waiting room nothing is written and
    the view says so (`has_room` False): the event page is open.
    """
    now = now or utcnow()
    browser = browser_of(browser_cookie)
    with transaction() as session:
        connection = session.connection()
        room = read_room(connection, short_id)
        if room is None or not room.is_active(now):  # no cookie is set where there is no queue
            return JoinedQueue(browser_cookie if browser else None, QueueView(short_id=short_id, has_room=False))
        cookie = browser_cookie if browser else None
        if browser is None:
            browser, cookie = _new_browser()
        visitor = _visitor(connection, room.event_id, browser)
        if visitor is None:
            visitor_id = new_id()
            values = {
                "id": visitor_id,
                "event_id": room.event_id,
                "browser_id": browser,
                "place_key": place_key(room, visitor_id, now),
                "joined_at": now,
            }
            _insert_ignoring_duplicate(connection, values)
        elif _lapsed(visitor, now):
            connection.execute(
                update(VISITORS)
                .where(VISITORS.c.id == visitor["id"])
                .values(place_key=place_key(room, visitor["id"], now), joined_at=now, admitted_at=None, entered_at=None)
            )
        visitor = _visitor(connection, room.event_id, browser)
        return JoinedQueue(cookie, _view(connection, room, visitor, now))


def queue_status(*, short_id: str, browser_cookie: str | None, now: datetime | None = None) -> QueueView:
    """The browser's place now (the queue page's poll). A read, unless a batch of admissions is due:
    then this poll admits it first (`admit_due`), as any poll or worker may."""
    now = now or utcnow()
    browser = browser_of(browser_cookie)
    with read_only() as reader:
        connection = reader.connection()
        room = read_room(connection, short_id)
        if room is None or not room.is_active(now):
            return QueueView(short_id=short_id, has_room=False)
        if room.due(now) < room.batch:
            return _place_of(connection, room, browser, now)
    admit_due(event_id=room.event_id, now=now)
    with read_only() as reader:
        return _place_of(reader.connection(), room, browser, now)


def _place_of(connection: Connection, room: Room, browser: str | None, now: datetime) -> QueueView:
    visitor = _visitor(connection, room.event_id, browser)
    if visitor is None:
        return QueueView(short_id=room.short_id, has_room=True, timezone=room.timezone, starts_at=room.starts_at)
    return _view(connection, room, visitor, now)


# --- passes and admissions ---------------------------------------------------------------------------


def enter_event(*, short_id: str, pass_token: str, browser_cookie: str | None, now: datetime | None = None) -> str:
    """Redeem a pass in the browser it was issued to; returns the event page's URL.

    The pass marks the place entered once; opened again in the same browser while the admission
    lasts it leads to the page again. Raises PermissionDenied (forged, another event's or another
    browser's pass) and Conflict (expired, or used and its admission over).
    """
    now = now or utcnow()
    payload = signed_value(pass_token or "", purpose=_PASS_PURPOSE, max_age=PASS_SECONDS + ADMISSION_SECONDS)
    browser = browser_of(browser_cookie)
    if payload is None:
        raise PermissionDenied(N_("This pass is not valid. Join the queue to get a place."))
    if browser is None or payload.get("b") != browser:
        raise PermissionDenied(N_("This pass was given to another browser. Join the queue in this one."))
    with transaction() as session:
        connection = session.connection()
        room = read_room(connection, short_id)
        visitor = _visitor(connection, room.event_id, browser) if room else None
        if room is None or visitor is None or visitor["id"] != payload.get("v") or visitor["admitted_at"] is None:
            raise PermissionDenied(N_("This pass is not valid. Join the queue to get a place."))
        if _lapsed(visitor, now):
            raise Conflict(N_("This pass has expired. Join the queue again to get a new place."))
        if visitor["entered_at"] is None:
            connection.execute(
                update(VISITORS)
                .where(VISITORS.c.id == visitor["id"], VISITORS.c.entered_at.is_(None))
                .values(entered_at=now)
            )
        return routes.event_url(room.short_id)


def room_guards(opens_at: datetime | None, now: datetime) -> bool:
    """Whether a waiting room opening at `opens_at` (None: no room, or one turned off) guards its
    event's page and checkout at `now`; a browser then needs the queue's admission."""
    return opens_at is not None and now >= opens_at


def needs_queue(
    *,
    event_ref: str,
    browser_cookie: str | None,
    now: datetime | None = None,
    door: bool = False,
    connection: Connection | None = None,
) -> str | None:
    """The queue's URL when the event's waiting room is active and this browser holds no live
    admission; None when the event page and its checkout are open to it. One read (on `connection`
    when the caller has one open, e.g. checkout's read of the event).

    `door`: asked by the event page's door (its HTML and on_load), which may go by this process's
    list of events with a room on, up to `PUBLIC_EVENT_CACHE_SECONDS` old, so an event without one
    costs its visitors no read; a checkout always asks the database.
    """
    now = now or utcnow()
    if door and event_ref not in _events_with_rooms():
        return None
    browser = browser_of(browser_cookie) or ""
    query = (
        select(EVENTS.c.short_id, ROOMS.c.enabled, ROOMS.c.opens_at, VISITORS.c.entered_at)
        .join(ROOMS, ROOMS.c.event_id == EVENTS.c.id)
        .outerjoin(VISITORS, and_(VISITORS.c.event_id == EVENTS.c.id, VISITORS.c.browser_id == browser))
        .where(or_(EVENTS.c.id == event_ref, EVENTS.c.short_id == event_ref))
    )
    if connection is None:
        with read_only() as reader:
            row = reader.connection().execute(query).first()
    else:
        row = connection.execute(query).first()
    if row is None or not room_guards(row.opens_at if row.enabled else None, now):
        return None
    if row.entered_at is not None and now <= row.entered_at + timedelta(seconds=ADMISSION_SECONDS):
        return None
    return routes.queue_url(row.short_id)


_rooms_seen: tuple[float, frozenset[str]] = (-math.inf, frozenset())


def known_without_room(event_ref: str) -> bool:
    """True when this process's list of events with a room on (as `needs_queue(door=True)` goes by)
    is fresh and `event_ref` is not in it: the door then needs no queue, and no read says otherwise.
    Never waits on anything, so the event loop may ask it first and spare a page load its trip to a
    worker thread; False when the list is stale or names the event (ask `needs_queue`)."""
    read_at, refs = _rooms_seen
    return time.monotonic() - read_at < settings.public_event_cache_seconds and event_ref not in refs


def _events_with_rooms() -> frozenset[str]:
    """The ids and short ids of the events whose waiting room is on, read at most
    `PUBLIC_EVENT_CACHE_SECONDS` ago by this process (the event page's door; never a checkout)."""
    global _rooms_seen
    read_at, refs = _rooms_seen
    if time.monotonic() - read_at < settings.public_event_cache_seconds:
        return refs
    query = select(EVENTS.c.id, EVENTS.c.short_id).join(ROOMS, ROOMS.c.event_id == EVENTS.c.id)
    with read_only() as reader:
        rows = reader.connection().execute(query.where(ROOMS.c.enabled)).all()
    refs = frozenset(ref for row in rows for ref in row)
    _rooms_seen = (time.monotonic(), refs)
    return refs


def require_admission(*, event_ref: str, browser_cookie: str | None, connection: Connection | None = None) -> None:
    """Refuse a checkout from a browser without an admission while the event's waiting room is
    active, so the queue cannot be skipped through the API or the page's websocket (on `connection`
    when the caller has a read open)."""
    queue = needs_queue(event_ref=event_ref, browser_cookie=browser_cookie, connection=connection)
    if queue is not None:
        raise WaitingRoomRequired(queue)
