"""Policies and the agreement to them (issue #20 §4): sign-up refuses without it and records the version
and time, Google sign-in records it, and the policy texts carry the deployment's name, address and company."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import func, select

from eventpalour import cookies, routes
from eventpalour.config import load_settings, settings
from eventpalour.db import read_only, transaction
from eventpalour.models import OutboxEmail, User
from eventpalour.models.types import utcnow
from eventpalour.services import identity, platform
from eventpalour.services.identity import auth, password_reset, verification
from eventpalour.services.platform.errors import NotFound, ValidationFailed
from eventpalour.services.sales import checkout
from eventpalour.state.auth import SignUpState
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.state_support import run_handler, state_for


def _user(email: str) -> User:
    with read_only() as session:
        return session.exec(select(User).where(User.email == email)).one()


def _users() -> int:
    with read_only() as session:
        return session.exec(select(func.count()).select_from(User)).one()


def _emails() -> int:
    with read_only() as session:
        return session.exec(select(func.count()).select_from(OutboxEmail)).one()


# --- sign-up -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("accepted", [False, None, "on"], ids=["false", "none", "a-string"])
def test_sign_up_without_agreement_is_refused_and_creates_nothing(accepted: object) -> None:
    with pytest.raises(ValidationFailed) as caught:
        auth.sign_up(email="nope@example.test", password=DEFAULT_PASSWORD, accept_terms=accepted)

    assert [(d.path, d.message) for d in caught.value.details] == [(("accept_terms",), auth.TERMS_NOT_ACCEPTED)]
    assert caught.value.message == auth.TERMS_NOT_ACCEPTED
    assert _users() == 0 and _emails() == 0


def test_sign_up_names_every_problem_at_once_the_agreement_too() -> None:
    with pytest.raises(ValidationFailed) as caught:
        auth.sign_up(email="not-an-email", password="short", accept_terms=False)

    assert [d.path for d in caught.value.details] == [("email",), ("password",), ("accept_terms",)]
    assert _users() == 0


def test_sign_up_records_the_version_shown_on_the_pages_and_the_time() -> None:
    before = utcnow()
    auth.sign_up(email="agreed@example.test", password=DEFAULT_PASSWORD, accept_terms=True)

    user = _user("agreed@example.test")
    assert user.terms_version == platform.TERMS_VERSION
    assert {p.version for p in platform.policies()} == {user.terms_version}
    assert before <= user.terms_accepted_at <= utcnow()


async def test_sign_up_form_unticked_shows_the_field_error_and_creates_nothing() -> None:
    form = state_for(SignUpState, token=None, path="/auth/sign-up")

    await run_handler(form, "submit", {"email": "form@example.test", "password": DEFAULT_PASSWORD, "full_name": ""})

    assert form.field_errors == {"accept_terms": auth.TERMS_NOT_ACCEPTED}
    assert not form.is_submitting
    assert _users() == 0


@pytest.mark.parametrize("ticked", ["on", True], ids=["form-data", "ref"])
async def test_sign_up_form_ticked_creates_the_account_with_the_agreement(ticked: object) -> None:
    form = state_for(SignUpState, token=None, path="/auth/sign-up")

    await run_handler(
        form, "submit", {"email": "ticked@example.test", "password": DEFAULT_PASSWORD, "accept_terms": ticked}
    )

    assert form.field_errors == {} and form.form_error == ""
    assert _user("ticked@example.test").terms_version == platform.TERMS_VERSION


# --- Google --------------------------------------------------------------------------------------------


def _claims(email: str, sub: str = "g-1") -> dict:
    return {"sub": sub, "email": email, "email_verified": True, "name": "Wanjiku Google"}


def test_first_google_sign_in_records_the_agreement() -> None:
    before = utcnow()
    identity.sign_in_with_google(claims=_claims("google@example.test"))

    user = _user("google@example.test")
    assert user.terms_version == platform.TERMS_VERSION
    assert before <= user.terms_accepted_at <= utcnow()


def test_google_sign_in_keeps_the_time_of_an_agreement_to_the_current_version() -> None:
    identity.sign_in_with_google(claims=_claims("twice@example.test"))
    first = _user("twice@example.test").terms_accepted_at

    identity.sign_in_with_google(claims=_claims("twice@example.test"))

    assert _user("twice@example.test").terms_accepted_at == first


def test_google_sign_in_records_the_current_version_for_an_account_that_agreed_to_another() -> None:
    made = make_user(email="older@example.test")
    long_ago = utcnow() - timedelta(days=400)
    with transaction() as session:
        row = session.get(User, made.summary.id)
        row.terms_version, row.terms_accepted_at = "2025-01-01", long_ago

    identity.sign_in_with_google(claims=_claims("older@example.test", sub="g-older"))

    user = _user("older@example.test")
    assert user.terms_version == platform.TERMS_VERSION and user.terms_accepted_at > long_ago


def test_refused_google_sign_in_records_nothing() -> None:
    with pytest.raises(ValidationFailed):
        identity.sign_in_with_google(claims={**_claims("unverified@example.test"), "email_verified": False})
    assert _users() == 0


# --- the texts -----------------------------------------------------------------------------------------


def test_every_policy_has_its_page_version_and_the_deployments_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "platform_name", "Tiketi Hub")
    monkeypatch.setattr(settings, "support_email", "msaada@tiketi.example")
    monkeypatch.setattr(settings, "legal_entity", "Tiketi Hub Kenya Ltd")

    found = platform.policies()

    assert [p.path for p in found] == [
        routes.LEGAL_TERMS,
        routes.LEGAL_PRIVACY,
        routes.LEGAL_REFUNDS,
        routes.LEGAL_EVENTS,
        routes.LEGAL_ACCEPTABLE_USE,
    ]
    for policy in found:
        text = " ".join([policy.summary, *(t for s in policy.sections for t in (s.heading, *s.paragraphs, *s.points))])
        assert policy.version == platform.TERMS_VERSION and policy.version_label == "6 December 2026"
        assert "Tiketi Hub" in text and "msaada@tiketi.example" in text, policy.key
        assert "EventPalour" not in text and settings.support_email in text
    assert "Tiketi Hub Kenya Ltd" in platform.policy("terms").summary
    assert "Tiketi Hub Kenya Ltd" in platform.policy("privacy").summary


def test_privacy_policy_names_the_laws_the_processor_and_the_cookies_really_set() -> None:
    privacy = platform.policy("privacy")
    text = " ".join(t for s in privacy.sections for t in (*s.paragraphs, *s.points)) + privacy.summary

    for needed in ("Data Protection Act 2019", "Data Protection Act 2023", "Paystack", "KYC", "Audit logs"):
        assert needed in text, needed
    for right in ("Access", "Correction", "Erasure", "Export"):
        assert any(point.startswith(right) for s in privacy.sections for point in s.points), right
    # Every cookie the app sets is named in cookies.py (one constant each): the policy lists them all.
    names = [value for constant, value in vars(cookies).items() if constant.endswith("_COOKIE")]
    assert len(names) >= 5 and all(f"{name}:" in text for name in names), names


def _text(key: str) -> str:
    policy = platform.policy(key)
    return " ".join([policy.summary, *(t for s in policy.sections for t in (*s.paragraphs, *s.points))])


def test_the_texts_state_the_times_the_product_really_keeps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "session_days", 14)

    assert f"seats for {checkout.HOLD_MINUTES} minutes" in _text("terms")
    assert f"your {checkout.HOLD_MINUTES}-minute hold" in _text("refund-policy")
    privacy = _text("privacy")
    assert "ep_session: keeps you signed in (HttpOnly, 14 days" in privacy and "after 14 days without use" in privacy
    assert f"Verification codes work for {verification.CODE_MINUTES} minutes" in privacy
    assert password_reset.RESET_MINUTES == 60 and "password reset links for 1 hour" in privacy


def test_unknown_policy_is_not_found() -> None:
    with pytest.raises(NotFound):
        platform.policy("cookies")


def test_identity_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLATFORM_NAME", " Palour Nigeria ")
    monkeypatch.setenv("SUPPORT_EMAIL", "care@palour.example")
    monkeypatch.setenv("LEGAL_ENTITY", "Palour Nigeria Ltd")
    configured = load_settings()
    for name in ("PLATFORM_NAME", "SUPPORT_EMAIL", "LEGAL_ENTITY"):
        monkeypatch.delenv(name)
    defaults = load_settings()

    assert (configured.platform_name, configured.support_email, configured.legal_entity) == (
        "Palour Nigeria",
        "care@palour.example",
        "Palour Nigeria Ltd",
    )
    assert (defaults.platform_name, defaults.support_email, defaults.legal_entity) == (
        "EventPalour",
        "support@eventpalour.demo",
        "EventPalour Ltd",
    )


def test_emails_name_the_platform_from_settings(monkeypatch):
    from eventpalour.services.platform import emails

    monkeypatch.setattr(settings, "platform_name", "Tikiti Hub")
    for message in (
        emails.verification_code("a@example.test", "Amina", "123456"),
        emails.account_deletion_code("a@example.test", "Amina", "123456"),
        emails.password_reset("a@example.test", "Amina", "https://example.test/reset"),
    ):
        assert "Tikiti Hub" in message.subject and "Tikiti Hub</p></div>" in message.html_body
        assert "EventPalour" not in message.subject + message.text_body + message.html_body
