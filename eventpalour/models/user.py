"""Accounts and everything that proves who someone is: sessions, codes, reset tokens, grants."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, Index, Table, UniqueConstraint, and_, false, text
from sqlmodel import Field, SQLModel

from eventpalour.models.types import UTCDateTime, new_id, utcnow


class AccountType(StrEnum):
    ATTENDEE = "attendee"
    ORGANIZER = "organizer"


class UserStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    BLOCKED = "blocked"
    DELETED = "deleted"  # erased by its owner (services/identity/account_deletion.py); never comes back


ADMIN_SETTABLE_STATUSES = (UserStatus.ACTIVE, UserStatus.SUSPENDED, UserStatus.BLOCKED)
"""What an administrator may give an account; a deleted one is beyond their reach."""


class User(SQLModel, table=True):
    """A person with an account, or a guest buyer. Email is stored lower-cased and unique among each.

    `password_hash` is empty for accounts that only ever signed in with Google; `account_type`
    stays null until onboarding, e.g. a new Google user lands on /onboarding first.

    A guest buyer (`is_guest`, #24 §1) bought without an account: a row orders and tickets point at,
    identified by its email, that can never sign in (no password, no Google link, and every lookup
    of an account by email skips it: `account_email`). When an account with the same email is
    verified, its orders and tickets move into that account (sales.claim_guest_orders).
    """

    __tablename__ = "users"
    __table_args__ = (
        Index(
            "ix_users_email",
            "email",
            unique=True,
            sqlite_where=text("NOT is_guest"),
            postgresql_where=text("NOT is_guest"),
        ),
        Index(
            "uq_users_guest_email",
            "email",
            unique=True,
            sqlite_where=text("is_guest"),
            postgresql_where=text("is_guest"),
        ),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    email: str = Field(max_length=320)
    is_guest: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    phone: str | None = Field(default=None, max_length=32)  # a guest's, when the event asked for it
    email_verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    password_hash: str | None = Field(default=None, max_length=255)
    google_sub: str | None = Field(default=None, unique=True, max_length=255)
    username: str = Field(unique=True, index=True, max_length=64)
    full_name: str = Field(default="", max_length=255)
    avatar_url: str | None = Field(default=None, max_length=1024)
    account_type: str | None = Field(default=None, max_length=16)
    status: str = Field(default=UserStatus.ACTIVE, max_length=16, index=True)
    status_reason: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    last_sign_in_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The policies' version (services/platform/legal.py) agreed to at sign-up or on continuing with
    # Google, and when; null for accounts made before sign-up asked.
    terms_version: str | None = Field(default=None, max_length=32)
    terms_accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # When its owner deleted the account: its personal data was erased then (status `deleted`).
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The language the person picked in the footer (services/platform/i18n.py LANGUAGES); null until
    # they pick one, when the browser's cookie or Accept-Language decides.
    language: str | None = Field(default=None, max_length=8)

    @property
    def is_verified(self) -> bool:
        """The email address was proven (a code, or Google vouching for it); `is_verified_sql` below is
        the same rule in SQL, kept beside it so the two cannot drift apart."""
        return self.email_verified_at is not None


def account_email(address: str) -> ColumnElement[bool]:
    """The account (never a guest buyer) with this email: every sign-in, sign-up and invitation
    lookup by email goes through it, so a guest's row can never be signed into or mistaken for one."""
    return and_(User.email == address, User.is_guest == false())  # type: ignore[arg-type]


def is_verified_sql(users: Table) -> ColumnElement[bool]:
    """`User.is_verified` in SQL, for prepared statements that read users as rows
    (services/identity/auth.py `current_user`)."""
    return users.c.email_verified_at.is_not(None)


class UserSession(SQLModel, table=True):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is kept here."""

    __tablename__ = "sessions"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    user_id: str = Field(foreign_key="users.id", index=True, max_length=16, ondelete="CASCADE")
    token_hash: str = Field(unique=True, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)
    ip: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=500)
    # When this browser passed the second factor (a code, a recovery code, or a browser trusted after
    # one); null for a password-only session. Admin pages and money actions ask for it
    # (services/identity/two_factor.py).
    two_factor_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SignInGrant(SQLModel, table=True):
    """A single-use, one-minute pass from a sign-in form to the API route that sets the cookie.

    The session cookie is HttpOnly, so only an HTTP response can set it: the form's handler checks
    the password and hands the browser this grant, which `GET /api/auth/session` exchanges. The
    grant travels in a URL, so it is bound to that browser: `token_hash` is the hash of the grant
    together with a binder the browser holds in a cookie (services/identity/auth.py).
    """

    __tablename__ = "sign_in_grants"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    user_id: str = Field(foreign_key="users.id", index=True, max_length=16, ondelete="CASCADE")
    token_hash: str = Field(unique=True, max_length=64)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The sign-in passed the second factor: the session it opens is marked so (`UserSession.two_factor_at`).
    two_factor: bool = Field(default=False)
    # The person ticked "Trust this browser for 30 days": the exchange route sets the signed cookie.
    trust_browser: bool = Field(default=False)


class CodePurpose(StrEnum):
    """What an emailed 6-digit code proves: each purpose's codes live and die apart."""

    VERIFY_EMAIL = "verify_email"  # sent at sign-up
    DELETE_ACCOUNT = "delete_account"  # confirms deleting the account


class EmailVerificationCode(SQLModel, table=True):
    """A 6-digit code sent to the account's address: 15 minutes, at most 5 wrong tries."""

    __tablename__ = "email_verification_codes"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    user_id: str = Field(foreign_key="users.id", index=True, max_length=16, ondelete="CASCADE")
    code_hash: str = Field(max_length=64)
    purpose: str = Field(
        default=CodePurpose.VERIFY_EMAIL,
        max_length=16,
        sa_column_kwargs={"server_default": CodePurpose.VERIFY_EMAIL.value},
    )
    attempts: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class PasswordResetToken(SQLModel, table=True):
    """A single-use password reset link, valid one hour; only the token's hash is stored."""

    __tablename__ = "password_reset_tokens"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    user_id: str = Field(foreign_key="users.id", index=True, max_length=16, ondelete="CASCADE")
    token_hash: str = Field(unique=True, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class TwoFactorCredential(SQLModel, table=True):
    """A user's authenticator app (TOTP, RFC 6238). One per user: `enabled_at` is null while set-up
    waits for the first code. The secret is kept encrypted with the app's key
    (`platform.seal`) and never shown again after set-up; `last_step` is the 30-second step of the
    last code accepted, so that code (or an older one) cannot be replayed."""

    __tablename__ = "two_factor_credentials"
    __table_args__ = (UniqueConstraint("user_id", name="uq_two_factor_credentials_user"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    user_id: str = Field(foreign_key="users.id", max_length=16, ondelete="CASCADE")
    secret_sealed: str = Field(max_length=255)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    enabled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_step: int | None = Field(default=None)


class RecoveryCode(SQLModel, table=True):
    """One of the 10 single-use recovery codes given at set-up; only its keyed hash is stored."""

    __tablename__ = "two_factor_recovery_codes"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    user_id: str = Field(foreign_key="users.id", index=True, max_length=16, ondelete="CASCADE")
    code_hash: str = Field(max_length=64)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Passkey(SQLModel, table=True):
    """A WebAuthn credential (a passkey) the user registered: signing in with it counts as both
    factors. Only the public key is held; `credential_id` and `public_key` are base64url text as the
    browser and the `webauthn` library exchange them. `sign_count` is the authenticator's counter at
    the last use: a lower or equal one later means a cloned authenticator (when it counts at all).
    Example: "Work laptop", transports "internal,hybrid", last used this morning."""

    __tablename__ = "passkeys"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    user_id: str = Field(foreign_key="users.id", index=True, max_length=16, ondelete="CASCADE")
    # Up to 1023 bytes by the spec: 1364 characters of base64url.
    credential_id: str = Field(unique=True, max_length=1400)
    public_key: str = Field(max_length=2000)
    sign_count: int = Field(default=0)
    transports: str = Field(default="", max_length=200)
    name: str = Field(max_length=60)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class PasskeyChallenge(SQLModel, table=True):
    """A challenge handed to the browser for one passkey ceremony (`purpose` register or sign_in),
    kept here so it is checked server-side: it lives a few minutes and `used_at` makes it single use.
    A registration names its user; a sign-in's (discoverable credentials) names nobody yet."""

    __tablename__ = "passkey_challenges"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    user_id: str | None = Field(default=None, foreign_key="users.id", index=True, max_length=16, ondelete="CASCADE")
    purpose: str = Field(max_length=16)
    challenge: str = Field(max_length=100)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
