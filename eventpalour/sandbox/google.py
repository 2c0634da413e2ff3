"""The sign-in sandbox: an OpenID Connect provider that behaves like Google (contract §9–12).

Its consent page lets a developer sign in as any Google account by typing an email. Codes are
single use and bound to the redirect URI and the PKCE challenge; id_tokens are RS256-signed with
the issuer, audience, nonce and at_hash a real Google token carries.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from datetime import timedelta
from html import escape
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Header, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from joserfc import jwt
from joserfc.errors import JoseError
from sqlalchemy import update
from sqlmodel import col

from eventpalour.db import transaction
from eventpalour.integrations.google import SANDBOX_PATH, client_settings, sandbox_base_url
from eventpalour.models import SandboxOidcCode
from eventpalour.models.types import utcnow
from eventpalour.sandbox.oidc_keys import KEY_ID, public_jwks, signing_key
from eventpalour.services.platform import new_token, token_hash

router = APIRouter(prefix=SANDBOX_PATH, tags=["sandbox"], include_in_schema=False)
SCOPE_EXPANDED = (
    "openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile"
)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _sub_for(email: str) -> str:
    """A stable, Google-like numeric subject for an email address."""
    return str(int(hashlib.sha256(email.lower().encode()).hexdigest()[:16], 16))[:21]


def _oauth_error(error: str, description: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status_code=status)


@router.get("/.well-known/openid-configuration")
def read_discovery() -> dict[str, object]:
    """Google's discovery field set, pointing at this sandbox."""
    base = sandbox_base_url()
    return {
        "issuer": base,
        "authorization_endpoint": f"{base}/o/oauth2/v2/auth",
        "token_endpoint": f"{base}/token",
        "userinfo_endpoint": f"{base}/v1/userinfo",
        "jwks_uri": f"{base}/oauth2/v3/certs",
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "email", "profile"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "claims_supported": ["aud", "email", "email_verified", "exp", "iat", "iss", "name", "picture", "sub"],
        "code_challenge_methods_supported": ["plain", "S256"],
        "grant_types_supported": ["authorization_code"],
    }


@router.get("/oauth2/v3/certs")
def read_jwks() -> dict[str, list[dict[str, object]]]:
    return public_jwks()


def _consent_page(params: dict[str, str], error: str = "") -> HTMLResponse:
    hidden = "".join(f"<input type='hidden' name='{escape(k)}' value='{escape(v)}'>" for k, v in params.items())
    problem = f"<p role='alert' style='color:#c00'>{escape(error)}</p>" if error else ""
    html = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in with Google (sandbox)</title>
<style>body{{font-family:system-ui,sans-serif;background:#f4f4f8;display:grid;place-items:center;
min-height:100vh;margin:0}}main{{background:#fff;padding:32px;border-radius:12px;max-width:380px;
width:90%;box-shadow:0 4px 24px #0001}}label{{display:block;margin:12px 0 4px;font-weight:600}}
input[type=email],input[type=text]{{width:100%;padding:10px;box-sizing:border-box;border:1px solid #ccc;
border-radius:8px}}button{{margin-top:16px;padding:10px 16px;border-radius:8px;border:0;cursor:pointer}}
.primary{{background:#1a73e8;color:#fff}}.note{{color:#666;font-size:13px}}</style></head>
<body><main><h1 style="font-size:20px">Sign in with Google</h1>
<p class="note">Development sandbox: no real Google account is used. Choose the account to sign in as.</p>
{problem}<form method="post">{hidden}
<label for="email">Email</label><input id="email" name="email" type="email" required
value="{escape(params.get("login_hint", ""))}" placeholder="you@gmail.com">
<label for="name">Name</label><input id="name" name="name" type="text" placeholder="Your name">
<label><input type="checkbox" name="email_verified" value="true" checked> Email verified by Google</label>
<button class="primary" type="submit" name="action" value="approve">Continue</button>
<button type="submit" name="action" value="deny">Cancel</button></form></main></body></html>"""
    return HTMLResponse(html, status_code=400 if error else 200)


def _check_client_request(client_id: str, redirect_uri: str, response_type: str, scope: str) -> str | None:
    if client_id != client_settings().client_id:
        return "The OAuth client was not found (invalid_client)."
    if response_type != "code":
        return "Only response_type=code is supported."
    if "openid" not in scope.split():
        return "The scope must include openid."
    if not redirect_uri.startswith(("http://", "https://")):
        return "redirect_uri_mismatch"
    return None


@router.get("/o/oauth2/v2/auth")
def read_consent(request: Request) -> HTMLResponse:
    """The account chooser a browser is sent to by the app."""
    params = dict(request.query_params)
    problem = _check_client_request(
        params.get("client_id", ""),
        params.get("redirect_uri", ""),
        params.get("response_type", ""),
        params.get("scope", ""),
    )
    return _consent_page(params, problem or "")


@router.post("/o/oauth2/v2/auth")
def create_authorization(
    client_id: Annotated[str, Form()],
    redirect_uri: Annotated[str, Form()],
    response_type: Annotated[str, Form()] = "code",
    scope: Annotated[str, Form()] = "",
    state: Annotated[str, Form()] = "",
    nonce: Annotated[str, Form()] = "",
    code_challenge: Annotated[str, Form()] = "",
    code_challenge_method: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    email_verified: Annotated[str, Form()] = "",
    action: Annotated[str, Form()] = "approve",
) -> Response:
    """Approve (issue a code) or deny, and send the browser back to the app."""
    problem = _check_client_request(client_id, redirect_uri, response_type, scope)
    if problem:
        return _consent_page({}, problem)
    if action == "deny":
        query = urlencode({"error": "access_denied", "state": state})
        return RedirectResponse(f"{redirect_uri}?{query}", status_code=302)
    address = email.strip().lower()
    if "@" not in address:
        params = {
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "response_type": response_type,
            "scope": scope,
            "state": state,
            "nonce": nonce,
            "code_challenge": code_challenge,
            "code_challenge_method": code_challenge_method,
        }
        return _consent_page(params, "Enter the email address of the account.")
    code = new_token()
    claims = {
        "sub": _sub_for(address),
        "email": address,
        "email_verified": email_verified == "true",
        "name": name.strip() or address.split("@")[0].replace(".", " ").title(),
        "given_name": (name.strip() or address.split("@")[0]).split(" ")[0],
        "picture": None,
    }
    with transaction() as session:
        session.add(
            SandboxOidcCode(
                code_hash=token_hash(code),
                client_id=client_id,
                redirect_uri=redirect_uri,
                code_challenge=code_challenge or None,
                code_challenge_method=code_challenge_method or None,
                nonce=nonce or None,
                scope=scope,
                claims=claims,
                expires_at=utcnow() + timedelta(minutes=5),
            )
        )
    query = urlencode({"code": code, "state": state, "scope": SCOPE_EXPANDED, "authuser": "0", "prompt": "none"})
    return RedirectResponse(f"{redirect_uri}?{query}", status_code=302)


def _client_authenticated(authorization: str | None, form_id: str, form_secret: str) -> bool:
    expected = client_settings()
    client_id, secret = form_id, form_secret
    if authorization and authorization.startswith("Basic "):
        try:
            client_id, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
        except ValueError:
            return False
    return client_id == expected.client_id and hmac.compare_digest(secret, expected.client_secret)


def _pkce_ok(row: SandboxOidcCode, verifier: str) -> bool:
    if not row.code_challenge:
        return True
    if row.code_challenge_method == "S256":
        computed = _b64url(hashlib.sha256(verifier.encode()).digest())
    else:
        computed = verifier
    return bool(verifier) and hmac.compare_digest(computed, row.code_challenge)


def _redeem(code: str, redirect_uri: str, verifier: str) -> SandboxOidcCode | str:
    """Mark the code used and return it, or the OAuth error description."""
    with transaction() as session:
        row = session.get(SandboxOidcCode, token_hash(code))
        if row is None or row.expires_at < utcnow():
            return "Bad Request"
        used = session.execute(
            update(SandboxOidcCode)
            .where(col(SandboxOidcCode.code_hash) == row.code_hash, col(SandboxOidcCode.used_at).is_(None))
            .values(used_at=utcnow())
        ).rowcount
        if used != 1:
            return "Bad Request"
    if row.redirect_uri != redirect_uri:
        return "redirect_uri_mismatch"
    if not _pkce_ok(row, verifier):
        return "Invalid code verifier."
    return row


def _sign(claims: dict[str, object]) -> str:
    return jwt.encode({"alg": "RS256", "kid": KEY_ID, "typ": "JWT"}, claims, signing_key())


@router.post("/token")
def create_token(
    grant_type: Annotated[str, Form()] = "",
    code: Annotated[str, Form()] = "",
    redirect_uri: Annotated[str, Form()] = "",
    code_verifier: Annotated[str, Form()] = "",
    client_id: Annotated[str, Form()] = "",
    client_secret: Annotated[str, Form()] = "",
    authorization: Annotated[str | None, Header()] = None,
) -> JSONResponse:
    """Exchange a code for tokens, checking client auth, single use, redirect URI and PKCE."""
    if not _client_authenticated(authorization, client_id, client_secret):
        return _oauth_error("invalid_client", "Unauthorized", 401)
    if grant_type != "authorization_code":
        return _oauth_error("unsupported_grant_type", "Invalid grant_type.")
    row = _redeem(code, redirect_uri, code_verifier)
    if isinstance(row, str):
        return _oauth_error("invalid_grant", row)
    now = int(time.time())
    issuer = sandbox_base_url()
    access_token = _sign(
        {
            "iss": issuer,
            "sub": row.claims["sub"],
            "aud": row.client_id,
            "iat": now,
            "exp": now + 3599,
            "scope": row.scope,
            "typ": "access",
            **row.claims,
        }
    )
    at_hash = _b64url(hashlib.sha256(access_token.encode()).digest()[:16])
    id_claims = {
        "iss": issuer,
        "azp": row.client_id,
        "aud": row.client_id,
        "iat": now,
        "exp": now + 3600,
        "at_hash": at_hash,
        **{k: v for k, v in row.claims.items() if v is not None},
    }
    if row.nonce:
        id_claims["nonce"] = row.nonce
    return JSONResponse(
        {
            "access_token": access_token,
            "expires_in": 3599,
            "token_type": "Bearer",
            "scope": SCOPE_EXPANDED,
            "id_token": _sign(id_claims),
        },
        headers={"Cache-Control": "no-store"},
    )


@router.get("/v1/userinfo")
def read_userinfo(authorization: Annotated[str | None, Header()] = None) -> JSONResponse:
    """The profile behind an access token issued by this sandbox."""
    raw = (authorization or "").removeprefix("Bearer ").strip()
    try:
        claims = jwt.decode(raw, signing_key()).claims
    except (JoseError, ValueError):
        return _oauth_error("invalid_token", "Invalid Credentials", 401)
    if claims.get("typ") != "access" or claims.get("exp", 0) < time.time():
        return _oauth_error("invalid_token", "Invalid Credentials", 401)
    keys = ("sub", "name", "given_name", "picture", "email", "email_verified")
    return JSONResponse({k: claims[k] for k in keys if claims.get(k) is not None})
