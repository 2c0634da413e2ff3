"""Where a person lands after signing in or up: verify, onboarding, then the page they wanted."""

from __future__ import annotations

import pytest

from eventpalour.services.accounts import UserSummary
from eventpalour.state.auth import destination_after


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
    ],
)
def test_destination_after(verified, account_type, next_path, expected):
    assert destination_after(_user(verified, account_type), next_path) == expected
