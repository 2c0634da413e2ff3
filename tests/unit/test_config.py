"""Configuration: production refuses unsafe defaults; database URLs are normalised."""

from __future__ import annotations

import pytest

from eventpalour.config import ConfigurationError, load_settings, normalize_database_url

pytestmark = pytest.mark.no_db  # reads no database: SQLite run only (tests/conftest.py checks)

PROVIDER_KEYS = {
    "PAYSTACK_SECRET_KEY": "sk_live_0123456789",
    "PAYSTACK_PUBLIC_KEY": "pk_live_0123456789",
    "GOOGLE_CLIENT_ID": "1234.apps.googleusercontent.com",
    "GOOGLE_CLIENT_SECRET": "google-secret",
}


@pytest.fixture
def production(monkeypatch):
    """APP_ENV=production with a real secret and no provider keys; tests add the keys they need."""
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("PASSWORD_HASH_COST", "standard")
    for name in (*PROVIDER_KEYS, "ALLOW_SANDBOXES_IN_PRODUCTION"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_production_refuses_default_secret_key(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError):
        load_settings()


def test_production_accepts_a_real_secret_and_provider_keys(production):
    for name, value in PROVIDER_KEYS.items():
        production.setenv(name, value)

    loaded = load_settings()

    assert loaded.is_production
    assert not loaded.paystack_sandbox and not loaded.google_sandbox


def test_production_without_provider_keys_refuses_to_start_naming_each_missing_variable(production):
    with pytest.raises(ConfigurationError) as refused:
        load_settings()

    message = str(refused.value)
    for name in PROVIDER_KEYS:
        assert name in message
    assert "sandbox" in message


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        (["PAYSTACK_SECRET_KEY", "PAYSTACK_PUBLIC_KEY"], ["GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET"]),
        (["GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET"], ["PAYSTACK_SECRET_KEY", "PAYSTACK_PUBLIC_KEY"]),
        (["PAYSTACK_SECRET_KEY", "GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET"], ["PAYSTACK_PUBLIC_KEY"]),
        (["PAYSTACK_SECRET_KEY", "PAYSTACK_PUBLIC_KEY", "GOOGLE_CLIENT_ID"], ["GOOGLE_CLIENT_SECRET"]),
    ],
)
def test_production_names_only_the_missing_provider_variables(production, given, missing):
    for name in given:
        production.setenv(name, PROVIDER_KEYS[name])

    with pytest.raises(ConfigurationError) as refused:
        load_settings()

    message = str(refused.value)
    assert [name for name in PROVIDER_KEYS if name in message] == missing


def test_production_sandboxes_only_with_the_explicit_benchmark_opt_in(production):
    production.setenv("ALLOW_SANDBOXES_IN_PRODUCTION", "yes")

    loaded = load_settings()

    assert loaded.is_production and loaded.allow_sandboxes_in_production
    assert loaded.paystack_sandbox and loaded.google_sandbox


@pytest.mark.parametrize("value", ["", "no", "true", "1"])
def test_production_opt_in_must_say_yes(production, value):
    production.setenv("ALLOW_SANDBOXES_IN_PRODUCTION", value)

    with pytest.raises(ConfigurationError):
        load_settings()


def test_development_keeps_both_sandboxes_without_keys(monkeypatch):
    monkeypatch.setenv("APP_ENV", "development")
    for name in PROVIDER_KEYS:
        monkeypatch.delenv(name, raising=False)

    loaded = load_settings()

    assert loaded.paystack_sandbox and loaded.google_sandbox


def test_production_refuses_low_password_hash_cost(production):
    for name, value in PROVIDER_KEYS.items():
        production.setenv(name, value)
    production.setenv("PASSWORD_HASH_COST", "low")
    with pytest.raises(ConfigurationError, match="PASSWORD_HASH_COST"):
        load_settings()


def test_too_many_super_admin_emails_refused(monkeypatch):
    monkeypatch.setenv("SUPER_ADMIN_EMAILS", "a@x.test,b@x.test,c@x.test,d@x.test")
    with pytest.raises(ConfigurationError):
        load_settings()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_normalize_database_url(raw, expected):
    assert normalize_database_url(raw) == expected


def test_browser_origins_are_app_url_and_a_different_api_url(monkeypatch):
    """The origins Reflex's CORS and websocket accept (rxconfig.py): never "*"."""
    monkeypatch.setenv("APP_URL", "https://tickets.example.com/")
    monkeypatch.delenv("API_URL", raising=False)
    assert load_settings().browser_origins == ("https://tickets.example.com",)

    monkeypatch.setenv("APP_URL", "http://localhost:3000")
    monkeypatch.setenv("API_URL", "http://localhost:8000")  # make dev
    assert load_settings().browser_origins == ("http://localhost:3000", "http://localhost:8000")
