"""Google sign-in through authlib (OpenID Connect with state, nonce and PKCE).

The same code talks to real Google (GOOGLE_CLIENT_ID set) or to the built-in sign-in sandbox,
which is reached over HTTP exactly like Google through its discovery document.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.integrations.starlette_client import OAuth, OAuthError
from joserfc.errors import JoseError
from starlette.requests import Request
from starlette.responses import RedirectResponse

from eventpalour.config import settings
from eventpalour.integrations.tls import outbound_tls

SANDBOX_PATH = "/api/sandbox/google"


class GoogleSignInError(Exception):
    """The provider refused, or its answer could not be trusted (state, nonce, signature)."""


@dataclass(frozen=True)
class GoogleClient:
    client_id: str
    client_secret: str
    discovery_url: str
    issuer: str | None


def sandbox_base_url() -> str:
    return settings.api_url + SANDBOX_PATH


def client_settings() -> GoogleClient:
    """The client to use now: the configured Google app, or the sandbox's fixed client."""
    if not settings.google_sandbox:
        return GoogleClient(
            settings.google_client_id,
            settings.google_client_secret,
            settings.google_discovery_url,
            None,
        )
    secret = hmac.new(settings.secret_key.encode(), b"google-sandbox", hashlib.sha256).hexdigest()
    base = sandbox_base_url()
    return GoogleClient(
        "eventpalour-sandbox.apps.googleusercontent.com",
        secret,
        f"{base}/.well-known/openid-configuration",
        base,
    )


_oauth: tuple[GoogleClient, OAuth] | None = None


def _client():
    """The authlib client, rebuilt when the settings change (tests move the sandbox's port)."""
    global _oauth
    wanted = client_settings()
    if _oauth is None or _oauth[0] != wanted:
        oauth = OAuth()
        oauth.register(
            name="google",
            client_id=wanted.client_id,
            client_secret=wanted.client_secret,
            server_metadata_url=wanted.discovery_url,
            client_kwargs={
                "scope": "openid email profile",
                "code_challenge_method": "S256",
                "timeout": 10,
                "verify": outbound_tls(),  # authlib builds an httpx client per call
            },
        )
        _oauth = (wanted, oauth)
    return _oauth[1].google


async def start(request: Request, redirect_uri: str) -> RedirectResponse:
    """Redirect the browser to the provider; state, nonce and the PKCE verifier go in the session."""
    try:
        return await _client().authorize_redirect(request, redirect_uri, prompt="select_account")
    except (OAuthError, httpx.HTTPError, OSError) as exc:
        raise GoogleSignInError(f"Google sign-in is unavailable right now ({exc}).") from exc


async def finish(request: Request) -> dict[str, Any]:
    """Validate the callback and return the id_token claims (issuer, audience, nonce checked)."""
    client = _client()
    try:
        metadata = await client.load_server_metadata()
        token = await client.authorize_access_token(
            request,
            claims_options={
                "iss": {"values": [metadata["issuer"]]},
                "aud": {"values": [client.client_id]},
            },
        )
    except (OAuthError, JoseError, httpx.HTTPError, OSError, ValueError, KeyError) as exc:
        raise GoogleSignInError(str(exc) or type(exc).__name__) from exc
    claims = token.get("userinfo")
    if not claims:
        raise GoogleSignInError("The provider returned no identity.")
    return dict(claims)
