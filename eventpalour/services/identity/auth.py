"""Signing up, signing in and out, and recognising the user behind a session cookie (SPEC §2)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, update
from sqlalchemy import select as core_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from eventpalour.config import settings
from eventpalour.cookies import CHALLENGE_MINUTES, TRUSTED_BROWSER_DAYS
from eventpalour.db import read_only, transaction, write_batch
from eventpalour.models import PlatformAdmin, SignInGrant, User, UserSession, UserStatus, account_email
from eventpalour.models.types import utcnow
from eventpalour.models.user import is_verified_sql
from eventpalour.services import admin, platform, sales
from eventpalour.services.identity import two_factor, verification
from eventpalour.services.identity.accounts import (
    ClientInfo,
    UserSummary,
    clean_full_name,
    email_key,
    generate_username,
    normalize_email,
    summarize,
    summary_of,
)
from eventpalour.services.identity.passwords import hash_password, password_problems, verify_password
from eventpalour.services.platform import (
    N_,
    Conflict,
    FieldError,
    NotAuthenticated,
    PermissionDenied,
    RateLimited,
    ValidationFailed,
    clean_line,
    new_token,
    token_hash,
)

GRANT_SECONDS = 60
"""The cookie that carries a grant's binder: set in the browser that signed in (state/auth.py), sent
only to `GET /api/auth/session`, which reads and clears it (api/auth.py)."""
# Sliding sessions are extended at most this often, so reads do not all turn into writes.
SESSION_TOUCH_INTERVAL = timedelta(hours=1)
BAD_CREDENTIALS = N_("Email or password is incorrect.")


@dataclass(frozen=True)
class SecondFactorNeeded:
    """The password (or Google) was right, and the account has two-factor on: `complete_second_factor`
    with this challenge and a code finishes the sign-in. The challenge is signed, names the account and
    its authenticator, and expires after CHALLENGE_MINUTES; alone it signs nobody in."""

    challenge: str
    expires_in: int = CHALLENGE_MINUTES * 60


@dataclass(frozen=True)
class BrowserSession:
    """What the sign-in exchange route sets: the session cookie, and the trusted-browser cookie when
    the person ticked "Trust this browser" at the second step."""

    token: str
    trusted_browser: str | None
    # The language the account picked, so this browser speaks it from the first page after sign-in.
    language: str | None = None


@dataclass(frozen=True)
class SignInResult:
    """A successful sign-in: who, and the single-use grant that `exchange_grant` turns into a session
    when it comes back with its binder. The grant travels in a URL (address bar, history, a proxy's
    log); the binder only in a cookie of the browser that signed in, so a leaked link is useless."""

    user: UserSummary
    grant: str
    binder: str


def _status_error(user: User) -> PermissionDenied:
    if user.status == UserStatus.BLOCKED:
        return PermissionDenied(N_("This account is blocked. Contact support if you think this is wrong."))
    return PermissionDenied(N_("This account is suspended. Contact support to restore access."))


def _grant_digest(grant: str, binder: str) -> str:
    """What is stored of a grant: one hash of it and its binder together. A grant is found only with
    both halves, so one presented without its binder (or with another) finds nothing and uses nothing up."""
    return token_hash(f"{grant}.{binder}")


def _signed_in_result(
    session: Session, user: User, *, two_factor: bool = False, trust_browser: bool = False
) -> SignInResult:
    """The user's summary and a fresh grant and binder for them; `two_factor`: the sign-in passed it."""
    grant, binder = new_token(), new_token()
    session.add(
        SignInGrant(
            user_id=user.id,
            token_hash=_grant_digest(grant, binder),
            expires_at=utcnow() + timedelta(seconds=GRANT_SECONDS),
            two_factor=two_factor,
            trust_browser=two_factor and trust_browser,
        )
    )
    # The summary of the session this grant opens: it passed two-factor when the sign-in did.
    summary = replace(summarize(session, user), second_factor_passed=two_factor)
    return SignInResult(user=summary, grant=grant, binder=binder)


def _signed_in(session: Session, user: User, client: ClientInfo, method: str) -> None:
    user.last_sign_in_at = utcnow()
    admin.ensure_bootstrap_admin(session, user)
    admin.record_audit(
        session,
        action="auth.sign_in",
        actor_id=user.id,
        target=("user", user.id),
        client=(client.ip, client.user_agent),
        details={"method": method},
    )


def finish_sign_in(session: Session, user: User, client: ClientInfo, method: str, *, two_factor: bool) -> SignInResult:
    """Record a sign-in by another means than the password (a passkey) and give its grant; `two_factor`:
    the means counts as both factors, so the session it opens passes two-factor."""
    if user.status != UserStatus.ACTIVE:
        raise _status_error(user)
    _signed_in(session, user, client, method)
    return _signed_in_result(session, user, two_factor=two_factor)


def _email_taken() -> Conflict:
    return Conflict(
        N_("An account with this email already exists. Sign in or reset your password."),
        details=[FieldError(("email",), N_("This email is already registered."))],
    )


TERMS_NOT_ACCEPTED = N_("Tick the box to agree to the Terms and the Privacy policy.")


def _record_terms(user: User) -> None:
    """The user agreed to the policies as they are now (services/platform/legal.py)."""
    user.terms_version = platform.TERMS_VERSION
    user.terms_accepted_at = utcnow()


def sign_up(
    *,
    email: str,
    password: str,
    accept_terms: bool,
    full_name: str = "",
    client: ClientInfo = ClientInfo(),
    language: str | None = None,
) -> SignInResult:
    """Create an unverified account, email it a 6-digit code, and sign it in.

    `accept_terms` is the sign-up form's agreement to the Terms and the Privacy policy: required, and
    recorded on the account with the policies' version and the time. `language`: the one the person
    signed up in (their browser's), kept on the account so its emails speak it (#23 §1).
    Raises ValidationFailed (bad email or password, terms not accepted) or Conflict (email already registered).
    """
    details: list[FieldError] = []
    try:
        address = normalize_email(email)
    except ValidationFailed as exc:
        details.extend(exc.details)
        address = email_key(email)[0]
    details.extend(password_problems(password or "", email=address))
    name = clean_full_name(full_name)
    if accept_terms is not True:
        details.append(FieldError(("accept_terms",), TERMS_NOT_ACCEPTED))
    if details:
        raise ValidationFailed(details[0].message, details=details)
    with transaction() as session:
        if session.exec(select(User.id).where(account_email(address))).first():
            raise _email_taken()
        user = User(
            email=address,
            password_hash=hash_password(password),
            full_name=name,
            username=generate_username(session, name or address.split("@")[0]),
            language=platform.normalize_language(language),
        )
        _record_terms(user)
        session.add(user)
        try:
            session.flush()
        except IntegrityError:
            # A concurrent sign-up with the same email (a double-submitted form) committed first.
            raise _email_taken() from None
        verification.issue_code(session, user)
        _signed_in(session, user, client, "sign_up")
        return _signed_in_result(session, user)


SIGN_IN_FAILURES = two_factor.SIGN_IN_FAILURES


def _check_failure_budget(address: str) -> None:
    """Refuse every attempt, even a right password, on an email address with RATE_LIMIT_SIGNIN_ACCOUNT
    recent failures, wherever they came from: credential stuffing spreads its guesses over many
    client addresses, so the per-address limit alone does not slow it. Failures are counted for
    an address whether or not it has an account, so the refusal says nothing about that."""
    try:
        platform.ensure_allowed(SIGN_IN_FAILURES, platform.personal_key(address))
    except RateLimited as over:
        wait = platform.WaitWords(over.retry_after)
        raise RateLimited(
            over.retry_after,
            N_("Too many failed sign-ins for this email address. Try again in {wait}, or reset your password."),
            values={"wait": wait},
        ) from None


def forget_sign_in_failures(address: str) -> None:
    """The password was just reset through the emailed link: its owner may sign in again at once."""
    platform.clear_rate_limit(SIGN_IN_FAILURES, platform.personal_key(address))


CHALLENGE_PURPOSE = "ep-two-factor-challenge"
TRUSTED_BROWSER_PURPOSE = "ep-trusted-browser"


def _trusts(user: User, credential_id: str, trusted_browser: str | None) -> bool:
    """Whether `trusted_browser` (the cookie) is this account's, for its current authenticator, and
    younger than TRUSTED_BROWSER_DAYS: a new authenticator (off and on again) voids every such cookie."""
    payload = platform.signed_value(
        trusted_browser or "", purpose=TRUSTED_BROWSER_PURPOSE, max_age=TRUSTED_BROWSER_DAYS * 86400
    )
    return payload is not None and payload.get("user") == user.id and payload.get("credential") == credential_id


def _after_first_factor(
    session: Session, user: User, client: ClientInfo, method: str, trusted_browser: str | None
) -> bool | SecondFactorNeeded:
    """The password (or Google) was right. Without two-factor, or in a browser trusted after passing
    it, the sign-in is recorded and the answer is whether it counts as two-factor; otherwise the
    second step's challenge (nothing is recorded as a sign-in yet)."""
    credential_id = two_factor.enabled_credential_id(session, user.id)
    if credential_id is None:
        _signed_in(session, user, client, method)
        return False
    if _trusts(user, credential_id, trusted_browser):
        _signed_in(session, user, client, f"{method}+trusted_browser")
        return True
    payload = {"user": user.id, "credential": credential_id, "method": method}
    return SecondFactorNeeded(challenge=platform.sign_value(payload, purpose=CHALLENGE_PURPOSE))


CHALLENGE_EXPIRED = N_("Your sign-in took too long. Please sign in again.")


def complete_second_factor(
    *, challenge: str, code: str, trust_browser: bool = False, client: ClientInfo = ClientInfo()
) -> SignInResult:
    """The second step: a current authenticator code (each accepted once) or an unused recovery code
    turns a `SecondFactorNeeded` challenge into a sign-in grant whose session counts as two-factor.

    A wrong code costs the account's sign-in failure budget, as a wrong password does. Raises
    ValidationFailed (wrong or replayed code), RateLimited, NotAuthenticated (challenge expired or
    forged, or two-factor changed since), PermissionDenied (suspended or blocked)."""
    payload = platform.signed_value(challenge, purpose=CHALLENGE_PURPOSE, max_age=CHALLENGE_MINUTES * 60)
    if payload is None:
        raise NotAuthenticated(CHALLENGE_EXPIRED)
    with transaction() as session:
        user = session.get(User, str(payload.get("user")))
        credential = two_factor.enabled_credential(session, user.id) if user else None
        if user is None or credential is None or credential.id != payload.get("credential"):
            raise NotAuthenticated(CHALLENGE_EXPIRED)
        if user.status != UserStatus.ACTIVE:
            raise _status_error(user)
        two_factor.check_code(session, user, credential, code, recovery=True)
        _signed_in(session, user, client, f"{payload.get('method')}+two_factor")
        return _signed_in_result(session, user, two_factor=True, trust_browser=trust_browser)


def sign_in(
    *, email: str, password: str, client: ClientInfo = ClientInfo(), trusted_browser: str | None = None
) -> SignInResult | SecondFactorNeeded:
    """Check the credentials and return a sign-in grant, or, with two-factor on (and `trusted_browser`,
    the cookie, not this account's), the challenge of the second step.

    A wrong email and a wrong password give the same error and cost the same time, and count
    against the email address's failure budget alike (`_check_failure_budget`).
    Raises ValidationFailed (bad credentials), RateLimited (too many failures for this email
    address) or PermissionDenied (suspended or blocked).
    """
    address, well_formed = email_key(email)
    if not address or not password:
        raise ValidationFailed(
            N_("Enter your email and password."),
            details=[
                FieldError((name,), N_("This field is required."))
                for name, value in (("email", address), ("password", password))
                if not value
            ],
        )
    _check_failure_budget(address)
    with transaction() as session:
        # An address normalize_email refuses (a NUL in it too, which PostgreSQL could not even be asked
        # about) names no account: every account's address passed it.
        user = session.exec(select(User).where(account_email(address))).first() if well_formed else None
        if not verify_password(password, user.password_hash if user else None):
            platform.hit_rate_limit(SIGN_IN_FAILURES, platform.personal_key(address))
            raise ValidationFailed(BAD_CREDENTIALS, details=[FieldError(("password",), BAD_CREDENTIALS)])
        if user.status != UserStatus.ACTIVE:
            raise _status_error(user)
        passed = _after_first_factor(session, user, client, "password", trusted_browser)
        if isinstance(passed, SecondFactorNeeded):
            return passed
        return _signed_in_result(session, user, two_factor=passed)


def _open_session(session: Session, user_id: str, client: ClientInfo, *, two_factor: bool = False) -> str:
    """A new session of the user; every sign-in ends here. A verified account also takes in what its
    address bought as a guest meanwhile (#24 §1: an existing account claims by signing in)."""
    user = session.get(User, user_id)
    if user is not None and user.is_verified:
        sales.claim_guest_orders(session.connection(), user_id=user.id, email=user.email)
    token = new_token()
    now = utcnow()
    session.add(
        UserSession(
            user_id=user_id,
            token_hash=token_hash(token),
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(days=settings.session_days),
            ip=client.ip,
            user_agent=clean_line(client.user_agent)[:500] or None,
            two_factor_at=now if two_factor else None,
        )
    )
    return token


def exchange_grant(*, grant: str, binder: str | None, client: ClientInfo = ClientInfo()) -> str:
    """Trade a fresh sign-in grant and its binder for a new session token (the cookie value). Single use.

    Raises NotAuthenticated when the grant is unknown or comes without its binder (another browser
    opened the link: the grant stays usable by its own), used, or older than a minute.
    """
    return exchange_browser_grant(grant=grant, binder=binder, client=client).token


def _trusted_browser_token(session: Session, user_id: str) -> str | None:
    credential_id = two_factor.enabled_credential_id(session, user_id)
    if credential_id is None:
        return None
    return platform.sign_value({"user": user_id, "credential": credential_id}, purpose=TRUSTED_BROWSER_PURPOSE)


def exchange_browser_grant(*, grant: str, binder: str | None, client: ClientInfo = ClientInfo()) -> BrowserSession:
    """`exchange_grant`, with the trusted-browser cookie's value when the sign-in asked for it."""
    now = utcnow()
    with transaction() as session:
        digest = _grant_digest(grant or "", binder or "")
        row = session.exec(select(SignInGrant).where(SignInGrant.token_hash == digest)).first()
        if row is None:
            raise NotAuthenticated(N_("This sign-in link is not valid. Please sign in again."))
        consumed = session.execute(
            update(SignInGrant)
            .where(col(SignInGrant.id) == row.id, col(SignInGrant.used_at).is_(None))
            .values(used_at=now)
        ).rowcount
        if consumed != 1 or row.expires_at < now:
            raise NotAuthenticated(N_("This sign-in link has expired. Please sign in again."))
        user = session.get(User, row.user_id)
        if user is None or user.status != UserStatus.ACTIVE:
            raise NotAuthenticated(N_("This account cannot sign in."))
        token = _open_session(session, user.id, client, two_factor=row.two_factor)
        trusted = _trusted_browser_token(session, user.id) if row.trust_browser else None
        return BrowserSession(token=token, trusted_browser=trusted, language=user.language)


@dataclass(frozen=True)
class ApiSession:
    """A signed-in API client: who, its session cookie, and the trusted-browser cookie if it asked."""

    user: UserSummary
    token: str
    trusted_browser: str | None = None


def password_session(
    *, email: str, password: str, client: ClientInfo = ClientInfo(), trusted_browser: str | None = None
) -> ApiSession | SecondFactorNeeded:
    """Sign in for API clients: credentials straight to a session, or the second step's challenge."""
    result = sign_in(email=email, password=password, client=client, trusted_browser=trusted_browser)
    if isinstance(result, SecondFactorNeeded):
        return result
    return ApiSession(result.user, exchange_grant(grant=result.grant, binder=result.binder, client=client))


def second_factor_session(
    *, challenge: str, code: str, trust_browser: bool = False, client: ClientInfo = ClientInfo()
) -> ApiSession:
    """The second step for API clients: a challenge and a code straight to a session that passed two-factor."""
    result = complete_second_factor(challenge=challenge, code=code, trust_browser=trust_browser, client=client)
    opened = exchange_browser_grant(grant=result.grant, binder=result.binder, client=client)
    return ApiSession(result.user, opened.token, opened.trusted_browser)


_sessions, _users, _admins = UserSession.__table__, User.__table__, PlatformAdmin.__table__
# The session behind a cookie, its user and their admin level (NULL: not an admin), built once.
_SIGNED_IN_USER = (
    core_select(
        _sessions.c.id.label("session_id"),
        _sessions.c.expires_at,
        _sessions.c.last_seen_at,
        _sessions.c.two_factor_at,
        _users.c.id,
        _users.c.email,
        _users.c.username,
        _users.c.full_name,
        _users.c.avatar_url,
        _users.c.account_type,
        is_verified_sql(_users).label("is_verified"),
        _users.c.status,
        _admins.c.level.label("admin_level"),
    )
    .select_from(
        _sessions.join(_users, _users.c.id == _sessions.c.user_id).outerjoin(_admins, _admins.c.user_id == _users.c.id)
    )
    .where(_sessions.c.token_hash == bindparam("digest"))
)


def current_user(token: str | None) -> UserSummary | None:
    """The active user behind a session cookie, or None. Extends the session while it is used."""
    if not token:
        return None
    now = utcnow()
    # One prepared query (the admin level joined in): every signed-in request starts here.
    with read_only() as reader:
        found = reader.connection().execute(_SIGNED_IN_USER, {"digest": token_hash(token)}).first()
    if found is None or found.expires_at <= now or found.status != UserStatus.ACTIVE:
        return None
    if now - found.last_seen_at > SESSION_TOUCH_INTERVAL:
        # A batch of one statement: one round trip on PostgreSQL, as in autocommit.
        with write_batch() as batch:
            batch.execute(
                update(UserSession)
                .where(col(UserSession.id) == found.session_id)
                .values(last_seen_at=now, expires_at=now + timedelta(days=settings.session_days))
            )
    return summary_of(found, found.admin_level, second_factor_passed=found.two_factor_at is not None)


def sign_out(token: str | None) -> None:
    """End the session behind `token` (its row is deleted). Unknown tokens are ignored."""
    if not token:
        return
    with transaction() as session:
        session.execute(delete(UserSession).where(col(UserSession.token_hash) == token_hash(token)))


def sign_out_everywhere(*, actor: UserSummary | None) -> int:
    """End every session of the acting user, on every device. Returns how many ended."""
    if actor is None:
        raise NotAuthenticated()
    with transaction() as session:
        return session.execute(delete(UserSession).where(col(UserSession.user_id) == actor.id)).rowcount


def end_all_sessions(session: Session, user_id: str, *, keep_token: str | None = None) -> None:
    """Sign a user out everywhere (but `keep_token`'s session) inside the caller's transaction."""
    statement = delete(UserSession).where(col(UserSession.user_id) == user_id)
    if keep_token:
        statement = statement.where(col(UserSession.token_hash) != token_hash(keep_token))
    session.execute(statement)


def sign_in_with_google(
    *, claims: dict[str, Any], client: ClientInfo = ClientInfo(), trusted_browser: str | None = None
) -> tuple[UserSummary, str] | SecondFactorNeeded:
    """Finish a Google sign-in from validated id_token claims; returns the user and a session token, or
    with two-factor on (and this browser not trusted), the second step's challenge.

    Links by Google `sub` first, then by a verified email; creates the account when new. An email
    Google has not verified is never used to reach an existing account. The Google button says that
    continuing means agreeing to the Terms and the Privacy policy: an account that has not agreed to
    the current version records it here (a new account at its first sign-in).
    """
    sub = str(claims.get("sub") or "")
    email_verified = claims.get("email_verified") is True
    if not sub or not claims.get("email"):
        raise ValidationFailed(N_("Google did not share your account's email address."))
    address = normalize_email(str(claims["email"]))
    with transaction() as session:
        user = session.exec(select(User).where(User.google_sub == sub)).first()
        if user is None and email_verified:
            user = session.exec(select(User).where(account_email(address))).first()
            if user is not None:
                user.google_sub = sub
                if not user.is_verified:
                    # Whoever set this password never proved the address: shut them out.
                    user.password_hash = None
                    end_all_sessions(session, user.id)
        if user is None:
            if not email_verified:
                raise ValidationFailed(N_("Your Google email address is not verified yet."))
            name = clean_full_name(str(claims.get("name") or ""))
            user = User(
                email=address,
                google_sub=sub,
                full_name=name,
                avatar_url=claims.get("picture") or None,
                username=generate_username(session, name or address.split("@")[0]),
            )
            session.add(user)
        if user.status != UserStatus.ACTIVE:
            raise _status_error(user)
        if not user.is_verified and email_verified and user.email == address:
            user.email_verified_at = utcnow()
        if user.terms_version != platform.TERMS_VERSION:
            _record_terms(user)
        session.flush()
        passed = _after_first_factor(session, user, client, "google", trusted_browser)
        if isinstance(passed, SecondFactorNeeded):
            return passed
        summary = replace(summarize(session, user), second_factor_passed=passed)
        return summary, _open_session(session, user.id, client, two_factor=passed)


@dataclass(frozen=True)
class SessionRow:
    """One signed-in browser of the account page's list: never its token."""

    id: str
    device: str
    ip: str
    signed_in_at: datetime
    last_seen_at: datetime
    two_factor: bool
    is_current: bool


def list_sessions(*, actor: UserSummary | None, current_token: str | None) -> list[SessionRow]:
    """The actor's live sessions, most recently used first, each saying whether it passed two-factor."""
    if actor is None:
        raise NotAuthenticated()
    here = token_hash(current_token or "")
    with read_only() as session:
        rows = session.exec(
            select(UserSession)
            .where(UserSession.user_id == actor.id, UserSession.expires_at > utcnow())
            .order_by(col(UserSession.last_seen_at).desc())
        ).all()
        return [
            SessionRow(
                id=row.id,
                device=row.user_agent or platform.Message(N_("Unknown device")),  # said on the page (`platform.said`)
                ip=row.ip or "",
                signed_in_at=row.created_at,
                last_seen_at=row.last_seen_at,
                two_factor=row.two_factor_at is not None,
                is_current=row.token_hash == here,
            )
            for row in rows
        ]
