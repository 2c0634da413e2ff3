"""Emailed 6-digit codes: 15 minutes, at most 5 wrong tries per code, one open code per purpose.

Sign-up's code verifies the email (`verify_email`); account deletion asks for one too
(services/identity/account_deletion.py). `store_code` and `match_code` are the mechanics both share.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from eventpalour.db import transaction
from eventpalour.models import CodePurpose, EmailVerificationCode, User
from eventpalour.models.types import utcnow
from eventpalour.services import admin, platform, sales
from eventpalour.services.identity.accounts import UserSummary, load_active_user, summarize
from eventpalour.services.platform import (
    N_,
    Conflict,
    FieldError,
    NotAuthenticated,
    ValidationFailed,
    code_hash,
    message,
    new_numeric_code,
)

CODE_MINUTES = 15
MAX_ATTEMPTS = 5


def store_code(session: Session, user_id: str, purpose: CodePurpose) -> str:
    """A new code for `purpose`, replacing the user's open one for it, in the caller's transaction.
    Returns the code itself, for the email; only its hash is stored."""
    now = utcnow()
    session.execute(
        update(EmailVerificationCode)
        .where(
            col(EmailVerificationCode.user_id) == user_id,
            col(EmailVerificationCode.purpose) == purpose,
            col(EmailVerificationCode.used_at).is_(None),
        )
        .values(used_at=now)
    )
    code = new_numeric_code()
    session.add(
        EmailVerificationCode(
            user_id=user_id,
            purpose=purpose,
            code_hash=code_hash(code),
            expires_at=now + timedelta(minutes=CODE_MINUTES),
        )
    )
    return code


def issue_code(session: Session, user: User) -> None:
    """Replace any open sign-up code with a new one and queue the email, in the caller's transaction."""
    code = store_code(session, user.id, CodePurpose.VERIFY_EMAIL)
    platform.enqueue(
        session,
        platform.verification_code_email(user.email, user.full_name, code, platform.language_or_default(user.language)),
    )


def resend_verification_code(*, actor: UserSummary | None) -> None:
    """Send a fresh code (the old one stops working). Raises Conflict when already verified, and
    RateLimited past RATE_LIMIT_EMAIL_RECIPIENT codes this hour (the old code stays valid then)."""
    if actor is None:
        raise NotAuthenticated()
    with transaction() as session:
        user = load_active_user(session, actor.id)
        if user.is_verified:
            raise Conflict(N_("Your email is already verified."))
        platform.hit_email_recipient("verification_code", user.email)
        issue_code(session, user)


def wrong_code(message: str) -> ValidationFailed:
    return ValidationFailed(message, details=[FieldError(("code",), message)])


def well_formed_code(raw: str) -> str:
    """The typed code without spaces, or ValidationFailed when it is not 6 digits."""
    code = (raw or "").strip().replace(" ", "")
    if len(code) != 6 or not code.isdigit():
        raise wrong_code(N_("Enter the 6-digit code from the email."))
    return code


def match_code(session: Session, user_id: str, purpose: CodePurpose, code: str) -> str | None:
    """Use up the user's open code for `purpose` when `code` is it, and return None; else the reason.

    A wrong try is counted on the row: the caller must let its transaction commit and raise
    `wrong_code(reason)` after it, or the count would roll back with the error.
    """
    now = utcnow()
    row = session.exec(
        select(EmailVerificationCode)
        .where(
            EmailVerificationCode.user_id == user_id,
            EmailVerificationCode.purpose == purpose,
            col(EmailVerificationCode.used_at).is_(None),
        )
        .order_by(col(EmailVerificationCode.created_at).desc())
    ).first()
    if row is None or row.expires_at < now:
        return N_("This code has expired. Send a new code and try again.")
    if row.attempts >= MAX_ATTEMPTS:
        return N_("Too many wrong tries for this code. Send a new code.")
    if row.code_hash == code_hash(code):
        row.used_at = now
        return None
    row.attempts += 1
    left = MAX_ATTEMPTS - row.attempts
    if not left:
        return N_("That code is not right, and it is now used up. Send a new code.")
    wrong = (
        N_("That code is not right. {count} try left.")
        if left == 1
        else N_("That code is not right. {count} tries left.")
    )
    return message(wrong, count=left)


def verify_email(*, actor: UserSummary | None, code: str) -> UserSummary:
    """Mark the actor's email verified when `code` matches the open code.

    Raises ValidationFailed for a malformed, wrong, expired or exhausted code. Each wrong try
    counts, and after five the code is dead and a new one must be requested.
    """
    if actor is None:
        raise NotAuthenticated()
    code = well_formed_code(code)
    with transaction() as session:
        user = load_active_user(session, actor.id)
        if user.is_verified:
            return summarize(session, user)
        refusal = match_code(session, user.id, CodePurpose.VERIFY_EMAIL, code)
        if refusal is None:
            user.email_verified_at = utcnow()
            admin.ensure_bootstrap_admin(session, user)
            # The address is proven: tickets bought as a guest with it are this account's now (#24 §1).
            sales.claim_guest_orders(session.connection(), user_id=user.id, email=user.email)
            return summarize(session, user)
        # A wrong try must stay counted, so this transaction commits and the error follows it.
    raise wrong_code(refusal)
