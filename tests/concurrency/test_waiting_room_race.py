"""A waiting room's admissions under many workers at once (#18), on SQLite and PostgreSQL.

Every second of the rush, eight threads (the polls of four workers' visitors) try to admit the batch
that is due. Guarded: one of them admits it and the others change nothing, so exactly the rate is
let in and nobody twice. The control run decides from a read made before the write
(`queue_admission.guard_disabled_for_tests`): every thread admits the same batch, the room counts it
eight times and the rate is broken. Many tabs of one browser joining at once still make one place.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from datetime import timedelta

import pytest
from sqlmodel import func, select

from eventpalour.db import read_only
from eventpalour.models import WaitingRoom, WaitingRoomVisitor
from eventpalour.models.types import utcnow
from eventpalour.services.sales import queue_admission, waiting_room
from eventpalour.services.sales.waiting_room_organizer import set_waiting_room
from tests.factories import local, make_event, make_organizer, make_workspace

RATE = 600  # 10 a second
VISITORS = 300
ROUNDS = 12
THREADS = 8


@pytest.fixture
def room():
    owner = make_organizer()
    event = make_event(owner, make_workspace(owner).id, publish=True)
    t0 = utcnow().replace(second=0, microsecond=0)
    starts = t0 + timedelta(minutes=10)
    set_waiting_room(
        actor=owner.summary,
        event_id=event.id,
        enabled=True,
        opens_local=local(t0 - timedelta(minutes=10)),
        starts_local=local(starts),
        rate_per_minute=str(RATE),
        now=t0,
    )
    for i in range(VISITORS):
        waiting_room.join_waiting_room(short_id=event.short_id, browser_cookie=None, now=t0 + timedelta(seconds=i))
    return event, starts


def _rush(event, starts, guard) -> int:
    """Every round, all threads admit at the same moment; the total they say they admitted."""
    barrier = threading.Barrier(THREADS)

    def admit(second: int) -> int:
        with guard():
            barrier.wait()
            return queue_admission.admit_due(event_id=event.id, now=starts + timedelta(seconds=second))

    total = 0
    with ThreadPoolExecutor(THREADS) as pool:
        for second in range(1, ROUNDS + 1):
            total += sum(pool.map(admit, [second] * THREADS))
    return total


def _admitted_rows(event_id: str) -> int:
    with read_only() as session:
        return session.exec(
            select(func.count())
            .select_from(WaitingRoomVisitor)
            .where(WaitingRoomVisitor.event_id == event_id, WaitingRoomVisitor.admitted_at.is_not(None))
        ).one()


def test_admission_race_happens_without_guard(room):
    event, starts = room
    total = _rush(event, starts, queue_admission.guard_disabled_for_tests)
    with read_only() as session:
        counted = session.get(WaitingRoom, event.id).admitted_count
    assert total > ROUNDS * RATE // 60  # more passes than the rate allows
    assert counted > _admitted_rows(event.id)  # the same visitors admitted over and over


def test_admission_race_prevented(room):
    event, starts = room
    total = _rush(event, starts, nullcontext)
    with read_only() as session:
        counted = session.get(WaitingRoom, event.id).admitted_count
    assert total == ROUNDS * RATE // 60 == counted == _admitted_rows(event.id)


def test_many_tabs_joining_at_once_make_one_place(room):
    event, _ = room
    cookie = waiting_room.new_browser_cookie()
    barrier = threading.Barrier(THREADS)

    def join(_: int) -> str:
        barrier.wait()
        return waiting_room.join_waiting_room(short_id=event.short_id, browser_cookie=cookie).browser_cookie

    with ThreadPoolExecutor(THREADS) as pool:
        assert set(pool.map(join, range(THREADS))) == {cookie}
    with read_only() as session:
        rows = session.exec(
            select(func.count()).select_from(WaitingRoomVisitor).where(WaitingRoomVisitor.event_id == event.id)
        ).one()
    assert rows == VISITORS + 1
