"""Withdrawals (SPEC §5): a workspace admin asks for a payout of the available balance to a bank
account or an M-Pesa number; a finance admin marks it paid (with the transfer's reference) or
rejects it (with a reason). The owner is emailed either way, and each decision is audit-logged.

Two requests racing must never overdraw: the balance is checked and the row inserted in one
transaction that first locks the workspace row (`SELECT … FOR UPDATE` on PostgreSQL; SQLite's
`BEGIN IMMEDIATE` already lets only one writer in at a time).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from eventpalour.config import SUPPORTED_CURRENCIES
from eventpalour.db import read_only, transaction
from eventpalour.models import User, Withdrawal, WithdrawalMethod, WithdrawalStatus, Workspace
from eventpalour.models.types import utcnow
from eventpalour.services import admin, identity, platform
from eventpalour.services.finance.money_figures import Balance, balances
from eventpalour.services.finance.revenue import require_finance_admin
from eventpalour.services.identity import ClientInfo, UserSummary
from eventpalour.services.platform import (
    N_,
    Conflict,
    FieldError,
    NotFound,
    ValidationFailed,
    clean_line,
    clean_text,
    format_money,
    language_or_default,
    message,
    parse_amount,
)
from eventpalour.services.workspaces import WorkspaceAction, load_workspace_for

# Policy minimums, in minor units: KES 1,000 and the amount we treat as its equivalent in each
# currency. Fixed here (not live exchange rates) so the rule reads the same every day; revise them
# together when rates drift far.
MINIMUM_WITHDRAWAL: dict[str, int] = {"KES": 100_000, "NGN": 1_200_000, "GHS": 12_000, "ZAR": 15_000, "USD": 800}
HISTORY_LIMIT = 100
_ACCOUNT_NUMBER = re.compile(r"^[0-9A-Z]{5,34}$")
_MPESA_PHONE = re.compile(r"^\+254[17]\d{8}$")
_unlocked: ContextVar[bool] = ContextVar("withdrawals_unlocked", default=False)


@contextmanager
def balance_lock_disabled_for_tests() -> Iterator[None]:
    """Check the balance from a read made before the write transaction, without the lock: the
    check-then-act race the lock exists to prevent (the concurrency tests' control case)."""
    token = _unlocked.set(True)
    try:
        yield
    finally:
        _unlocked.reset(token)


@dataclass(frozen=True)
class WithdrawalInput:
    """The request form as typed: `amount` in major units ("1,500.00"); the other method's fields are ignored."""

    currency: str = "KES"
    amount: str = ""
    method: str = WithdrawalMethod.BANK
    bank_name: str = ""
    account_number: str = ""
    account_name: str = ""
    phone_number: str = ""


@dataclass(frozen=True)
class WithdrawalView:
    """A withdrawal as the workspace sees it; the account number is masked to its last digits."""

    id: str
    currency: str
    amount: int
    method: str
    destination: str
    status: str
    reference: str
    rejection_reason: str
    requested_by: str
    created_at: datetime
    decided_at: datetime | None


def minimum_for(currency: str) -> int:
    return MINIMUM_WITHDRAWAL[currency]


def lock_workspace_balance(session: Session, workspace_id: str) -> None:
    """Serialize every balance-changing write of one workspace until the caller's transaction ends."""
    session.exec(select(Workspace.id).where(Workspace.id == workspace_id).with_for_update()).one()


def _mpesa_phone(raw: str) -> str:
    """ "0712 345 678", "254712345678" or "+254 712-345-678" → "+254712345678" (may still be invalid)."""
    digits = re.sub(r"[\s().-]", "", clean_line(raw))
    if digits.startswith("0") and len(digits) == 10:
        return "+254" + digits[1:]
    if digits.startswith("254"):
        return "+" + digits
    return digits


def _clean(data: WithdrawalInput) -> dict[str, object]:
    """Every field checked at once; raises ValidationFailed listing each problem by field name."""
    problems: list[FieldError] = []
    currency = clean_line(data.currency).upper()
    if currency not in SUPPORTED_CURRENCIES:
        problems.append(FieldError(("currency",), N_("Choose a currency.")))
    amount = parse_amount(data.amount, currency if currency in SUPPORTED_CURRENCIES else "KES")
    if not amount:
        problems.append(FieldError(("amount",), N_("Enter an amount, like 1500 or 1,500.00.")))
    elif currency in MINIMUM_WITHDRAWAL and amount < MINIMUM_WITHDRAWAL[currency]:
        minimum = format_money(MINIMUM_WITHDRAWAL[currency], currency)
        problems.append(FieldError(("amount",), message(N_("The minimum withdrawal is {amount}."), amount=minimum)))
    values: dict[str, object] = {"currency": currency, "amount": amount, "method": data.method}
    if data.method == WithdrawalMethod.BANK:
        values.update(_bank_fields(data, problems))
    elif data.method == WithdrawalMethod.MPESA:
        phone = _mpesa_phone(data.phone_number)
        if not _MPESA_PHONE.match(phone):
            problems.append(FieldError(("phone_number",), N_("Enter a Kenyan M-Pesa number, like 0712 345 678.")))
        if currency != "KES":
            problems.append(FieldError(("method",), N_("M-Pesa payouts are in KES only; choose a bank account.")))
        values["phone_number"] = phone
    else:
        problems.append(FieldError(("method",), N_("Choose a bank account or M-Pesa.")))
    if problems:
        raise ValidationFailed(N_("Please check the withdrawal details."), details=problems)
    return values


def _bank_fields(data: WithdrawalInput, problems: list[FieldError]) -> dict[str, str]:
    bank_name = clean_line(data.bank_name)
    account_number = re.sub(r"[\s-]", "", clean_line(data.account_number)).upper()
    account_name = clean_line(data.account_name)
    if not 2 <= len(bank_name) <= 100:
        problems.append(FieldError(("bank_name",), N_("Enter the bank's name.")))
    if not _ACCOUNT_NUMBER.match(account_number):
        problems.append(FieldError(("account_number",), N_("Enter the account number: 5 to 34 letters or digits.")))
    if not 2 <= len(account_name) <= 100:
        problems.append(FieldError(("account_name",), N_("Enter the name the account is held in.")))
    return {"bank_name": bank_name, "account_number": account_number, "account_name": account_name}


def _available(session: Session, workspace_id: str, currency: str) -> int:
    return balances(session, workspace_id).get(currency, Balance(currency=currency)).available


def request_withdrawal(*, actor: UserSummary | None, workspace_id: str, data: WithdrawalInput) -> WithdrawalView:
    """Ask for a payout of part of the available balance in one currency (admin and owner).

    Guarantees that the sum of paid and pending withdrawals never exceeds what the workspace
    earned, whatever runs at the same time. Raises NotAuthenticated, NotFound, PermissionDenied,
    SecondFactorRequired (the session did not pass two-factor sign-in), ValidationFailed (a field is
    wrong, below the minimum, or above the available balance).
    """
    stale: int | None = None
    if _unlocked.get():
        with read_only() as session:
            load_workspace_for(session, actor, workspace_id, WorkspaceAction.MANAGE_BILLING)
            stale = _available(session, workspace_id, (data.currency or "").upper())
    with transaction() as session:
        access = load_workspace_for(session, actor, workspace_id, WorkspaceAction.MANAGE_BILLING)
        identity.require_second_factor(session, actor, "withdrawal")
        values = _clean(data)
        if stale is None:
            lock_workspace_balance(session, access.workspace.id)
        currency, amount = str(values["currency"]), int(values["amount"])
        available = stale if stale is not None else _available(session, access.workspace.id, currency)
        if amount > available:
            most = format_money(max(available, 0), currency)
            raise ValidationFailed.field(
                "amount",
                message(N_("You can withdraw at most {amount} in {currency}."), amount=most, currency=currency),
            )
        withdrawal = Withdrawal(workspace_id=access.workspace.id, requested_by_id=actor.id, **values)
        session.add(withdrawal)
        admin.record_audit(
            session,
            action="workspace.withdrawal_requested",
            actor_id=actor.id,
            target=("withdrawal", withdrawal.id),
            details={"workspace_id": access.workspace.id, "currency": currency, "amount": amount},
        )
        return _view(withdrawal, actor.display_name)


def _masked(digits: str) -> str:
    return "••••" + digits[-4:] if len(digits) > 4 else digits


def _destination(w: Withdrawal) -> str:
    if w.method == WithdrawalMethod.MPESA:
        return f"M-Pesa {_masked(w.phone_number or '')}"
    return f"{w.bank_name} {_masked(w.account_number or '')} ({w.account_name})"


def _view(w: Withdrawal, requested_by: str) -> WithdrawalView:
    return WithdrawalView(
        id=w.id,
        currency=w.currency,
        amount=w.amount,
        method=w.method,
        destination=_destination(w),
        status=w.status,
        reference=w.reference or "",
        rejection_reason=w.rejection_reason or "",
        requested_by=requested_by,
        created_at=w.created_at,
        decided_at=w.decided_at,
    )


def list_withdrawals(*, actor: UserSummary | None, workspace_id: str) -> list[WithdrawalView]:
    """The workspace's withdrawals, newest first (admin and owner)."""
    with read_only() as session:
        access = load_workspace_for(session, actor, workspace_id, WorkspaceAction.MANAGE_BILLING)
        rows = session.exec(
            select(Withdrawal, User)
            .join(User, col(User.id) == col(Withdrawal.requested_by_id))
            .where(Withdrawal.workspace_id == access.workspace.id)
            .order_by(col(Withdrawal.created_at).desc())
            .limit(HISTORY_LIMIT)
        ).all()
    return [_view(w, user.full_name or user.username) for w, user in rows]


# A decided withdrawal's refusal, one whole sentence per status (a language agrees its participle).
ALREADY_DECIDED: dict[str, str] = {
    WithdrawalStatus.PAID: N_("This withdrawal was already paid."),
    WithdrawalStatus.REJECTED: N_("This withdrawal was already rejected."),
}


def _decide(session: Session, actor: UserSummary, withdrawal_id: str, **values: object) -> Withdrawal:
    """Move a requested withdrawal to paid or rejected exactly once: a second admin deciding the same
    withdrawal at the same moment gets Conflict instead of a double payout or a paid-then-rejected row."""
    withdrawal = session.get(Withdrawal, withdrawal_id or "")
    if withdrawal is None:
        raise NotFound(N_("This withdrawal does not exist."))
    now = utcnow()
    claimed = session.execute(
        update(Withdrawal)
        .where(col(Withdrawal.id) == withdrawal.id, col(Withdrawal.status) == WithdrawalStatus.REQUESTED)
        .values(decided_by_id=actor.id, decided_at=now, updated_at=now, **values)
    ).rowcount
    if claimed != 1:
        raise Conflict(ALREADY_DECIDED[withdrawal.status])
    session.refresh(withdrawal)
    return withdrawal


def _owner_email(session: Session, workspace_id: str) -> tuple[str, str, str]:
    """The workspace owner's address and language (their emails speak it), and the workspace's name."""
    workspace = session.get(Workspace, workspace_id)
    owner = session.get(User, workspace.owner_id)
    return owner.email, language_or_default(owner.language), workspace.name


def mark_withdrawal_paid(
    *, actor: UserSummary | None, withdrawal_id: str, reference: str, client: ClientInfo | None = None
) -> None:
    """Record that finance sent the money, with the transfer's reference (super admin or finance).

    Raises NotAuthenticated, PermissionDenied, NotFound, ValidationFailed, Conflict (already decided).
    """
    reference = clean_line(reference)
    with transaction() as session:
        require_finance_admin(session, actor)
        if not 3 <= len(reference) <= 100:
            raise ValidationFailed.field("reference", N_("Enter the transfer's reference (3 to 100 characters)."))
        withdrawal = _decide(session, actor, withdrawal_id, status=WithdrawalStatus.PAID, reference=reference)
        _record_decision(session, actor, withdrawal, client, {"reference": reference})
        email, language, name = _owner_email(session, withdrawal.workspace_id)
        money = format_money(withdrawal.amount, withdrawal.currency, language)
        platform.enqueue(
            session, platform.withdrawal_paid_email(email, name, money, _destination(withdrawal), reference, language)
        )


def reject_withdrawal(
    *, actor: UserSummary | None, withdrawal_id: str, reason: str, client: ClientInfo | None = None
) -> None:
    """Refuse a withdrawal with a reason; its amount is available again at once (super admin or finance).

    Raises NotAuthenticated, PermissionDenied, NotFound, ValidationFailed, Conflict (already decided).
    """
    reason = clean_text(reason)
    with transaction() as session:
        require_finance_admin(session, actor)
        if not 3 <= len(reason) <= 500:
            raise ValidationFailed.field("reason", N_("Tell the organizer why (3 to 500 characters)."))
        withdrawal = _decide(session, actor, withdrawal_id, status=WithdrawalStatus.REJECTED, rejection_reason=reason)
        _record_decision(session, actor, withdrawal, client, {"reason": reason})
        email, language, name = _owner_email(session, withdrawal.workspace_id)
        money = format_money(withdrawal.amount, withdrawal.currency, language)
        platform.enqueue(session, platform.withdrawal_rejected_email(email, name, money, reason, language))


def _record_decision(
    session: Session, actor: UserSummary, withdrawal: Withdrawal, client: ClientInfo | None, extra: dict
) -> None:
    admin.record_audit(
        session,
        action=f"admin.withdrawal_{withdrawal.status}",
        actor_id=actor.id,
        target=("withdrawal", withdrawal.id),
        client=(client.ip, client.user_agent) if client else (None, None),
        details={
            "workspace_id": withdrawal.workspace_id,
            "currency": withdrawal.currency,
            "amount": withdrawal.amount,
            **extra,
        },
    )
