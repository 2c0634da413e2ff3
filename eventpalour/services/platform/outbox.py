"""The outbox: queue emails and text messages inside the business transaction, deliver later with retries.

A slow or broken SMTP server or SMS provider therefore never slows a sign-up or a checkout, and a
message is never lost: a row stays queued until a send succeeds or the retries are used up. Emails
and SMS (`channel`) share the table, the claim, the backoff and the worker; only the send differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Integer, Row, bindparam, delete, insert, or_, update
from sqlmodel import Session, col, select

from eventpalour.config import settings
from eventpalour.db import read_only, rows_changed, write_batch
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
_DUE = (
    select(*_emails.c)
    .where(*_WAITING, _emails.c.next_attempt_at <= _now)
    .order_by(_emails.c.created_at)
    .limit(bindparam("limit", type_=Integer))
)
# A claim succeeds only on the row as it was read (same attempt count): a row another worker tried
# meanwhile is left to the next pass, so this worker never sends from a stale copy.
_CLAIM = (
    update(_emails)
    .where(_emails.c.id == bindparam("email_id"), _emails.c.attempts == bindparam("attempts_read"), *_WAITING)
    .values(status=OutboxStatus.SENDING.value, locked_until=bindparam("lock_until", type_=_emails.c.locked_until.type))
)


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


def _due(limit: int) -> list[Row[Any]]:
    """Up to `limit` rows due for sending now, oldest first."""
    with read_only() as reader:
        return list(reader.connection().execute(_DUE, {"now": utcnow(), "limit": limit}).all())


def _claim(due: Row[Any]) -> bool:
    """Take one due row for this worker; False when another worker claimed or tried it meanwhile.
    One statement, its own unit of work: a batch of one, one round trip on PostgreSQL."""
    now = utcnow()
    claim = {
        "email_id": due.id,
        "attempts_read": due.attempts,
        "now": now,
        "lock_until": now + timedelta(seconds=CLAIM_SECONDS),
    }
    with write_batch() as batch:
        claimed = batch.execute(_CLAIM, claim)
    return rows_changed(claimed) == 1


def _finish(claimed: Row[Any], *, error: str | None, transport: str, permanent: bool = False) -> None:
    """Record the attempt on the row this worker claimed (no other worker touches it meanwhile).
    A `permanent` error (a number that can never take the message) is not retried."""
    attempts, now = claimed.attempts + 1, utcnow()
    if error is None:
        values = {"status": OutboxStatus.SENT.value, "sent_at": now, "transport": transport, "last_error": None}
    else:
        exhausted = attempts >= MAX_ATTEMPTS or permanent
        values = {
            "status": (OutboxStatus.FAILED if exhausted else OutboxStatus.PENDING).value,
            "next_attempt_at": now + _retry_delay(attempts),
            "last_error": error[:1000],
        }
    with write_batch() as batch:
        batch.execute(
            update(_emails).where(_emails.c.id == claimed.id).values(attempts=attempts, locked_until=None, **values)
        )


def deliver_due(limit: int = 20) -> int:
    """Send up to `limit` due emails and text messages; returns how many were sent. Safe to run in
    many workers."""
    sent = 0
    for row in _due(limit):
        if not _claim(row):
            continue
        if row.channel == OutboxChannel.SMS:
            sent += _send_sms(row)
            continue
        try:
            # The development transport keeps the row itself, so there is nothing to render for it.
            attachments = tickets.materialize_attachments(row.attachments) if mail.uses_smtp() else []
            transport = mail.send(row, attachments)
        except mail.MailError as exc:
            _finish(row, error=str(exc), transport="")
            continue
        _finish(row, error=None, transport=transport)
        sent += 1
    return sent


def _send_sms(row: Row[Any]) -> bool:
    """One claimed text message to its provider over HTTP; whether it was accepted."""
    try:
        receipt = sms.send(row.to_phone, row.text_body)
    except sms.SmsError as exc:
        _finish(row, error=str(exc), transport="", permanent=exc.permanent)
        return False
    _finish(row, error=None, transport=receipt.transport)
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
