"""Passkeys (WebAuthn, #20 §2): adding, renaming and removing them on the account page, and signing
in with one (discoverable credentials: the browser offers the person's passkeys, no email typed).

A passkey sign-in counts as both factors: the session it opens has passed two-factor, like a sign-in
with an authenticator code, so it opens the admin area, refunds and withdrawals
(`two_factor.require_second_factor`, the one home of that rule). The WebAuthn checks and the
challenges are in `passkey_ceremony`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select
from webauthn.helpers import bytes_to_base64url

from eventpalour.db import read_only, transaction
from eventpalour.models import Passkey, User, UserSession
from eventpalour.models.types import utcnow
from eventpalour.services import admin, platform
from eventpalour.services.identity import passkey_ceremony as ceremony
from eventpalour.services.identity import two_factor
from eventpalour.services.identity.accounts import ClientInfo, UserSummary, load_active_user
from eventpalour.services.identity.auth import ApiSession, SignInResult, exchange_grant, finish_sign_in
from eventpalour.services.platform import (
    N_,
    Conflict,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    message,
)

MAX_PASSKEYS = 20
NAME_FIELD = "passkey_name"
NAME_LENGTH = 60
NO_NAME = N_("Name this passkey, for example after the device it lives on (Work laptop, My phone).")
LONG_NAME = message(N_("Keep the name to {count} characters or fewer."), count=NAME_LENGTH)
UNKNOWN_PASSKEY = N_(
    "This passkey is not registered here. Sign in with your password, then add it on your account page."
)
SIGN_IN_FIRST = N_(
    "This session was opened with the password alone. Sign in again with your authenticator code or a "
    "passkey to change your passkeys."
)


@dataclass(frozen=True)
class PasskeyOptions:
    """What the browser needs for one ceremony: the WebAuthn options as JSON and the id of their
    challenge, which comes back with the answer."""

    challenge_id: str
    options_json: str


@dataclass(frozen=True)
class PasskeyInfo:
    """One passkey as the account page lists it: never its key."""

    id: str
    name: str
    created_at: datetime
    last_used_at: datetime | None


def _info(row: Passkey) -> PasskeyInfo:
    return PasskeyInfo(id=row.id, name=row.name, created_at=row.created_at, last_used_at=row.last_used_at)


def _clean_name(name: str) -> str:
    cleaned = platform.clean_line(name)
    if not cleaned:
        raise ValidationFailed.field(NAME_FIELD, NO_NAME)
    if len(cleaned) > NAME_LENGTH:
        raise ValidationFailed.field(NAME_FIELD, LONG_NAME)
    return cleaned


def _user(session: Session, actor: UserSummary | None) -> User:
    if actor is None:
        raise NotAuthenticated()
    return load_active_user(session, actor.id)


def _credential_ids(session: Session, user_id: str) -> list[str]:
    return list(session.exec(select(Passkey.credential_id).where(Passkey.user_id == user_id)).all())


def _may_change(session: Session, actor: UserSummary, user_id: str) -> None:
    """An account with a second factor changes its passkeys only from a session that passed it: a
    stolen password alone must not add a passkey (which would then pass two-factor) or remove one."""
    if not actor.second_factor_passed and two_factor.has_second_factor(session, user_id):
        raise PermissionDenied(SIGN_IN_FIRST)


def passkey_registration_options(*, actor: UserSummary | None, name: str) -> PasskeyOptions:
    """Start adding a passkey called `name`: the options for `navigator.credentials.create`.

    Raises ValidationFailed (no or too long a name), PermissionDenied (the account has a second factor
    this session did not pass), Conflict (MAX_PASSKEYS already)."""
    _clean_name(name)
    with transaction() as session:
        user = _user(session, actor)
        _may_change(session, actor, user.id)
        existing = _credential_ids(session, user.id)
        if len(existing) >= MAX_PASSKEYS:
            raise Conflict(
                N_("You have {MAX_PASSKEYS} passkeys, the most an account may have. Remove one first."),
                values={"MAX_PASSKEYS": MAX_PASSKEYS},
            )
        challenge, options = ceremony.registration_options(
            user_id=user.id,
            user_name=user.email,
            display_name=user.full_name or user.email,
            rp_name=platform.platform_identity().name,
            existing=existing,
        )
        return PasskeyOptions(ceremony.issue_challenge(session, ceremony.REGISTER, user.id, challenge), options)


def register_passkey(
    *,
    actor: UserSummary | None,
    challenge_id: str,
    credential: str | dict[str, Any],
    name: str,
    session_token: str | None,
) -> PasskeyInfo:
    """Finish adding a passkey: the browser's answer to the challenge `challenge_id` is verified and the
    credential stored under `name`. When it is the account's first second factor, this session counts
    as having passed two-factor (the authenticator just checked its owner) and the account's other
    sessions, opened with the password alone, end, as when an authenticator app is turned on.

    Raises ValidationFailed (name; challenge expired, spent or another's; answer not verified),
    PermissionDenied, Conflict (this passkey is already registered)."""
    cleaned = _clean_name(name)
    if actor is None:
        raise NotAuthenticated()
    parsed = ceremony.parse_registration(credential)
    challenge = ceremony.take_challenge(challenge_id, ceremony.REGISTER, actor.id)
    verified = ceremony.verify_registration(parsed, challenge)
    with transaction() as session:
        user = _user(session, actor)
        _may_change(session, actor, user.id)
        first = not two_factor.has_second_factor(session, user.id)
        row = Passkey(
            user_id=user.id,
            credential_id=bytes_to_base64url(verified.credential_id),
            public_key=bytes_to_base64url(verified.credential_public_key),
            sign_count=verified.sign_count,
            transports=",".join(t.value for t in parsed.response.transports or [])[:200],
            name=cleaned,
        )
        session.add(row)
        try:
            session.flush()
        except IntegrityError:
            raise Conflict(N_("This passkey is already registered.")) from None
        if first:
            _pass_this_session_only(session, user.id, session_token)
        admin.record_audit(
            session, action="auth.passkey_added", actor_id=user.id, target=("user", user.id), details={"name": cleaned}
        )
        return _info(row)


def _pass_this_session_only(session: Session, user_id: str, session_token: str | None) -> None:
    here = platform.token_hash(session_token or "")
    session.execute(delete(UserSession).where(col(UserSession.user_id) == user_id, col(UserSession.token_hash) != here))
    session.execute(update(UserSession).where(col(UserSession.token_hash) == here).values(two_factor_at=utcnow()))


def passkey_sign_in_options() -> PasskeyOptions:
    """Start a sign-in with a passkey: options naming no account, for `navigator.credentials.get`."""
    challenge, options = ceremony.authentication_options()
    with transaction() as session:
        return PasskeyOptions(ceremony.issue_challenge(session, ceremony.SIGN_IN, None, challenge), options)


def sign_in_with_passkey(
    *, challenge_id: str, credential: str | dict[str, Any], client: ClientInfo = ClientInfo()
) -> SignInResult:
    """Sign in with the passkey the browser chose: its signature over the challenge `challenge_id`,
    checked with the stored public key, gives a grant whose session has passed two-factor.

    The authenticator's counter must move forward when it counts (a counter that did not means a
    copy of the authenticator); it is saved with a conditional UPDATE, so two sign-ins with one
    answer cannot both pass. Raises ValidationFailed (challenge expired or spent, answer unreadable),
    NotAuthenticated (unknown passkey, or the answer does not verify), PermissionDenied (suspended
    or blocked account)."""
    parsed = ceremony.parse_authentication(credential)
    challenge = ceremony.take_challenge(challenge_id, ceremony.SIGN_IN, None)
    credential_id = bytes_to_base64url(parsed.raw_id)
    with transaction() as session:
        row = session.exec(select(Passkey).where(Passkey.credential_id == credential_id)).first()
        if row is None:
            raise NotAuthenticated(UNKNOWN_PASSKEY)
        handle = parsed.response.user_handle
        if handle is not None and handle != row.user_id.encode():
            raise NotAuthenticated(ceremony.NOT_VERIFIED)
        new_count = ceremony.verify_assertion(parsed, challenge, row.public_key, row.sign_count)
        if new_count is None:
            raise NotAuthenticated(ceremony.NOT_VERIFIED)
        moved = session.execute(
            update(Passkey)
            .where(col(Passkey.id) == row.id, col(Passkey.sign_count) == row.sign_count)
            .values(sign_count=new_count, last_used_at=utcnow())
        ).rowcount
        if moved != 1:
            raise NotAuthenticated(ceremony.NOT_VERIFIED)
        user = session.get(User, row.user_id)
        return finish_sign_in(session, user, client, "passkey", two_factor=True)


def passkey_session(
    *, challenge_id: str, credential: str | dict[str, Any], client: ClientInfo = ClientInfo()
) -> ApiSession:
    """A passkey sign-in for API clients: straight to a session that passed two-factor."""
    result = sign_in_with_passkey(challenge_id=challenge_id, credential=credential, client=client)
    return ApiSession(result.user, exchange_grant(grant=result.grant, binder=result.binder, client=client))


def list_passkeys(*, actor: UserSummary | None) -> list[PasskeyInfo]:
    """The actor's passkeys, oldest first."""
    if actor is None:
        raise NotAuthenticated()
    with read_only() as session:
        rows = session.exec(
            select(Passkey).where(Passkey.user_id == actor.id).order_by(col(Passkey.created_at), col(Passkey.id))
        ).all()
        return [_info(row) for row in rows]


def _own_passkey(session: Session, user_id: str, passkey_id: str) -> Passkey:
    row = session.get(Passkey, passkey_id or "")
    if row is None or row.user_id != user_id:
        raise NotFound(N_("That passkey does not exist or was removed."))
    return row


def rename_passkey(*, actor: UserSummary | None, passkey_id: str, name: str) -> PasskeyInfo:
    """Give one of the actor's passkeys a new name. Raises ValidationFailed, NotFound."""
    cleaned = _clean_name(name)
    with transaction() as session:
        user = _user(session, actor)
        row = _own_passkey(session, user.id, passkey_id)
        row.name = cleaned
        return _info(row)


def remove_passkey(*, actor: UserSummary | None, passkey_id: str) -> None:
    """Remove one of the actor's passkeys (from a session that passed two-factor). When no second
    factor is left, no session of the account counts as having passed two-factor any more.
    Raises NotFound, PermissionDenied."""
    with transaction() as session:
        user = _user(session, actor)
        row = _own_passkey(session, user.id, passkey_id)
        _may_change(session, actor, user.id)
        session.delete(row)
        session.flush()
        if not two_factor.has_second_factor(session, user.id):
            two_factor.forget_passed_second_factor(session, user.id)
        admin.record_audit(
            session,
            action="auth.passkey_removed",
            actor_id=user.id,
            target=("user", user.id),
            details={"name": row.name},
        )
