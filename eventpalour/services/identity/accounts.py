"""What an account looks like to the rest of the app, and the profile actions on it."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import Row
from sqlmodel import Session, func, select

from eventpalour.config import settings
from eventpalour.db import read_only, transaction
from eventpalour.models import AccountType, PlatformAdmin, User, UserStatus
from eventpalour.services import platform
from eventpalour.services.platform import N_, NotAuthenticated, ValidationFailed, WhenWords, clean_line, message

MAX_NAME = 255


@dataclass(frozen=True)
class ClientInfo:
    """Where a request came from, for sessions and the audit log."""

    ip: str | None = None
    user_agent: str | None = None


@dataclass(frozen=True)
class UserSummary:
    """The signed-in user as every layer above services sees it: never a hash or a token."""

    id: str
    email: str
    username: str
    full_name: str
    avatar_url: str | None
    account_type: str | None
    is_verified: bool
    admin_level: str | None
    # This session passed two-factor sign-in (`UserSession.two_factor_at`); known only for the summary
    # `auth.current_user` builds from a session cookie, False elsewhere.
    second_factor_passed: bool = False
    # A guest buyer (`User.is_guest`, #24 §1): never signed in, only ever built by sales' guest checkout.
    is_guest: bool = False

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def initials(self) -> str:
        parts = [p for p in re.split(r"[\s._-]+", self.display_name) if p]
        return "".join(p[0] for p in parts[:2]).upper() or "?"


def summarize(session: Session, user: User) -> UserSummary:
    level = session.exec(select(PlatformAdmin.level).where(PlatformAdmin.user_id == user.id)).first()
    return summary_of(user, level)


def summary_of(user: User | Row[Any], admin_level: str | None, *, second_factor_passed: bool = False) -> UserSummary:
    """The summary of a user whose admin level the caller already read (e.g. in the same join).

    `user` is the model, or a Core row with the same names (`is_verified` computed in SQL)."""
    return UserSummary(
        id=user.id,
        email=user.email,
        username=user.username,
        full_name=user.full_name,
        avatar_url=user.avatar_url,
        account_type=user.account_type,
        is_verified=user.is_verified,
        admin_level=admin_level,
        second_factor_passed=second_factor_passed,
    )


def normalize_email(raw: str, *, field: str = "email") -> str:
    """A syntactically valid, lower-cased email address, or ValidationFailed naming `field`."""
    candidate = (raw or "").strip()
    if not candidate:
        raise ValidationFailed.field(field, N_("Enter your email address."))
    try:
        # Outside production the reserved `.test` domain is allowed, for demos and tests.
        checked = validate_email(candidate, check_deliverability=False, test_environment=not settings.is_production)
    except EmailNotValidError:
        raise ValidationFailed.field(field, N_("Enter a valid email address, like name@example.com.")) from None
    return checked.normalized.lower()


def email_key(raw: str) -> tuple[str, bool]:
    """The address an account or invitation would be stored under (normalize_email's form) and whether it
    is one. An address normalize_email refuses is keyed by its trimmed, lower-cased text: it names no
    account, yet a failure budget, a duplicate in a batch or a password check still needs a key."""
    try:
        return normalize_email(raw), True
    except ValidationFailed:
        return (raw or "").strip().lower(), False


def masked_email(address: str) -> str:
    """An address shown to someone who should recognise it but not learn it: `c•••@example.com`."""
    local, at, domain = (address or "").partition("@")
    return f"{local[:1]}•••{at}{domain}" if local else ""


def clean_full_name(raw: str) -> str:
    name = clean_line(raw)
    if len(name) > MAX_NAME:
        raise ValidationFailed.field("full_name", N_("Use at most {MAX_NAME} characters."), MAX_NAME=MAX_NAME)
    return name


def generate_username(session: Session, seed: str) -> str:
    """A random, unique username such as `amina-k7q2`, built from the name or email."""
    base = re.sub(r"[^a-z0-9]+", "-", seed.lower()).strip("-")[:20] or "guest"
    while True:
        candidate = f"{base}-{secrets.token_hex(2)}"
        taken = session.exec(select(func.count()).where(User.username == candidate)).one()
        if not taken:
            return candidate


def load_active_user(session: Session, user_id: str) -> User:
    """The user row for a write, or NotAuthenticated when gone, suspended or blocked."""
    user = session.get(User, user_id)
    if user is None or user.status != UserStatus.ACTIVE:
        raise NotAuthenticated()
    return user


def set_account_type(*, actor: UserSummary | None, account_type: str) -> UserSummary:
    """Onboarding: choose attendee or organizer. Organizers may later create workspaces."""
    if actor is None:
        raise NotAuthenticated()
    if account_type not in {t.value for t in AccountType}:
        raise ValidationFailed.field("account_type", N_("Choose attendee or organizer."))
    with transaction() as session:
        user = load_active_user(session, actor.id)
        user.account_type = account_type
        return summarize(session, user)


def update_profile(*, actor: UserSummary | None, full_name: str) -> UserSummary:
    """Change the name shown on tickets, the navbar and emails."""
    if actor is None:
        raise NotAuthenticated()
    name = clean_full_name(full_name)
    if not name:
        raise ValidationFailed.field("full_name", N_("Enter your name."))
    with transaction() as session:
        user = load_active_user(session, actor.id)
        user.full_name = name
        return summarize(session, user)


def set_language(*, actor: UserSummary | None, language: str) -> str:
    """Remember the language picked in the footer on the account, for every browser it signs in on.
    Returns the stored code ("sw"); ValidationFailed for a language the platform does not speak."""
    if actor is None:
        raise NotAuthenticated()
    code = platform.normalize_language(language)
    if code is None:
        raise ValidationFailed.field("language", N_("Choose English, Kiswahili or Français."))
    with transaction() as session:
        load_active_user(session, actor.id).language = code
    return code


@dataclass(frozen=True)
class TermsAgreement:
    """Which version of the Terms and the Privacy policy the account agreed to, and when (UTC)."""

    version: str | None
    accepted_at: datetime | None
    is_current: bool

    @property
    def summary(self) -> str:
        """What the account page says of it, as a catalog sentence (said in the reader's language)."""
        if self.version is None or self.accepted_at is None:
            return N_("This account was made before sign-up asked to agree to the Terms; none is recorded.")
        when = WhenWords(self.accepted_at, "UTC")
        agreed = (
            N_("You agreed to the Terms and the Privacy policy of {version} on {when}.")
            if self.is_current
            else N_(
                "You agreed to the Terms and the Privacy policy of {version} on {when}. "
                "The policies have changed since."
            )
        )
        return message(agreed, version=self.version, when=when)


def terms_agreement(*, actor: UserSummary | None) -> TermsAgreement:
    """The account page's record of the agreement made at sign-up (or on continuing with Google)."""
    if actor is None:
        raise NotAuthenticated()
    with read_only() as session:
        user = load_active_user(session, actor.id)
        return TermsAgreement(user.terms_version, user.terms_accepted_at, user.terms_version == platform.TERMS_VERSION)
