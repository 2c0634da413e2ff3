"""The outbox delivers each email once, retries failures, and survives a dead worker's claim."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from eventpalour.config import settings
from eventpalour.db import read_only, transaction
from eventpalour.models import OutboxEmail, OutboxStatus
from eventpalour.models.types import utcnow
from eventpalour.services.platform import emails, outbox


def _queue(n: int = 1) -> list[str]:
    ids = []
    with transaction() as session:
        for i in range(n):
            ids.append(outbox.enqueue(session, emails.verification_code(f"o{i}@example.test", "", "123456")))
    return ids


def _rows() -> list[OutboxEmail]:
    with read_only() as session:
        return list(session.exec(select(OutboxEmail)).all())


def test_deliver_due_sends_each_email_once():
    _queue(3)
    assert outbox.deliver_due() == 3
    assert outbox.deliver_due() == 0
    assert {r.status for r in _rows()} == {OutboxStatus.SENT}
    assert all(r.attempts == 1 and r.transport == "dev" for r in _rows())


def test_enqueue_rolled_back_with_its_transaction():
    try:
        with transaction() as session:
            outbox.enqueue(session, emails.verification_code("x@example.test", "", "123456"))
            raise RuntimeError("the business change failed")
    except RuntimeError:
        pass
    assert _rows() == []


def test_deliver_due_smtp_down_retries_later(monkeypatch):
    monkeypatch.setattr(settings, "smtp_host", "127.0.0.1")
    monkeypatch.setattr(settings, "smtp_port", 1)  # nothing listens there: connection refused
    _queue()
    assert outbox.deliver_due() == 0
    row = _rows()[0]
    assert row.status == OutboxStatus.PENDING and row.attempts == 1
    assert row.next_attempt_at > utcnow() and row.last_error
    assert outbox.deliver_due() == 0  # not due yet


def test_deliver_due_gives_up_after_max_attempts(monkeypatch):
    monkeypatch.setattr(settings, "smtp_host", "127.0.0.1")
    monkeypatch.setattr(settings, "smtp_port", 1)
    _queue()
    for _ in range(outbox.MAX_ATTEMPTS):
        with transaction() as session:
            session.exec(select(OutboxEmail)).one().next_attempt_at = utcnow() - timedelta(seconds=1)
        outbox.deliver_due()
    assert _rows()[0].status == OutboxStatus.FAILED


def test_deliver_due_reclaims_a_dead_workers_row_after_its_lock_expires():
    (email_id,) = _queue()
    with transaction() as session:
        row = session.get(OutboxEmail, email_id)
        row.status, row.locked_until = OutboxStatus.SENDING, utcnow() + timedelta(minutes=1)
    assert outbox.deliver_due() == 0
    with transaction() as session:
        session.get(OutboxEmail, email_id).locked_until = utcnow() - timedelta(seconds=1)
    assert outbox.deliver_due() == 1


def test_claim_by_two_workers_only_one_wins():
    (email_id,) = _queue()
    due = next(row for row in outbox._due(limit=20) if row.id == email_id)
    assert outbox._claim(due)
    assert not outbox._claim(due)
