"""Sign-up, sign-in, sessions and Google linking, on a real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, func, select

from eventpalour.db import read_only, transaction
from eventpalour.models import AuditLogEntry, PlatformAdmin, SignInGrant, User, UserSession, UserStatus
from eventpalour.models.types import utcnow
from eventpalour.services.identity import auth, verification
from eventpalour.services.platform.errors import Conflict, NotAuthenticated, PermissionDenied, ValidationFailed
from eventpalour.services.platform.secrets_util import token_hash
from tests.factories import DEFAULT_PASSWORD, latest_email, make_user


def _count(model) -> int:
    with read_only() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_sign_up_creates_unverified_user_with_code_email():
    result = auth.sign_up(
        email="  New.Person@Example.TEST ", password="long-enough-1", accept_terms=True, full_name=" Ada  Lovelace "
    )
    assert result.user.email == "new.person@example.test"
    assert result.user.full_name == "Ada Lovelace"
    assert not result.user.is_verified
    assert result.user.username.startswith("ada-lovelace-")
    email = latest_email("new.person@example.test", "verification_code")
    assert email is not None and "valid for 15 minutes" in email.text_body


@pytest.mark.parametrize(
    ("email", "password", "field", "message"),
    [
        ("not-an-email", "long-enough-1", "email", "valid email"),
        ("", "long-enough-1", "email", "Enter your email"),
        ("a@example.test", "short1", "password", "at least 8"),
        ("a@example.test", "1234567890", "password", "only digits"),
        ("a@example.test", "A@Example.test", "password", "your email"),
    ],
)
def test_sign_up_invalid_input_rejected(email, password, field, message):
    with pytest.raises(ValidationFailed) as caught:
        auth.sign_up(email=email, password=password, accept_terms=True)
    assert any(d.path == (field,) and message in d.message for d in caught.value.details)
    assert _count(User) == 0


def test_sign_up_duplicate_email_case_insensitive_rejected():
    make_user(email="dup@example.test")
    with pytest.raises(Conflict) as caught:
        auth.sign_up(email="DUP@example.test", password="another-pass-1", accept_terms=True)
    assert caught.value.details[0].path == ("email",)
    assert _count(User) == 1


def test_sign_in_wrong_password_and_unknown_email_look_the_same():
    user = make_user()
    with pytest.raises(ValidationFailed) as wrong_password:
        auth.sign_in(email=user.email, password="wrong-password")
    with pytest.raises(ValidationFailed) as unknown:
        auth.sign_in(email="nobody@example.test", password="wrong-password")
    assert wrong_password.value.message == unknown.value.message == auth.BAD_CREDENTIALS


@pytest.mark.parametrize(
    "typed",
    ["Ada@ＥＸＡＭＰＬＥ.test", "Zoe\u0301@example.test"],  # a full-width domain; an accent typed as two code points
    ids=["full-width-domain", "decomposed-accent"],
)
def test_sign_in_finds_the_account_by_the_address_as_sign_up_stored_it(typed):
    # Sign-up stores normalize_email's form of the address; sign-in must look it up by the same key.
    created = auth.sign_up(email=typed, password="long-enough-1", accept_terms=True)
    assert created.user.email != typed.lower()
    result = auth.sign_in(email=typed, password="long-enough-1")
    token = auth.exchange_grant(grant=result.grant, binder=result.binder)
    assert auth.current_user(token).id == created.user.id


def test_sign_in_with_a_nul_in_the_email_is_bad_credentials():
    with pytest.raises(ValidationFailed) as caught:
        auth.sign_in(email="a\x00b@example.test", password="long-enough-1")
    assert caught.value.message == auth.BAD_CREDENTIALS


def test_sign_in_grant_is_single_use_and_opens_a_session():
    user = make_user()
    result = auth.sign_in(email=user.email.upper(), password=DEFAULT_PASSWORD)
    token = auth.exchange_grant(grant=result.grant, binder=result.binder)
    assert auth.current_user(token).id == user.id
    with pytest.raises(NotAuthenticated):
        auth.exchange_grant(grant=result.grant, binder=result.binder)
    with read_only() as session:
        stored = session.exec(select(UserSession.token_hash).where(UserSession.user_id == user.id)).all()
    assert token_hash(token) in stored and token not in stored


def test_exchange_grant_expired_rejected():
    user = make_user()
    result = auth.sign_in(email=user.email, password=DEFAULT_PASSWORD)
    with transaction() as session:
        grant = session.exec(
            select(SignInGrant).where(SignInGrant.user_id == user.id, col(SignInGrant.used_at).is_(None))
        ).one()
        grant.expires_at = utcnow() - timedelta(seconds=1)
    with pytest.raises(NotAuthenticated):
        auth.exchange_grant(grant=result.grant, binder=result.binder)


def test_exchange_grant_without_its_binder_rejected_and_kept_for_its_browser():
    user = make_user()
    result = auth.sign_in(email=user.email, password=DEFAULT_PASSWORD)
    other = auth.sign_in(email=user.email, password=DEFAULT_PASSWORD)
    for binder in (None, "", "guessed-binder", other.binder):
        with pytest.raises(NotAuthenticated):
            auth.exchange_grant(grant=result.grant, binder=binder)
    token = auth.exchange_grant(grant=result.grant, binder=result.binder)
    assert auth.current_user(token).id == user.id
    with read_only() as session:
        stored = session.exec(select(SignInGrant.token_hash)).all()
    assert all(secret not in digest for digest in stored for secret in (result.grant, result.binder))


def test_sign_in_suspended_user_rejected_and_sessions_stop_working():
    user = make_user()
    with transaction() as session:
        session.get(User, user.id).status = UserStatus.SUSPENDED
    assert auth.current_user(user.token) is None
    with pytest.raises(PermissionDenied):
        auth.sign_in(email=user.email, password=DEFAULT_PASSWORD)


def test_current_user_expired_session_is_anonymous():
    user = make_user()
    with transaction() as session:
        row = session.exec(select(UserSession).where(UserSession.user_id == user.id)).one()
        row.expires_at = utcnow() - timedelta(minutes=1)
    assert auth.current_user(user.token) is None


def test_current_user_slides_the_session_expiry():
    user = make_user()
    with transaction() as session:
        row = session.exec(select(UserSession).where(UserSession.user_id == user.id)).one()
        row.last_seen_at = utcnow() - timedelta(days=2)
        row.expires_at = utcnow() + timedelta(days=28)
    auth.current_user(user.token)
    with read_only() as session:
        row = session.exec(select(UserSession).where(UserSession.user_id == user.id)).one()
    assert row.expires_at > utcnow() + timedelta(days=29)


def test_sign_out_deletes_only_that_session():
    user = make_user()
    again = auth.sign_in(email=user.email, password=DEFAULT_PASSWORD)
    other = auth.exchange_grant(grant=again.grant, binder=again.binder)
    auth.sign_out(user.token)
    assert auth.current_user(user.token) is None
    assert auth.current_user(other) is not None


def test_sign_out_everywhere_ends_every_session():
    user = make_user()
    again = auth.sign_in(email=user.email, password=DEFAULT_PASSWORD)
    other = auth.exchange_grant(grant=again.grant, binder=again.binder)
    assert auth.sign_out_everywhere(actor=user.summary) == 2
    assert auth.current_user(user.token) is None and auth.current_user(other) is None


def test_sign_out_everywhere_anonymous_rejected():
    with pytest.raises(NotAuthenticated):
        auth.sign_out_everywhere(actor=None)


def test_super_admin_bootstrap_needs_verified_listed_email():
    result = auth.sign_up(email="boss@eventpalour.test", password="boss-password-1", accept_terms=True)
    assert _count(PlatformAdmin) == 0
    code = latest_email("boss@eventpalour.test").text_body.split("code is: ")[1][:6]
    verified = verification.verify_email(actor=result.user, code=code)
    assert verified.admin_level == "super_admin"
    with read_only() as session:
        actions = session.exec(select(AuditLogEntry.action)).all()
    assert "admin.bootstrap" in actions


def _claims(email: str, sub: str = "1234567890", verified: bool = True) -> dict:
    return {"sub": sub, "email": email, "email_verified": verified, "name": "Goo Gle"}


def test_sign_in_with_google_creates_verified_account_without_type():
    user, token = auth.sign_in_with_google(claims=_claims("g@example.test"))
    assert user.is_verified and user.account_type is None and user.full_name == "Goo Gle"
    assert auth.current_user(token).id == user.id


def test_sign_in_with_google_links_existing_verified_account_by_email():
    existing = make_user(email="link@example.test")
    user, _ = auth.sign_in_with_google(claims=_claims("link@example.test", sub="999"))
    assert user.id == existing.id
    again, _ = auth.sign_in_with_google(claims=_claims("changed@example.test", sub="999"))
    assert again.id == existing.id


def test_sign_in_with_google_takes_over_unverified_squatter_account():
    squatter = make_user(email="victim@example.test", verified=False)
    user, _ = auth.sign_in_with_google(claims=_claims("victim@example.test"))
    assert user.id == squatter.id and user.is_verified
    assert auth.current_user(squatter.token) is None
    with pytest.raises(ValidationFailed):
        auth.sign_in(email="victim@example.test", password=DEFAULT_PASSWORD)


def test_sign_in_with_google_unverified_email_rejected():
    with pytest.raises(ValidationFailed):
        auth.sign_in_with_google(claims=_claims("new@example.test", verified=False))
    assert _count(User) == 0


def test_sign_in_with_google_unverified_email_cannot_reach_existing_account():
    make_user(email="owner@example.test")
    with pytest.raises(ValidationFailed):
        auth.sign_in_with_google(claims=_claims("owner@example.test", sub="evil", verified=False))
