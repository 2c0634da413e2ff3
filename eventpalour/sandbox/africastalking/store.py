"""Every statement on the SMS sandbox's tables: the messages received and the one test switch."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update

from eventpalour.db import read_only, transaction
from eventpalour.models import SandboxSmsControl, SandboxSmsMessage

FAIL_NEXT = "fail_next"
_messages = SandboxSmsMessage.__table__
_controls = SandboxSmsControl.__table__


@dataclass(frozen=True, slots=True)
class ReceivedSms:
    """One recipient of one message as the sandbox answered it (`status_code` 101: sent)."""

    id: int
    to: str
    sender: str
    message: str
    status: str
    status_code: int
    message_id: str
    cost: str
    created_at: str  # "2026-12-06 09:41:05 UTC"

    @property
    def delivered(self) -> bool:
        return self.status_code == 101


def take_failure() -> bool:
    """Use up one of the failures a test asked for; False when none is left. One conditional UPDATE,
    so two workers sending at once never both take the last one."""
    with transaction() as session:
        taken = session.execute(
            update(_controls)
            .where(_controls.c.name == FAIL_NEXT, _controls.c.value > 0)
            .values(value=_controls.c.value - 1)
        ).rowcount
    return taken == 1


def record(*, username: str, to: str, sender: str, message: str, status: str, status_code: int, cost: str) -> str:
    """Store one recipient's message; returns its messageId ("None" when it was not sent, as AT says)."""
    message_id = f"ATXid_{secrets.token_hex(16)}" if status_code == 101 else "None"
    with transaction() as session:
        session.execute(
            insert(_messages).values(
                username=username,
                to=to,
                sender=sender,
                message=message,
                status=status,
                status_code=status_code,
                message_id=message_id,
                cost=cost,
            )
        )
    return message_id


def set_failures(count: int) -> None:
    with transaction() as session:
        session.execute(delete(_controls).where(_controls.c.name == FAIL_NEXT))
        session.execute(insert(_controls).values(name=FAIL_NEXT, value=count))


def failures_left() -> int:
    with read_only() as reader:
        value = reader.execute(select(_controls.c.value).where(_controls.c.name == FAIL_NEXT)).scalar()
    return int(value or 0)


def received_messages(limit: int = 100, to: str | None = None) -> list[ReceivedSms]:
    """The newest messages received first, optionally to one number."""
    query = select(_messages).order_by(_messages.c.id.desc()).limit(limit)
    if to:
        query = query.where(_messages.c.to == to)
    with read_only() as reader:
        rows = reader.execute(query).all()
    return [
        ReceivedSms(
            id=row.id,
            to=row.to,
            sender=row.sender,
            message=row.message,
            status=row.status,
            status_code=row.status_code,
            message_id=row.message_id,
            cost=row.cost,
            created_at=row.created_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
        )
        for row in rows
    ]
