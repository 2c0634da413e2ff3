"""The API as production builds it: the Paystack and Google sandboxes do not exist there (issue #16, item 1).

Each test builds `create_api()` under production settings and serves it over real HTTP with a
stand-in for Reflex mounted behind it, as `make run` mounts the pages.
"""

from __future__ import annotations

import logging

import httpx
import pytest

from eventpalour.api import create_api
from eventpalour.config import settings
from eventpalour.integrations.google import SANDBOX_PATH as GOOGLE_SANDBOX
from eventpalour.integrations.paystack import SANDBOX_PATH as PAYSTACK_SANDBOX
from tests.api.serving import assert_json_error, serving, with_reflex_mount

SANDBOX_REQUESTS = [
    ("GET", f"{GOOGLE_SANDBOX}/.well-known/openid-configuration"),
    ("GET", f"{GOOGLE_SANDBOX}/o/oauth2/v2/auth?client_id=x"),
    ("POST", f"{GOOGLE_SANDBOX}/o/oauth2/v2/auth"),
    ("POST", f"{GOOGLE_SANDBOX}/token"),
    ("POST", f"{PAYSTACK_SANDBOX}/transaction/initialize"),
    ("GET", f"{PAYSTACK_SANDBOX}/transaction/verify/EVT-1"),
    ("GET", f"{PAYSTACK_SANDBOX}/checkout/abc"),
    ("POST", f"{PAYSTACK_SANDBOX}/checkout/abc"),
    ("PUT", f"{PAYSTACK_SANDBOX}/_test/controls"),
]


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Production settings with no provider keys yet (tests set the ones they need)."""
    monkeypatch.setattr(settings, "app_env", "production")
    monkeypatch.setattr(settings, "password_hash_cost", "standard")
    for name in ("paystack_secret_key", "paystack_public_key", "google_client_id", "google_client_secret"):
        monkeypatch.setattr(settings, name, "")
    monkeypatch.setattr(settings, "allow_sandboxes_in_production", False)
    return monkeypatch


def _with_real_keys(patch: pytest.MonkeyPatch) -> None:
    patch.setattr(settings, "paystack_secret_key", "sk_live_0123456789")
    patch.setattr(settings, "paystack_public_key", "pk_live_0123456789")
    patch.setattr(settings, "google_client_id", "1234.apps.googleusercontent.com")
    patch.setattr(settings, "google_client_secret", "google-secret")


def _answers(base_url: str) -> list[httpx.Response]:
    with httpx.Client(base_url=base_url, timeout=10) as client:
        return [client.request(method, path, data={"action": "pay"}) for method, path in SANDBOX_REQUESTS]


def test_production_with_real_keys_has_no_sandbox_routes(production):
    _with_real_keys(production)

    with serving(with_reflex_mount(create_api())) as base_url:
        answers = _answers(base_url)

    for (method, path), response in zip(SANDBOX_REQUESTS, answers, strict=True):
        message = assert_json_error(response, 404)
        assert path.split("?")[0] in message, (method, path, message)


def test_production_settings_never_mount_the_sandboxes_even_without_keys(production):
    """Settings that slipped past load_settings (no keys, no opt-in) still get no sandbox."""
    assert not settings.paystack_sandbox and not settings.google_sandbox

    with serving(with_reflex_mount(create_api())) as base_url:
        answers = _answers(base_url)

    assert [r.status_code for r in answers] == [404] * len(SANDBOX_REQUESTS)


def test_benchmark_opt_in_mounts_the_sandboxes_and_says_so_loudly(production):
    production.setattr(settings, "allow_sandboxes_in_production", True)
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logging.getLogger("eventpalour").addHandler(handler)
    try:
        api = create_api()
    finally:
        logging.getLogger("eventpalour").removeHandler(handler)

    with serving(with_reflex_mount(api)) as base_url:
        discovery = httpx.get(f"{base_url}{GOOGLE_SANDBOX}/.well-known/openid-configuration", timeout=10)

    assert discovery.status_code == 200 and discovery.json()["issuer"].endswith(GOOGLE_SANDBOX)
    warnings = [r.getMessage() for r in records if r.levelno >= logging.WARNING]
    assert any("ALLOW_SANDBOXES_IN_PRODUCTION" in w and "never a real deployment" in w for w in warnings), warnings
