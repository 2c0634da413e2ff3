"""`routes.safe_next`: where a sign-in may continue to. Only a path on this site, as a browser reads it."""

from __future__ import annotations

import pytest

from eventpalour import routes

pytestmark = pytest.mark.no_db  # reads no database: SQLite run only (tests/conftest.py checks)


@pytest.mark.parametrize(
    "path",
    ["/", "/account", "/e/abc123?tier=vip&n=2", "/invite/tok-en_1", "/events?q=jazz%20night", "/a/b/c#part"],
)
def test_safe_next_local_path_kept(path: str) -> None:
    assert routes.safe_next(path) == path


@pytest.mark.parametrize(
    "path",
    [
        None,
        "",
        "account",
        "https://evil.example/",
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/account\\..\\x",
        # Browsers drop tabs and newlines from URLs, so these become //evil.example.
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r/evil.example",
        "\t//evil.example",
        # Any other control character, and DEL, has no business in a path.
        "/account\x00",
        "/\x01/evil.example",
        "/account\x1f",
        "/account\x7f",
        " /account",
        "/api/auth/me",
        "/auth/sign-in?next=/x",
        "/auth/sign-up",
    ],
)
def test_safe_next_unsafe_path_becomes_default(path: str | None) -> None:
    assert routes.safe_next(path) == routes.HOME
    assert routes.safe_next(path, default="/fallback") == "/fallback"


def test_with_next_drops_unsafe_target() -> None:
    assert routes.with_next(routes.SIGN_IN, "/\t/evil.example") == routes.SIGN_IN
    assert routes.with_next(routes.SIGN_IN, "/e/abc123") == "/auth/sign-in?next=%2Fe%2Fabc123"
