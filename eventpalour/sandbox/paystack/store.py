"""Every statement on the Paystack sandbox's tables, and the typed rows they return.

The rest of the sandbox decides (what may be refunded, when a transaction is settled); this module
only reads and writes, in Core, so a row reaches the other modules as one frozen dataclass whether
it came from a hot path or a test hook. Writes that must happen together take the caller's session
(one `transaction()`); reads and writes that stand alone open their own unit of work.

Initialize and verify run on statements built once below: the app calls its own sandbox once per
placed and once per fulfilled order, and composing ORM queries and objects per call was about half
of the sandbox's CPU time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, delete, func, insert, select, update
from sqlmodel import Session

from eventpalour.db import read_only, transaction, write_batch
from eventpalour.models import (
    SandboxPaystackControl,
    SandboxPaystackRefund,
    SandboxPaystackTransaction,
    SandboxPaystackWebhook,
)
from eventpalour.models.types import utcnow

_controls = SandboxPaystackControl.__table__
_transactions = SandboxPaystackTransaction.__table__
_refunds = SandboxPaystackRefund.__table__
_webhooks = SandboxPaystackWebhook.__table__

READ_CONTROLS = select(_controls.c.name, _controls.c.value)
# `.inline()`: the new id is not asked back, so the insert can travel in a batch (db.write_batch).
INSERT_TRANSACTION = insert(_transactions).inline()
TRANSACTION_BY_REFERENCE = select(_transactions).where(_transactions.c.reference == bindparam("reference"))


@dataclass(frozen=True, slots=True)
class Transaction:
    """A sandbox transaction as stored (see `SandboxPaystackTransaction` for what each column means)."""

    id: int
    reference: str
    access_code: str
    email: str
    amount: int
    requested_amount: int | None
    currency: str
    status: str
    channel: str | None
    gateway_response: str | None
    fees: int | None
    paid_at: datetime | None
    callback_url: str | None
    metadata_json: Any
    authorization_code: str | None
    customer_code: str | None
    refunded_amount: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Refund:
    """A sandbox refund as stored: `pending` → `processing` → `processed` (or `failed`)."""

    id: int
    transaction_reference: str
    amount: int
    currency: str
    status: str
    will_fail: bool
    customer_note: str | None
    merchant_note: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Webhook:
    """A webhook the sandbox recorded: its exact signed body and how its deliveries went."""

    id: int
    event: str
    transaction_reference: str
    refund_id: int | None
    body: str
    attempts: int
    last_status_code: int | None
    last_error: str | None
    last_attempt_at: datetime | None
    delivered_at: datetime | None
    created_at: datetime


def _transaction(row: Row[Any] | None) -> Transaction | None:
    return None if row is None else Transaction(**row._mapping)


def _refund(row: Row[Any] | None) -> Refund | None:
    return None if row is None else Refund(**row._mapping)


def _webhook(row: Row[Any] | None) -> Webhook | None:
    return None if row is None else Webhook(**row._mapping)


# --- controls ---------------------------------------------------------------------------------------


def stored_controls() -> dict[str, Any]:
    """The switches a test has set, by name (absent ones keep their defaults)."""
    with read_only() as reader:
        connection = reader.connection()
        return {name: value for name, value in connection.execute(READ_CONTROLS).all()}


def write_controls(changes: dict[str, Any]) -> None:
    with transaction() as session:
        for name, value in changes.items():
            changed = session.execute(update(_controls).where(_controls.c.name == name).values(value=value)).rowcount
            if changed == 0:
                session.execute(insert(_controls).values(name=name, value=value))


def reset_controls() -> None:
    with transaction() as session:
        session.execute(delete(_controls))


# --- transactions -----------------------------------------------------------------------------------


def insert_transaction(
    *,
    reference: str,
    access_code: str,
    email: str,
    amount: int,
    currency: str,
    callback_url: str | None,
    metadata: object,
) -> None:
    """Store a new, open transaction in one statement; raises IntegrityError when the reference is taken.

    Every column is named, with the model's defaults, so the row is the one `session.add()` of a
    `SandboxPaystackTransaction` stored (metadata None is JSON `null` there too, not SQL NULL).
    """
    now = utcnow()
    with write_batch() as batch:
        batch.execute(
            INSERT_TRANSACTION,
            {
                "reference": reference,
                "access_code": access_code,
                "email": email,
                "amount": amount,
                "requested_amount": None,
                "currency": currency,
                "status": "abandoned",
                "channel": None,
                "gateway_response": None,
                "fees": None,
                "paid_at": None,
                "callback_url": callback_url,
                "metadata_json": metadata,
                "authorization_code": None,
                "customer_code": None,
                "refunded_amount": 0,
                "created_at": now,
                "updated_at": now,
            },
        )


def transaction_by_reference(reference: str) -> Transaction | None:
    """Verify's read: one prepared statement on an autocommit connection."""
    with read_only() as reader:
        connection = reader.connection()
        return _transaction(connection.execute(TRANSACTION_BY_REFERENCE, {"reference": reference}).first())


def transaction_by_access_code(access_code: str) -> Transaction | None:
    with read_only() as reader:
        connection = reader.connection()
        return _transaction(
            connection.execute(select(_transactions).where(_transactions.c.access_code == access_code)).first()
        )


def find_transaction(
    session: Session,
    *,
    reference: str | None = None,
    access_code: str | None = None,
    transaction_id: int | None = None,
) -> Transaction | None:
    """A transaction inside the caller's unit of work, by the one key given."""
    if reference is not None:
        condition = _transactions.c.reference == reference
    elif access_code is not None:
        condition = _transactions.c.access_code == access_code
    else:
        condition = _transactions.c.id == transaction_id
    return _transaction(session.execute(select(_transactions).where(condition)).first())


def settle_open_transaction(session: Session, transaction_id: int, values: dict[str, Any]) -> bool:
    """Write an outcome on a transaction still open (`abandoned`); False when another call settled it first."""
    return (
        session.execute(
            update(_transactions)
            .where(_transactions.c.id == transaction_id, _transactions.c.status == "abandoned")
            .values(**values)
        ).rowcount
        == 1
    )


def reserve_refund_amount(session: Session, transaction_id: int, amount: int) -> bool:
    """Count `amount` as refunded, only while refunds stay within what was charged; False when they would not."""
    refunded = _transactions.c.refunded_amount
    return (
        session.execute(
            update(_transactions)
            .where(_transactions.c.id == transaction_id, refunded + amount <= _transactions.c.amount)
            .values(refunded_amount=refunded + amount, updated_at=utcnow())
        ).rowcount
        == 1
    )


def release_refund_amount(session: Session, transaction_id: int, amount: int) -> None:
    """Give a failed refund's amount back to the refundable balance."""
    session.execute(
        update(_transactions)
        .where(_transactions.c.id == transaction_id)
        .values(refunded_amount=_transactions.c.refunded_amount - amount, updated_at=utcnow())
    )


def mark_reversed(session: Session, transaction_id: int) -> None:
    session.execute(
        update(_transactions).where(_transactions.c.id == transaction_id).values(status="reversed", updated_at=utcnow())
    )


# --- refunds ----------------------------------------------------------------------------------------


def add_refund(
    session: Session,
    *,
    transaction_reference: str,
    amount: int,
    currency: str,
    will_fail: bool,
    customer_note: str | None,
    merchant_note: str | None,
) -> Refund:
    now = utcnow()
    row = session.execute(
        insert(_refunds)
        .values(
            transaction_reference=transaction_reference,
            amount=amount,
            currency=currency,
            status="pending",
            will_fail=will_fail,
            customer_note=customer_note,
            merchant_note=merchant_note,
            created_at=now,
            updated_at=now,
        )
        .returning(*_refunds.c)
    ).one()
    return Refund(**row._mapping)


def find_refund(session: Session, refund_id: int) -> Refund | None:
    return _refund(session.execute(select(_refunds).where(_refunds.c.id == refund_id)).first())


def refund_with_transaction(refund_id: int) -> tuple[Refund | None, Transaction | None]:
    """A refund and the transaction it refunds, read together (GET /refund/:id)."""
    with read_only() as session:
        refund = find_refund(session, refund_id)
        tx = find_transaction(session, reference=refund.transaction_reference) if refund else None
    return refund, tx


def move_refund(session: Session, refund_id: int, from_status: str, to_status: str) -> bool:
    """Change a refund's status only if it still has `from_status`; False when another call moved it first."""
    return (
        session.execute(
            update(_refunds)
            .where(_refunds.c.id == refund_id, _refunds.c.status == from_status)
            .values(status=to_status, updated_at=utcnow())
        ).rowcount
        == 1
    )


def processed_refund_total(session: Session, transaction_reference: str) -> int:
    return session.execute(
        select(func.coalesce(func.sum(_refunds.c.amount), 0)).where(
            _refunds.c.transaction_reference == transaction_reference, _refunds.c.status == "processed"
        )
    ).scalar_one()


# --- webhooks ---------------------------------------------------------------------------------------


def record_webhook(session: Session, *, event: str, reference: str, refund_id: int | None, body: str) -> int:
    """Keep a webhook's exact body for delivery (and re-delivery); returns its id."""
    return session.execute(
        insert(_webhooks)
        .values(
            event=event,
            transaction_reference=reference,
            refund_id=refund_id,
            body=body,
            attempts=0,
            created_at=utcnow(),
        )
        .returning(_webhooks.c.id)
    ).scalar_one()


def find_webhook(webhook_id: int) -> Webhook | None:
    with read_only() as reader:
        connection = reader.connection()
        return _webhook(connection.execute(select(_webhooks).where(_webhooks.c.id == webhook_id)).first())


def note_delivery(webhook_id: int, *, status_code: int | None, error: str | None) -> None:
    """Count one delivery attempt and its outcome; the first 200 marks the webhook delivered."""
    now = utcnow()
    with transaction() as session:
        session.execute(
            update(_webhooks)
            .where(_webhooks.c.id == webhook_id)
            .values(
                attempts=_webhooks.c.attempts + 1, last_status_code=status_code, last_error=error, last_attempt_at=now
            )
        )
        if status_code == 200:
            session.execute(
                update(_webhooks)
                .where(_webhooks.c.id == webhook_id, _webhooks.c.delivered_at.is_(None))
                .values(delivered_at=now)
            )


def latest_webhook_id(reference: str) -> int | None:
    with read_only() as reader:
        connection = reader.connection()
        return connection.execute(
            select(_webhooks.c.id)
            .where(_webhooks.c.transaction_reference == reference)
            .order_by(_webhooks.c.id.desc())
            .limit(1)
        ).scalar()


def list_webhooks(reference: str | None = None) -> list[Webhook]:
    """Every recorded webhook, oldest first, optionally for one transaction."""
    query = select(_webhooks).order_by(_webhooks.c.id)
    if reference is not None:
        query = query.where(_webhooks.c.transaction_reference == reference)
    with read_only() as reader:
        connection = reader.connection()
        return [Webhook(**row._mapping) for row in connection.execute(query).all()]
