"""The outbox: queue emails and text messages inside the business transaction, deliver later with retries.

A slow or broken SMTP server or SMS provider therefore never slows a sign-up or a checkout, and a
message is never lost: a row stays queued until a send succeeds or the retries are used up. Emails
and SMS (`channel`) share the table, the claim, the backoff and the worker; only the send differs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Integer, Row, bindparam, delete, insert, or_, update
from sqlmodel import Session, col, select

from eventpalour.config import settings
from eventpalour.db import read_only, transaction, write_batch
from eventpalour.integrations import mail, sms
from eventpalour.models import OutboxChannel, OutboxEmail, OutboxStatus
from eventpalour.models.types import new_id, utcnow
from eventpalour.services import tickets

MAX_ATTEMPTS = 8
CLAIM_SECONDS = 120
# Core statements built once (the table's defaults fill the rest): emails are queued inside
# checkout's hot transactions, and after a rush the worker sends one per order.
_emails = OutboxEmail.__table__
_INSERT_EMAIL = insert(_emails)
_now = bindparam("now", type_=_emails.c.next_attempt_at.type)
_WAITING = (
    _emails.c.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING]),
    or_(_emails.c.locked_until.is_(None), _emails.c.locked_until < _now),
)
_DUE_NOW = (*_WAITING, _emails.c.next_attempt_at <= _now)
_ANY_DUE = select(_emails.c.id).where(*_DUE_NOW).limit(1)
# A pass claims its rows in one transaction: the due rows, oldest first, locked as they are read. On
# PostgreSQL, SKIP LOCKED leaves rows another worker is claiming at that moment to that worker, so the
# workers draining a rush's emails take disjoint rows (they used to read the same twenty and race for
# each, a round trip per row, won or lost). SQLite has no row locks: its writers queue at BEGIN
# IMMEDIATE, so a claim there sees the rows as the previous claim left them.
_DUE = (
    select(*_emails.c)
    .where(*_DUE_NOW)
    .order_by(_emails.c.created_at)
    .limit(bindparam("limit", type_=Integer))
    .with_for_update(skip_locked=True)
)
_LOCK = bindparam("lock_until", type_=_emails.c.locked_until.type)
_CLAIM = (
    update(_emails)
    .where(_emails.c.id.in_(bindparam("ids", expanding=True)))
    .values(status=OutboxStatus.SENDING.value, locked_until=_LOCK)
)
# The outcome of each attempt, written for many rows in one statement (executemany). A sent row keeps
# its next_attempt_at, a failed one its sent_at and transport: each row supplies all of them.
_FINISH = (
    update(_emails)
    .where(_emails.c.id == bindparam("email_id"))
    .values(
        attempts=bindparam("attempts_now"),
        locked_until=None,
        status=bindparam("status_now"),
        sent_at=bindparam("sent_at_now", type_=_emails.c.sent_at.type),
        transport=bindparam("transport_now"),
        last_error=bindparam("error_now"),
        next_attempt_at=bindparam("next_attempt_now", type_=_emails.c.next_attempt_at.type),
    )
)
# Rows whose turn a pass gives up (its claim is running out): claimable again at once.
_RELEASE = update(_emails).where(_emails.c.id.in_(bindparam("ids", expanding=True))).values(locked_until=None)
FINISH_EVERY_SECONDS = 1.0
"""Attempts are recorded together, at the end of a pass or once this long has passed since the last
record, whichever comes first: a worker killed mid-pass sends again at most this long's messages."""


@dataclass(frozen=True)
class EmailMessage:
    """What to send, before it is queued."""

    to_email: str
    subject: str
    text_body: str
    html_body: str | None
    kind: str
    attachments: tuple[dict[str, Any], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()  # extra headers, e.g. List-Unsubscribe


def enqueue(executor: Session | Connection, message: EmailMessage, *, not_before: datetime | None = None) -> str:
    """Queue `message` in the caller's transaction; it is sent only if that transaction commits, and
    not before `not_before` when given (how announcements keep to their event's rate).
    Returns the queued email's id."""
    email_id = new_id()
    row = {
        "id": email_id,
        "to_email": message.to_email,
        "subject": message.subject,
        "text_body": message.text_body,
        "html_body": message.html_body,
        "kind": message.kind,
        "attachments": list(message.attachments),
        "headers": dict(message.headers),
    }
    if not_before is not None:
        row["next_attempt_at"] = not_before
    executor.execute(_INSERT_EMAIL, row)
    return email_id


@dataclass(frozen=True)
class SmsMessage:
    """A text message to `to_phone` (E.164) for the account at `to_email`, before it is queued.
    `subject` only labels it in /dev/outbox; `text` is what the phone shows."""

    to_email: str
    to_phone: str
    subject: str
    text: str
    kind: str


def enqueue_sms(
    executor: Session | Connection, message: SmsMessage, *, not_before: datetime | None = None
) -> str | None:
    """Queue `message` in the caller's transaction, like `enqueue`; None (nothing queued) where no
    SMS provider may run (production without Africa's Talking)."""
    if not settings.sms_enabled:
        return None
    sms_id = new_id()
    row = {
        "id": sms_id,
        "to_email": message.to_email,
        "subject": message.subject[:255],
        "text_body": message.text,
        "html_body": None,
        "kind": message.kind,
        "attachments": [],
        "channel": OutboxChannel.SMS.value,
        "to_phone": message.to_phone,
    }
    if not_before is not None:
        row["next_attempt_at"] = not_before
    executor.execute(_INSERT_EMAIL, row)
    return sms_id


def _retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))


def _claim_due(limit: int) -> list[Row[Any]]:
    """Take up to `limit` due rows for this worker, oldest first; none already taken by another. A
    cheap read comes first: most passes (every idle second, in each worker) find nothing, and then
    open no write transaction (on SQLite one would take the database's write lock)."""
    now = utcnow()
    with read_only() as reader:
        if reader.connection().execute(_ANY_DUE, {"now": now}).first() is None:
            return []
    with transaction() as session:
        connection = session.connection()
        due = list(connection.execute(_DUE, {"now": now, "limit": limit}).all())
        if due:
            lock_until = now + timedelta(seconds=CLAIM_SECONDS)
            connection.execute(_CLAIM, {"ids": [row.id for row in due], "lock_until": lock_until})
    return due


class _Attempts:
    """The outcomes of one pass's attempts, recorded in batches (`FINISH_EVERY_SECONDS`)."""

    def __init__(self) -> None:
        self._waiting: list[dict[str, Any]] = []
        self._since = time.monotonic()

    def record(self, claimed: Row[Any], *, error: str | None, transport: str, permanent: bool = False) -> None:
        """An attempt on a row this worker claimed (no other worker touches it meanwhile). A
        `permanent` error (a number that can never take the message) is not retried."""
        attempts, now = claimed.attempts + 1, utcnow()
        outcome = {
            "email_id": claimed.id,
            "attempts_now": attempts,
            "sent_at_now": claimed.sent_at,
            "transport_now": claimed.transport,
            "next_attempt_now": claimed.next_attempt_at,
        }
        if error is None:
            outcome |= {"status_now": OutboxStatus.SENT.value, "sent_at_now": now, "transport_now": transport}
            outcome["error_now"] = None
        else:
            exhausted = attempts >= MAX_ATTEMPTS or permanent
            outcome |= {
                "status_now": (OutboxStatus.FAILED if exhausted else OutboxStatus.PENDING).value,
                "next_attempt_now": now + _retry_delay(attempts),
                "error_now": error[:1000],
            }
        self._waiting.append(outcome)
        if time.monotonic() - self._since >= FINISH_EVERY_SECONDS:
            self.flush()

    def flush(self) -> None:
        if self._waiting:
            outcomes, self._waiting = self._waiting, []
            with write_batch() as batch:
                batch.execute(_FINISH, outcomes[0] if len(outcomes) == 1 else outcomes)
        self._since = time.monotonic()


def deliver_due(limit: int = 20) -> int:
    """Send up to `limit` due emails and text messages; returns how many were sent. Safe to run in
    many workers."""
    claimed, started = _claim_due(limit), time.monotonic()
    attempts, sent = _Attempts(), 0
    try:
        for number, row in enumerate(claimed):
            if time.monotonic() - started > CLAIM_SECONDS / 2:
                # Slow sends (an SMTP server timing out) ate half the claim: hand the rest back before
                # another worker could take them while this one still means to send them.
                with write_batch() as batch:
                    batch.execute(_RELEASE, {"ids": [left.id for left in claimed[number:]]})
                break
            sent += _send(row, attempts)
    finally:
        attempts.flush()
    return sent


def _send(row: Row[Any], attempts: _Attempts) -> bool:
    """One claimed row to its transport; whether it was accepted."""
    if row.channel == OutboxChannel.SMS:
        return _send_sms(row, attempts)
    try:
        # The development transport keeps the row itself, so there is nothing to render for it.
        files = tickets.materialize_attachments(row.attachments) if mail.uses_smtp() else []
        transport = mail.send(row, files)
    except mail.MailError as exc:
        attempts.record(row, error=str(exc), transport="")
        return False
    attempts.record(row, error=None, transport=transport)
    return True


def _send_sms(row: Row[Any], attempts: _Attempts) -> bool:
    """One claimed text message to its provider over HTTP; whether it was accepted."""
    try:
        receipt = sms.send(row.to_phone, row.text_body)
    except sms.SmsError as exc:
        attempts.record(row, error=str(exc), transport="", permanent=exc.permanent)
        return False
    attempts.record(row, error=None, transport=receipt.transport)
    return True


@dataclass(frozen=True)
class OutboxItem:
    """An outbox row as the development outbox page shows it."""

    id: str
    to_email: str
    subject: str
    text_body: str
    kind: str
    status: str
    created_at: str
    channel: str = OutboxChannel.EMAIL.value
    to_phone: str = ""
    attempts: int = 0
    last_error: str = ""

    @property
    def is_sms(self) -> bool:
        return self.channel == OutboxChannel.SMS

    @property
    def is_sent(self) -> bool:
        """Handed to the mail server; anything else is still queued, sending or failed. (A property, so
        the JSON of /api/dev/outbox keeps the row's fields only.)"""
        return self.status == OutboxStatus.SENT


def recent_emails(limit: int = 50, to_email: str | None = None) -> list[OutboxItem]:
    """Newest queued or sent emails and text messages, optionally for one address, for /dev/outbox
    (development only)."""
    query = select(OutboxEmail).order_by(col(OutboxEmail.created_at).desc()).limit(limit)
    if to_email:
        query = query.where(OutboxEmail.to_email == to_email)
    with read_only() as session:
        rows = session.exec(query).all()
    return [
        OutboxItem(
            id=r.id,
            to_email=r.to_email,
            subject=r.subject,
            text_body=r.text_body,
            kind=r.kind,
            status=r.status,
            created_at=r.created_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
            channel=r.channel,
            to_phone=r.to_phone or "",
            attempts=r.attempts,
            last_error=r.last_error or "",
        )
        for r in rows
    ]


def forget_recipient(session: Session, address: str) -> int:
    """Delete every queued or sent email to `address`, in the caller's transaction (an account being
    erased: the copies hold its name, address and ticket codes). Returns how many went."""
    return session.execute(delete(OutboxEmail).where(col(OutboxEmail.to_email) == address)).rowcount
