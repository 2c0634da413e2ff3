"""The outbox delivers each email once, retries failures, and survives a dead worker's claim."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
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


def test_a_claimed_row_is_not_claimed_again_until_its_lock_runs_out():
    (email_id,) = _queue()
    assert [row.id for row in outbox._claim_due(limit=20)] == [email_id]
    assert outbox._claim_due(limit=20) == []
    assert outbox.deliver_due() == 0


def test_workers_claiming_at_once_take_disjoint_rows():
    """Four workers draining one backlog together: every row goes to exactly one of them (on PostgreSQL
    the rows a claim is locking are skipped by the others, on SQLite the claims queue)."""
    queued = set(_queue(60))
    start = threading.Barrier(4)

    def claim() -> list[str]:
        start.wait()
        return [row.id for row in outbox._claim_due(limit=20)]

    with ThreadPoolExecutor(4) as pool:
        taken = list(pool.map(lambda _: claim(), range(4)))
    every = [email_id for ids in taken for email_id in ids]
    assert len(every) == len(set(every))  # nobody took a row twice
    assert set(every) <= queued and len(every) == 60  # 3 x 20 rows: the fourth found none or some left over
    assert {r.status for r in _rows()} == {OutboxStatus.SENDING}


def test_a_pass_records_its_attempts_together_and_each_once(monkeypatch):
    """Sent and failed rows of one pass, written in one batch: each row's own outcome."""
    ids = _queue(4)
    real_send = outbox.mail.send

    def refuse_the_second(row, attachments):
        if row.id == ids[1]:
            raise outbox.mail.MailError("mailbox unavailable")
        return real_send(row, attachments)

    monkeypatch.setattr(outbox.mail, "send", refuse_the_second)
    assert outbox.deliver_due() == 3
    rows = {r.id: r for r in _rows()}
    sent, pending = OutboxStatus.SENT, OutboxStatus.PENDING
    assert [rows[i].status for i in ids] == [sent, pending, sent, sent]
    assert all(rows[i].attempts == 1 and rows[i].locked_until is None for i in ids)
    assert rows[ids[1]].last_error == "mailbox unavailable" and rows[ids[1]].next_attempt_at > utcnow()
    assert rows[ids[1]].sent_at is None and rows[ids[0]].sent_at is not None and rows[ids[0]].transport == "dev"


def test_a_pass_whose_claim_runs_out_hands_back_the_rest(monkeypatch):
    """Slow sends ate half the claim: the unsent rows become claimable at once, untried."""
    ids = _queue(3)
    monkeypatch.setattr(outbox, "CLAIM_SECONDS", 0.2)
    real_send = outbox.mail.send

    def slow(row, attachments):
        time.sleep(0.15)
        return real_send(row, attachments)

    monkeypatch.setattr(outbox.mail, "send", slow)
    assert outbox.deliver_due() == 1
    rows = {r.id: r for r in _rows()}
    assert rows[ids[0]].status == OutboxStatus.SENT
    assert all(rows[i].attempts == 0 and rows[i].locked_until is None for i in ids[1:])
    monkeypatch.setattr(outbox, "CLAIM_SECONDS", 120)
    assert outbox.deliver_due() == 2
