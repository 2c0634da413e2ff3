"""Where a person lands after signing in or up: verify, onboarding, then the page they wanted."""

from __future__ import annotations

import pytest

from eventpalour import routes
from eventpalour.services.identity.accounts import UserSummary

pytestmark = pytest.mark.no_db  # reads no database: SQLite run only (tests/conftest.py checks)


def _user(verified: bool, account_type: str | None) -> UserSummary:
    return UserSummary("u", "a@example.test", "a-1", "A", None, account_type, verified, None)


@pytest.mark.parametrize(
    ("verified", "account_type", "next_path", "expected"),
    [
        (False, None, "/", "/auth/verify"),
        (False, None, "/invite/tok", "/auth/verify?next=%2Finvite%2Ftok"),
        (True, None, "/", "/onboarding"),
        (True, None, "/account", "/onboarding?next=%2Faccount"),
        (True, None, "/invite/tok", "/invite/tok"),
        (True, None, "/join/code", "/join/code"),
        (True, "attendee", "/account", "/account"),
        (False, None, "/e/abc123?tiers=t1%3A2", "/auth/verify?next=%2Fe%2Fabc123%3Ftiers%3Dt1%253A2"),
        (True, None, "/e/abc123?tiers=t1%3A2", "/onboarding?next=%2Fe%2Fabc123%3Ftiers%3Dt1%253A2"),
    ],
)
def test_after_sign_in(verified, account_type, next_path, expected):
    assert routes.after_sign_in(_user(verified, account_type), next_path) == expected
