"""The email outbox: queue inside the business transaction, deliver later with retries.

A slow or broken SMTP server therefore never slows a sign-up or a checkout, and an email is
never lost: a row stays queued until a send succeeds or the retries are used up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from eventpalour.db import read_only, transaction
from eventpalour.integrations import mail
from eventpalour.models import OutboxEmail, OutboxStatus
from eventpalour.models.types import utcnow
from eventpalour.services import email_attachments

MAX_ATTEMPTS = 8
CLAIM_SECONDS = 120


@dataclass(frozen=True)
class EmailMessage:
    """What to send, before it is queued."""

    to_email: str
    subject: str
    text_body: str
    html_body: str | None
    kind: str
    attachments: tuple[dict[str, Any], ...] = ()


def enqueue(session: Session, message: EmailMessage) -> OutboxEmail:
    """Queue `message` in the caller's transaction; it is sent only if that transaction commits."""
    row = OutboxEmail(
        to_email=message.to_email,
        subject=message.subject,
        text_body=message.text_body,
        html_body=message.html_body,
        kind=message.kind,
        attachments=list(message.attachments),
    )
    session.add(row)
    return row


def _retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))


def _claim(email_id: str) -> OutboxEmail | None:
    """Take one due row for this worker; another worker's claim makes this return None."""
    now = utcnow()
    with transaction() as session:
        claimed = session.execute(
            update(OutboxEmail)
            .where(
                col(OutboxEmail.id) == email_id,
                col(OutboxEmail.status).in_([OutboxStatus.PENDING, OutboxStatus.SENDING]),
                or_(col(OutboxEmail.locked_until).is_(None), col(OutboxEmail.locked_until) < now),
            )
            .values(status=OutboxStatus.SENDING, locked_until=now + timedelta(seconds=CLAIM_SECONDS))
        ).rowcount
        return session.get(OutboxEmail, email_id) if claimed == 1 else None


def _finish(email_id: str, *, error: str | None, transport: str) -> None:
    with transaction() as session:
        row = session.get(OutboxEmail, email_id)
        row.attempts += 1
        row.locked_until = None
        if error is None:
            row.status, row.sent_at, row.transport, row.last_error = (
                OutboxStatus.SENT,
                utcnow(),
                transport,
                None,
            )
        else:
            exhausted = row.attempts >= MAX_ATTEMPTS
            row.status = OutboxStatus.FAILED if exhausted else OutboxStatus.PENDING
            row.next_attempt_at = utcnow() + _retry_delay(row.attempts)
            row.last_error = error[:1000]


def deliver_due(limit: int = 20) -> int:
    """Send up to `limit` due emails; returns how many were sent. Safe to run in many workers."""
    now = utcnow()
    with read_only() as session:
        due_ids = session.exec(
            select(OutboxEmail.id)
            .where(
                col(OutboxEmail.status).in_([OutboxStatus.PENDING, OutboxStatus.SENDING]),
                col(OutboxEmail.next_attempt_at) <= now,
                or_(col(OutboxEmail.locked_until).is_(None), col(OutboxEmail.locked_until) < now),
            )
            .order_by(col(OutboxEmail.created_at))
            .limit(limit)
        ).all()
    sent = 0
    for email_id in due_ids:
        row = _claim(email_id)
        if row is None:
            continue
        try:
            # The development transport keeps the row itself, so there is nothing to render for it.
            attachments = email_attachments.materialize(row.attachments) if mail.uses_smtp() else []
            transport = mail.send(row, attachments)
        except mail.MailError as exc:
            _finish(email_id, error=str(exc), transport="")
            continue
        _finish(email_id, error=None, transport=transport)
        sent += 1
    return sent


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


def recent_emails(limit: int = 50, to_email: str | None = None) -> list[OutboxItem]:
    """Newest queued or sent emails, optionally to one address, for /dev/outbox (development only)."""
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
        )
        for r in rows
    ]
