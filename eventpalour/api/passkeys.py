"""Passkey routes (#20 §2), the API twins of the account page's Passkeys card and of "Sign in with a
passkey": each ceremony is two calls, options first, then the browser's answer with the challenge id."""

from __future__ import annotations

import json

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from eventpalour.api.auth import set_session_cookie
from eventpalour.api.deps import AuthLimited, Client, CurrentUser, SessionToken
from eventpalour.api.errors import answers
from eventpalour.api.schemas import (
    PasskeyNameIn,
    PasskeyOptionsOut,
    PasskeyOut,
    PasskeyRegisterIn,
    PasskeySignInIn,
    UserOut,
)
from eventpalour.services import identity

router = APIRouter(prefix="/api/auth", tags=["auth"])


def _options(options: identity.PasskeyOptions) -> dict[str, object]:
    out = PasskeyOptionsOut(challenge_id=options.challenge_id, options=json.loads(options.options_json))
    return out.model_dump(by_alias=True)


def _passkey(info: identity.PasskeyInfo) -> dict[str, object]:
    last_used = info.last_used_at.isoformat() if info.last_used_at else None
    out = PasskeyOut(id=info.id, name=info.name, created_at=info.created_at.isoformat(), last_used_at=last_used)
    return out.model_dump(by_alias=True)


@router.get("/passkeys")
def list_passkeys(user: CurrentUser) -> list[dict[str, object]]:
    """Your passkeys, oldest first, with when each was added and last used."""
    return [_passkey(info) for info in identity.list_passkeys(actor=user)]


@router.post("/passkeys/options", dependencies=[AuthLimited], responses=answers(403, 409))
def start_passkey_registration(body: PasskeyNameIn, user: CurrentUser) -> dict[str, object]:
    """Start adding a passkey named `name`: options for `navigator.credentials.create` (a discoverable
    credential, user verification required). 403: the account has a second factor this session did
    not pass (sign in with it first)."""
    return _options(identity.passkey_registration_options(actor=user, name=body.name))


@router.post("/passkeys", status_code=201, dependencies=[AuthLimited], responses=answers(403, 409))
def create_passkey(body: PasskeyRegisterIn, user: CurrentUser, token: SessionToken) -> dict[str, object]:
    """Finish adding a passkey with the browser's answer. The account's first second factor marks
    this session as having passed two-factor and ends its other sessions. 400: the challenge expired
    or was used, or the answer does not verify."""
    info = identity.register_passkey(
        actor=user, challenge_id=body.challenge_id, credential=body.credential, name=body.name, session_token=token
    )
    return _passkey(info)


@router.patch("/passkeys/{passkey_id}", responses=answers(404))
def rename_passkey(passkey_id: str, body: PasskeyNameIn, user: CurrentUser) -> dict[str, object]:
    """Rename one of your passkeys."""
    return _passkey(identity.rename_passkey(actor=user, passkey_id=passkey_id, name=body.name))


@router.delete("/passkeys/{passkey_id}", status_code=204, responses=answers(403, 404))
def remove_passkey(passkey_id: str, user: CurrentUser) -> Response:
    """Remove one of your passkeys (from a session that passed two-factor)."""
    identity.remove_passkey(actor=user, passkey_id=passkey_id)
    return Response(status_code=204)


@router.post("/passkey/options", dependencies=[AuthLimited])
def start_passkey_sign_in() -> dict[str, object]:
    """Start a sign-in with a passkey: options for `navigator.credentials.get` naming no account (the
    browser offers the person's passkeys for this site)."""
    return _options(identity.passkey_sign_in_options())


@router.post("/passkey", dependencies=[AuthLimited], responses=answers(401, 403))
def create_passkey_session(body: PasskeySignInIn, client: Client) -> JSONResponse:
    """Sign in with the browser's answer: the session cookie is set and the session counts as having
    passed two-factor. 401: unknown passkey, or the answer does not verify (wrong challenge, a
    sign counter that did not move forward); 400: the challenge expired or was used."""
    signed_in = identity.passkey_session(challenge_id=body.challenge_id, credential=body.credential, client=client)
    response = JSONResponse(UserOut.of(signed_in.user).model_dump())
    set_session_cookie(response, signed_in.token)
    return response
