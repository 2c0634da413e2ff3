"""Two-factor sign-in with an authenticator app (TOTP, RFC 6238) and single-use recovery codes (#20 §1).

Set-up, codes and recovery codes live here; the sign-in's second step is in `auth` (it opens the
session). `require_second_factor` is the one rule "this needs a session that passed two-factor",
asked by the admin area (`admin.require_admin`), withdrawal requests, organizer refunds (their own
and approved refund requests) and cancelling an event that holds paid orders (which refunds every
one of them). Cancelling a free registration moves no money, so it does not ask. Pages learn the
need before the click from `second_factor_need`, the same rule as a flag. A session passes it with
an authenticator code or by signing in with a passkey (`passkeys`), which counts as both factors;
`has_second_factor` says whether an account has either.
"""

from __future__ import annotations

import base64
import hmac
import io
import secrets
import time
from dataclasses import dataclass

import pyotp
import qrcode
import qrcode.image.svg
from sqlalchemy import delete, or_, update
from sqlmodel import Session, col, func, select

from eventpalour import routes
from eventpalour.db import read_only, transaction
from eventpalour.models import Passkey, RecoveryCode, TwoFactorCredential, User, UserSession
from eventpalour.models.types import utcnow
from eventpalour.services import admin, platform
from eventpalour.services.identity.accounts import UserSummary
from eventpalour.services.platform import (
    N_,
    Conflict,
    NotAuthenticated,
    RateLimited,
    SecondFactorRequired,
    ValidationFailed,
    code_hash,
    token_hash,
)

STEP_SECONDS = 30
"""RFC 6238's time step: a code changes every 30 seconds."""
DRIFT_STEPS = 1
"""Codes one step either side of now are accepted too: a phone's clock a little off, or a code typed
as it changed. Wider would give a guesser more codes to hit per try."""
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper without doubt
SIGN_IN_FAILURES = "signin_account"
"""The sign-in failure budget (`auth.SIGN_IN_FAILURES`): a wrong code costs what a wrong password does."""

CODE_FIELD = "code"
WRONG_CODE = N_("That code is not right. Enter the 6-digit code your authenticator app shows now, or a recovery code.")
WRONG_TOTP = N_("That code is not right. Enter the 6-digit code your authenticator app shows now.")
REPLAYED_CODE = N_("That code was just used. Wait for your app to show the next one.")
NO_CODE = N_("Enter the 6-digit code from your authenticator app.")

REASONS = {
    "admin": N_("Platform admins must turn on two-factor sign-in before the admin area opens."),
    "withdrawal": N_("Turn on two-factor sign-in before requesting a withdrawal: it protects your workspace's money."),
    "refund": N_("Turn on two-factor sign-in before refunding an order: it protects your workspace's money."),
    "cancel_event": N_(
        "Turn on two-factor sign-in before cancelling an event with paid orders: cancelling refunds every one of them."
    ),
}
"""Why an action asked for two-factor, by the `reason` of `SecondFactorRequired`: the account page says it."""
_SIGN_IN_AGAIN = N_(" Your account has it: sign out and sign in again with your authenticator code or a passkey.")


@dataclass(frozen=True)
class TwoFactorSetup:
    """What the account page shows while setting up: the secret (this once), as text and as a QR code."""

    secret: str
    otpauth_uri: str
    qr_svg_data_uri: str


@dataclass(frozen=True)
class TwoFactorStatus:
    enabled: bool
    recovery_codes_left: int
    this_session_passed: bool


@dataclass(frozen=True)
class SecondFactorNeed:
    """Whether an action would be refused for want of two-factor, told before the click: a page shows
    `message` with a link to `setup_url` (labelled `link_label`) instead of a button that would fail."""

    needed: bool = False
    message: str = ""
    setup_url: str = ""
    link_label: str = ""


NOT_NEEDED = SecondFactorNeed()


def second_factor_need(session: Session, actor: UserSummary, reason: str) -> SecondFactorNeed:
    """What `require_second_factor(session, actor, reason)` would say, without raising: the flag pages render."""
    if actor.second_factor_passed:
        return NOT_NEEDED
    enabled = has_second_factor(session, actor.id)
    # Our words, each said in the reader's language where shown (`platform.said`; the error's own
    # in_language), English in the API's JSON.
    why = platform.Message(REASONS[reason])
    return SecondFactorNeed(
        needed=True,
        message=platform.Joined([why, platform.Message(_SIGN_IN_AGAIN)], "") if enabled else why,
        setup_url=routes.two_factor_setup(reason),
        link_label=platform.Message(N_("Two-factor settings") if enabled else N_("Set up two-factor sign-in")),
    )


def require_second_factor(session: Session, actor: UserSummary, reason: str) -> None:
    """Refuse (SecondFactorRequired, with `reason`) unless the actor's session passed two-factor.
    `session` is the caller's, read only to tell "set it up" from "sign in again with it"."""
    need = second_factor_need(session, actor, reason)
    if need.needed:
        raise SecondFactorRequired(need.message, reason=reason)


def has_second_factor(session: Session, user_id: str) -> bool:
    """Whether the account can pass two-factor at all: a confirmed authenticator or a passkey."""
    if enabled_credential(session, user_id) is not None:
        return True
    return session.exec(select(Passkey.id).where(Passkey.user_id == user_id)).first() is not None


def _issuer() -> str:
    return platform.platform_identity().name


def _credential(session: Session, user_id: str) -> TwoFactorCredential | None:
    return session.exec(select(TwoFactorCredential).where(TwoFactorCredential.user_id == user_id)).first()


def enabled_credential(session: Session, user_id: str) -> TwoFactorCredential | None:
    """The user's confirmed authenticator, or None when two-factor is off."""
    credential = _credential(session, user_id)
    return credential if credential is not None and credential.enabled_at is not None else None


def enabled_credential_id(session: Session, user_id: str) -> str | None:
    """The id of the user's confirmed authenticator, or None when two-factor is off (for `auth`)."""
    credential = enabled_credential(session, user_id)
    return credential.id if credential else None


def _qr_svg_data_uri(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _digits(code: str) -> str:
    return "".join(ch for ch in code or "" if not ch.isspace())


def _now() -> float:
    """The clock codes are checked against (tests move it)."""
    return time.time()


def matching_step(secret: str, code: str, *, at: float | None = None) -> int | None:
    """The time step (now ± DRIFT_STEPS) whose TOTP code is `code`, or None. Compared in constant time."""
    code = _digits(code)
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now_step = int((_now() if at is None else at) // STEP_SECONDS)
    found = None
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            found = step
    return found


def _use_totp(session: Session, credential: TwoFactorCredential, code: str) -> bool:
    """Accept `code` once: its step is recorded, and a code of that step or an earlier one is refused
    from then on (RFC 6238 §5.2), whoever tries it at the same time (a conditional UPDATE).
    Raises ValidationFailed for a replayed code; returns False for a wrong one."""
    step = matching_step(platform.unseal(credential.secret_sealed), code)
    if step is None:
        return False
    claimed = session.execute(
        update(TwoFactorCredential)
        .where(
            col(TwoFactorCredential.id) == credential.id,
            or_(col(TwoFactorCredential.last_step).is_(None), col(TwoFactorCredential.last_step) < step),
        )
        .values(last_step=step)
    ).rowcount
    if claimed != 1:
        raise ValidationFailed.field(CODE_FIELD, REPLAYED_CODE)
    return True


def _normalized_recovery(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def _use_recovery_code(session: Session, user_id: str, code: str) -> bool:
    """Spend one unused recovery code matching `code` (dashes, spaces and case ignored). Single use
    even under concurrent tries: the UPDATE only takes a code still unused."""
    normalized = _normalized_recovery(code)
    if len(normalized) != 10:
        return False
    spent = session.execute(
        update(RecoveryCode)
        .where(
            col(RecoveryCode.user_id) == user_id,
            col(RecoveryCode.code_hash) == code_hash(normalized),
            col(RecoveryCode.used_at).is_(None),
        )
        .values(used_at=utcnow())
    ).rowcount
    return spent == 1


def _new_recovery_codes(session: Session, user_id: str) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT fresh ones, returned once as text."""
    session.execute(delete(RecoveryCode).where(col(RecoveryCode.user_id) == user_id))
    codes = ["".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODE_COUNT)]
    for code in codes:
        session.add(RecoveryCode(user_id=user_id, code_hash=code_hash(code)))
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def _check_budget(email: str) -> None:
    try:
        platform.ensure_allowed(SIGN_IN_FAILURES, platform.personal_key(email))
    except RateLimited as over:
        wait = platform.WaitWords(over.retry_after)
        raise RateLimited(
            over.retry_after, N_("Too many wrong codes. Try again in {wait}."), values={"wait": wait}
        ) from None


def check_code(session: Session, user: User, credential: TwoFactorCredential, code: str, *, recovery: bool) -> None:
    """Accept a current authenticator code (and, when `recovery`, a recovery code) for `user`, or raise.

    Every wrong code counts against the account's sign-in failure budget, which is checked first:
    RateLimited once it is spent. Raises ValidationFailed on the `code` field otherwise."""
    _check_budget(user.email)
    if not _digits(code):
        raise ValidationFailed.field(CODE_FIELD, NO_CODE)
    if _use_totp(session, credential, code) or (recovery and _use_recovery_code(session, user.id, code)):
        return
    platform.hit_rate_limit(SIGN_IN_FAILURES, platform.personal_key(user.email))
    raise ValidationFailed.field(CODE_FIELD, WRONG_CODE if recovery else WRONG_TOTP)


def _active_user(session: Session, actor: UserSummary | None) -> User:
    if actor is None:
        raise NotAuthenticated()
    user = session.get(User, actor.id)
    if user is None:
        raise NotAuthenticated()
    return user


def two_factor_status(*, actor: UserSummary | None) -> TwoFactorStatus:
    """Whether the actor has two-factor on, how many recovery codes are left, and whether this session passed it."""
    if actor is None:
        raise NotAuthenticated()
    with read_only() as session:
        enabled = enabled_credential(session, actor.id) is not None
        left = session.exec(
            select(func.count())
            .select_from(RecoveryCode)
            .where(RecoveryCode.user_id == actor.id, col(RecoveryCode.used_at).is_(None))
        ).one()
    return TwoFactorStatus(
        enabled=enabled, recovery_codes_left=left if enabled else 0, this_session_passed=actor.second_factor_passed
    )


def start_two_factor_setup(*, actor: UserSummary | None) -> TwoFactorSetup:
    """A new authenticator secret waiting for its first code (any earlier unconfirmed one is replaced).

    Raises Conflict when two-factor is already on (turn it off first)."""
    secret = pyotp.random_base32()
    with transaction() as session:
        user = _active_user(session, actor)
        credential = _credential(session, user.id)
        if credential is not None and credential.enabled_at is not None:
            raise Conflict(N_("Two-factor sign-in is already on."))
        if credential is None:
            credential = TwoFactorCredential(user_id=user.id, secret_sealed="")
            session.add(credential)
        credential.secret_sealed = platform.seal(secret)
        credential.created_at, credential.last_step = utcnow(), None
        uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=_issuer())
    return TwoFactorSetup(secret=secret, otpauth_uri=uri, qr_svg_data_uri=_qr_svg_data_uri(uri))


def confirm_two_factor_setup(*, actor: UserSummary | None, code: str, session_token: str | None) -> list[str]:
    """Turn two-factor on with the first code from the app; returns the 10 recovery codes (shown once).

    This browser's session counts as having passed two-factor; every other session of the account
    ends, since each was opened with the password alone. Raises ValidationFailed (wrong code),
    Conflict (no set-up started, or already on), RateLimited."""
    with transaction() as session:
        user = _active_user(session, actor)
        credential = _credential(session, user.id)
        if credential is None:
            raise Conflict(N_("Start the set-up again: scan a new QR code."))
        if credential.enabled_at is not None:
            raise Conflict(N_("Two-factor sign-in is already on."))
        check_code(session, user, credential, code, recovery=False)
        credential.enabled_at = utcnow()
        codes = _new_recovery_codes(session, user.id)
        here = token_hash(session_token or "")
        session.execute(
            delete(UserSession).where(col(UserSession.user_id) == user.id, col(UserSession.token_hash) != here)
        )
        session.execute(update(UserSession).where(col(UserSession.token_hash) == here).values(two_factor_at=utcnow()))
        admin.record_audit(session, action="auth.two_factor_on", actor_id=user.id, target=("user", user.id))
        return codes


def regenerate_recovery_codes(*, actor: UserSummary | None, code: str) -> list[str]:
    """Ten new recovery codes for a current authenticator code; the old ones stop working."""
    with transaction() as session:
        user = _active_user(session, actor)
        credential = enabled_credential(session, user.id)
        if credential is None:
            raise Conflict(N_("Two-factor sign-in is off."))
        check_code(session, user, credential, code, recovery=False)
        codes = _new_recovery_codes(session, user.id)
        admin.record_audit(session, action="auth.recovery_codes_renewed", actor_id=user.id, target=("user", user.id))
        return codes


def turn_off_two_factor(*, actor: UserSummary | None, code: str) -> None:
    """Turn two-factor off with a current code or a recovery code: the authenticator and the recovery
    codes are deleted, and, unless the account still has a passkey, no session counts as having
    passed two-factor any more."""
    with transaction() as session:
        user = _active_user(session, actor)
        credential = enabled_credential(session, user.id)
        if credential is None:
            raise Conflict(N_("Two-factor sign-in is already off."))
        check_code(session, user, credential, code, recovery=True)
        session.execute(delete(RecoveryCode).where(col(RecoveryCode.user_id) == user.id))
        session.delete(credential)
        session.flush()
        if not has_second_factor(session, user.id):
            forget_passed_second_factor(session, user.id)
        admin.record_audit(session, action="auth.two_factor_off", actor_id=user.id, target=("user", user.id))


def forget_passed_second_factor(session: Session, user_id: str) -> None:
    """The account has no second factor left: none of its sessions counts as having passed one."""
    session.execute(update(UserSession).where(col(UserSession.user_id) == user_id).values(two_factor_at=None))


def enroll_with_secret(session: Session, user_id: str, secret: str) -> None:
    """Turn two-factor on with a known secret, no code asked: the development seed's demo admin
    (`seed.py`, refused in production there) and test factories. Gives no recovery codes."""
    credential = _credential(session, user_id) or TwoFactorCredential(user_id=user_id, secret_sealed="")
    credential.secret_sealed, credential.enabled_at = platform.seal(secret), utcnow()
    session.add(credential)
