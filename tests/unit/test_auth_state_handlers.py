"""The sign-in forms' handlers: limits keyed on the right client, and what reaches the browser."""

from __future__ import annotations

import pytest

from eventpalour.config import settings
from eventpalour.state.auth import SignInState
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.state_support import run_handler, state_for

PROXY = "127.0.0.1"


def sign_in_form(forwarded_for: str | None = None, *, peer: str = PROXY) -> SignInState:
    headers = {"x-forwarded-for": forwarded_for} if forwarded_for else {}
    return state_for(SignInState, token=None, path="/auth/sign-in", ip=peer, headers=headers)


async def test_sign_in_behind_trusted_proxy_limited_per_forwarded_client(monkeypatch: pytest.MonkeyPatch) -> None:
    user = make_user()
    monkeypatch.setattr(settings, "trusted_proxies", ("127.0.0.1/32",))
    monkeypatch.setattr(settings, "rate_limit_auth", "1/minute")
    form = {"email": user.email, "password": DEFAULT_PASSWORD}
    await run_handler(sign_in_form("203.0.113.7"), "submit", form)

    again = sign_in_form("203.0.113.7")
    await run_handler(again, "submit", form)
    other = sign_in_form("198.51.100.20")
    await run_handler(other, "submit", form)

    assert again.form_error.startswith("Too many attempts")
    assert other.form_error == "" and other.field_errors == {}


async def test_sign_in_from_untrusted_peer_forwarded_header_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    user = make_user()
    monkeypatch.setattr(settings, "trusted_proxies", ("10.0.0.0/8",))
    monkeypatch.setattr(settings, "rate_limit_auth", "1/minute")
    form = {"email": user.email, "password": DEFAULT_PASSWORD}
    await run_handler(sign_in_form("203.0.113.7", peer="198.51.100.1"), "submit", form)

    spoofed = sign_in_form("203.0.113.8", peer="198.51.100.1")
    await run_handler(spoofed, "submit", form)

    assert spoofed.form_error.startswith("Too many attempts")
    assert spoofed._client().ip == "198.51.100.1"
