""" "Delete my account" (#20 §3): refused while the account still matters to others, confirmed by
typing the address and a code emailed to it, then its personal data erased.

What erasing means is the list `ERASERS`: one function per area that holds personal data about the
account, each deleting or blanking its rows in the same transaction. An area that starts keeping
personal data (two-factor secrets, passkeys) adds its eraser to that list. Money records are kept,
as the law requires (orders, their lines, tickets, refunds, payouts, KYC filings): they point at the
account's id, and the account itself becomes a tombstone (`deleted-<id>@invalid`, no name, no
password, status `deleted`), which pseudonymises them. The address is then free to sign up again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from eventpalour.db import read_only, transaction
from eventpalour.models import (
    OPEN_ORDER_STATUSES,
    CodePurpose,
    EmailVerificationCode,
    Event,
    Order,
    Passkey,
    PasskeyChallenge,
    PasswordResetToken,
    PlatformAdmin,
    RecoveryCode,
    SignInGrant,
    Ticket,
    TicketStatus,
    TwoFactorCredential,
    User,
    UserSession,
    UserStatus,
    Workspace,
)
from eventpalour.models.types import utcnow
from eventpalour.services import admin, platform, sales, workspaces
from eventpalour.services.identity.accounts import UserSummary, email_key, load_active_user
from eventpalour.services.identity.verification import match_code, store_code, well_formed_code, wrong_code
from eventpalour.services.platform import N_, Conflict, DomainError, NotAuthenticated, ValidationFailed

Eraser = Callable[[Session, str, str], int]
"""Erases one area's personal data about an account (its id, its address) in the caller's
transaction; returns how many rows it deleted or blanked."""


def _forget_sign_ins(session: Session, user_id: str, address: str) -> int:
    """Sessions (signed out everywhere), sign-in grants, emailed codes and password reset links."""
    return sum(
        session.execute(delete(table).where(col(table.user_id) == user_id)).rowcount
        for table in (UserSession, SignInGrant, EmailVerificationCode, PasswordResetToken)
    )


def _forget_second_factor(session: Session, user_id: str, _address: str) -> int:
    """The authenticator secret, the recovery codes, the passkeys and their pending challenges."""
    return sum(
        session.execute(delete(table).where(col(table.user_id) == user_id)).rowcount
        for table in (TwoFactorCredential, RecoveryCode, Passkey, PasskeyChallenge)
    )


ERASERS: tuple[tuple[str, Eraser], ...] = (
    ("sign_ins", _forget_sign_ins),
    ("second_factor", _forget_second_factor),
    ("workspace_memberships", workspaces.forget_member),
    ("emails", lambda session, _user_id, address: platform.forget_recipient(session, address)),
    ("audit_client_details", lambda session, user_id, _address: admin.forget_client_of(session, user_id)),
    ("waitlists", lambda session, user_id, address: sales.forget_waitlists_of(session, user_id, address)),
    ("order_phones", lambda session, user_id, _address: sales.forget_phones_of(session, user_id)),
)
"""Every area's eraser, run in this order before the account row becomes a tombstone."""


def tombstone_email(user_id: str) -> str:
    """The address a deleted account keeps: unique, and never deliverable (`.invalid`, RFC 2606)."""
    return f"deleted-{user_id}@invalid"


@dataclass(frozen=True)
class DeletionCheck:
    """Whether the acting user may delete their account now, and if not, why (shown on the account page)."""

    can_delete: bool
    reason: str


def deletion_refusal(session: Session, user_id: str) -> DomainError | None:
    """Why this account cannot be deleted now, or None: it runs the platform (an admin role), owns
    a workspace, holds valid tickets for events not over yet, or has an order awaiting payment."""
    if session.exec(select(PlatformAdmin.id).where(PlatformAdmin.user_id == user_id)).first():
        return Conflict(N_("You are a platform administrator. Ask a super admin to remove your admin role first."))
    owned = session.exec(
        select(Workspace.name).where(Workspace.owner_id == user_id).order_by(col(Workspace.name))
    ).first()
    if owned is not None:
        return Conflict(
            N_("You own the workspace {owned}. Transfer it to another member or delete it first."),
            values={"owned": owned},
        )
    upcoming = session.exec(
        select(func.count(), func.min(Event.title))
        .select_from(Ticket)
        .join(Event, col(Event.id) == col(Ticket.event_id))
        .where(Ticket.holder_id == user_id, Ticket.status == TicketStatus.VALID, col(Event.end_at) > utcnow())
    ).one()
    if upcoming[0]:
        return Conflict(
            N_("You hold valid tickets for upcoming events ({event}…): {count}. Transfer or cancel them first."),
            values={"count": upcoming[0], "event": upcoming[1]},
        )
    waiting = session.exec(
        select(Order.reference).where(Order.buyer_id == user_id, col(Order.status).in_(OPEN_ORDER_STATUSES))
    ).first()
    if waiting is not None:
        return Conflict(
            N_("Your order {waiting} is awaiting payment. Pay for it, cancel it or let it expire first."),
            values={"waiting": waiting},
        )
    return None


def check_account_deletion(*, actor: UserSummary | None) -> DeletionCheck:
    """What the account page shows before anyone asks for a code."""
    if actor is None:
        raise NotAuthenticated()
    with read_only() as session:
        refusal = deletion_refusal(session, load_active_user(session, actor.id).id)
    return DeletionCheck(can_delete=refusal is None, reason=refusal.message if refusal else "")


def request_deletion_code(*, actor: UserSummary | None) -> None:
    """Email a 6-digit code that confirms deleting the account (the previous one stops working).

    Raises Conflict (the account cannot be deleted now, and why) or RateLimited (too many codes to
    this address this hour, as for sign-up codes)."""
    if actor is None:
        raise NotAuthenticated()
    with transaction() as session:
        user = load_active_user(session, actor.id)
        if refusal := deletion_refusal(session, user.id):
            raise refusal
        platform.hit_email_recipient("account_deletion_code", user.email)
        code = store_code(session, user.id, CodePurpose.DELETE_ACCOUNT)
        platform.enqueue(
            session,
            platform.account_deletion_code_email(
                user.email, user.full_name, code, platform.language_or_default(user.language)
            ),
        )


def delete_account(*, actor: UserSummary | None, email: str, code: str) -> None:
    """Erase the acting user's account: `email` must be its address, `code` the one just emailed.

    Every eraser of `ERASERS` runs, the account becomes a tombstone and an audit entry records it
    (no address, name or IP in it), all in one transaction. Raises ValidationFailed (another address,
    a wrong, expired or used-up code: a wrong try counts) or Conflict (`deletion_refusal`).
    """
    if actor is None:
        raise NotAuthenticated()
    typed, _ = email_key(email)
    code = well_formed_code(code)
    with transaction() as session:
        user = load_active_user(session, actor.id)
        if typed != user.email:
            raise ValidationFailed.field(
                "email", N_("Type your account's address, {email}, to confirm."), email=user.email
            )
        if refusal := deletion_refusal(session, user.id):
            raise refusal
        wrong = match_code(session, user.id, CodePurpose.DELETE_ACCOUNT, code)
        if wrong is None:
            _erase(session, user)
            return
        # A wrong try must stay counted, so this transaction commits and the error follows it.
    raise wrong_code(wrong)


def _erase(session: Session, user: User) -> None:
    erased = {name: eraser(session, user.id, user.email) for name, eraser in ERASERS}
    user.email = tombstone_email(user.id)
    user.username = f"deleted-{user.id}"
    user.full_name = ""
    user.avatar_url = None
    user.password_hash = None
    user.google_sub = None
    user.email_verified_at = None
    user.last_sign_in_at = None
    user.status, user.status_reason = UserStatus.DELETED, None
    user.deleted_at = utcnow()
    # Without the client's address and browser: the entry outlives the account's personal data.
    admin.record_audit(
        session, action="account.delete", actor_id=user.id, target=("user", user.id), details={"erased": erased}
    )
