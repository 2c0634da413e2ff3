"""Configuration: production refuses unsafe defaults; database URLs are normalised."""

from __future__ import annotations

import pytest

from eventpalour.config import ConfigurationError, load_settings, normalize_database_url


def test_production_refuses_default_secret_key(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError):
        load_settings()


def test_production_accepts_a_real_secret(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("PASSWORD_HASH_COST", "standard")
    assert load_settings().is_production


def test_production_refuses_low_password_hash_cost(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("PASSWORD_HASH_COST", "low")
    with pytest.raises(ConfigurationError):
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
