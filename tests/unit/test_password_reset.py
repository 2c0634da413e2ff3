"""Password reset links and password changes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from eventpalour.db import transaction
from eventpalour.models import OutboxEmail, PasswordResetToken
from eventpalour.models.types import utcnow
from eventpalour.services.identity import auth, password_reset
from eventpalour.services.platform.errors import NotFound, ValidationFailed
from tests.factories import DEFAULT_PASSWORD, latest_email, make_user


def _token_for(email: str) -> str:
    body = latest_email(email, "password_reset").text_body
    return body.split("/auth/reset/")[1].split()[0]


def test_request_password_reset_unknown_email_sends_nothing():
    password_reset.request_password_reset(email="ghost@example.test")
    with transaction() as session:
        assert session.exec(select(OutboxEmail)).all() == []


def test_reset_password_sets_new_password_and_ends_sessions():
    user = make_user()
    password_reset.request_password_reset(email=user.email)
    token = _token_for(user.email)
    assert password_reset.check_reset_token(token) == user.email
    password_reset.reset_password(token=token, new_password="brand-new-pass-9")
    assert auth.current_user(user.token) is None
    auth.sign_in(email=user.email, password="brand-new-pass-9")
    with pytest.raises(ValidationFailed):
        auth.sign_in(email=user.email, password=DEFAULT_PASSWORD)
    with pytest.raises(NotFound):
        password_reset.reset_password(token=token, new_password="another-pass-9")


def test_reset_password_expired_link_rejected():
    user = make_user()
    password_reset.request_password_reset(email=user.email)
    with transaction() as session:
        session.exec(select(PasswordResetToken)).one().expires_at = utcnow() - timedelta(seconds=1)
    with pytest.raises(NotFound, match="expired"):
        password_reset.reset_password(token=_token_for(user.email), new_password="brand-new-pass-9")


def test_reset_password_newer_link_replaces_older():
    user = make_user()
    password_reset.request_password_reset(email=user.email)
    first = _token_for(user.email)
    password_reset.request_password_reset(email=user.email)
    with pytest.raises(NotFound):
        password_reset.check_reset_token(first)


def test_reset_password_weak_password_keeps_link_usable():
    user = make_user()
    password_reset.request_password_reset(email=user.email)
    token = _token_for(user.email)
    with pytest.raises(ValidationFailed):
        password_reset.reset_password(token=token, new_password="123")
    assert password_reset.check_reset_token(token) == user.email


def test_change_password_keeps_this_session_and_ends_the_others():
    user = make_user()
    again = auth.sign_in(email=user.email, password=DEFAULT_PASSWORD)
    other = auth.exchange_grant(grant=again.grant, binder=again.binder)
    password_reset.change_password(
        actor=user.summary,
        current_password=DEFAULT_PASSWORD,
        new_password="changed-pass-77",
        keep_session_token=user.token,
    )
    assert auth.current_user(user.token) is not None
    assert auth.current_user(other) is None


def test_change_password_wrong_current_rejected():
    user = make_user()
    with pytest.raises(ValidationFailed) as caught:
        password_reset.change_password(actor=user.summary, current_password="nope-nope", new_password="changed-pass-77")
    assert caught.value.details[0].path == ("current_password",)
