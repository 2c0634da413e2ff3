"""Forgotten and changed passwords: single-use emailed links valid one hour (SPEC §2)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import col, select

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.db import read_only, transaction
from eventpalour.models import PasswordResetToken, User, UserStatus, account_email
from eventpalour.models.types import utcnow
from eventpalour.services import platform
from eventpalour.services.identity.accounts import UserSummary, load_active_user, normalize_email
from eventpalour.services.identity.auth import end_all_sessions, forget_sign_in_failures
from eventpalour.services.identity.passwords import hash_password, password_problems, verify_password
from eventpalour.services.platform import (
    N_,
    FieldError,
    NotAuthenticated,
    NotFound,
    RateLimited,
    ValidationFailed,
    new_token,
    token_hash,
)

RESET_MINUTES = 60
INVALID_LINK = N_("This reset link is not valid. It may have been used already or replaced by a newer one.")


def request_password_reset(*, email: str) -> None:
    """Email a reset link if the address has an active account. Says nothing either way.

    Anyone can ask for any address, so past RATE_LIMIT_EMAIL_RECIPIENT reset emails this hour the
    address gets no more (its newest link keeps working) and the answer stays the same: a refusal
    would tell that the account exists.
    """
    address = normalize_email(email)
    with transaction() as session:
        user = session.exec(select(User).where(account_email(address))).first()
        if user is None or user.status != UserStatus.ACTIVE:
            return
        try:
            platform.hit_email_recipient("password_reset", address)
        except RateLimited:
            return
        now = utcnow()
        session.execute(
            update(PasswordResetToken)
            .where(col(PasswordResetToken.user_id) == user.id, col(PasswordResetToken.used_at).is_(None))
            .values(used_at=now)
        )
        token = new_token()
        session.add(
            PasswordResetToken(
                user_id=user.id, token_hash=token_hash(token), expires_at=now + timedelta(minutes=RESET_MINUTES)
            )
        )
        url = settings.app_url + routes.reset_url(token)
        platform.enqueue(
            session,
            platform.password_reset_email(user.email, user.full_name, url, platform.language_or_default(user.language)),
        )


def check_reset_token(token: str) -> str:
    """The email a usable reset token belongs to. Raises NotFound for unknown, used or expired ones."""
    with read_only() as session:
        found = session.exec(
            select(PasswordResetToken, User)
            .join(User, col(User.id) == col(PasswordResetToken.user_id))
            .where(PasswordResetToken.token_hash == token_hash(token or ""))
        ).first()
    if found is None or found[0].used_at is not None:
        raise NotFound(INVALID_LINK)
    if found[0].expires_at < utcnow():
        raise NotFound(N_("This reset link has expired. Ask for a new one."))
    return found[1].email


def reset_password(*, token: str, new_password: str) -> None:
    """Set a new password with a reset link; the link dies and every session ends."""
    email = check_reset_token(token)
    problems = password_problems(new_password or "", email=email)
    if problems:
        raise ValidationFailed(problems[0].message, details=problems)
    now = utcnow()
    with transaction() as session:
        row = session.exec(select(PasswordResetToken).where(PasswordResetToken.token_hash == token_hash(token))).one()
        consumed = session.execute(
            update(PasswordResetToken)
            .where(col(PasswordResetToken.id) == row.id, col(PasswordResetToken.used_at).is_(None))
            .values(used_at=now)
        ).rowcount
        if consumed != 1:
            raise NotFound(INVALID_LINK)
        user = session.get(User, row.user_id)
        user.password_hash = hash_password(new_password)
        end_all_sessions(session, user.id)
    forget_sign_in_failures(email)


def change_password(
    *,
    actor: UserSummary | None,
    current_password: str,
    new_password: str,
    keep_session_token: str | None = None,
) -> None:
    """Change the password of a signed-in user who knows the current one (if the account has one).

    Every other session ends, so a thief holding an old cookie is out; this browser stays signed in.
    """
    if actor is None:
        raise NotAuthenticated()
    with transaction() as session:
        user = load_active_user(session, actor.id)
        if user.password_hash and not verify_password(current_password or "", user.password_hash):
            message = N_("Your current password is not right.")
            raise ValidationFailed(message, details=[FieldError(("current_password",), message)])
        problems = password_problems(new_password or "", email=user.email, field="new_password")
        if problems:
            raise ValidationFailed(problems[0].message, details=problems)
        user.password_hash = hash_password(new_password)
        end_all_sessions(session, user.id, keep_token=keep_session_token)
