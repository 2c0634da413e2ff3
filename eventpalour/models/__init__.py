"""SQLModel tables, one module per aggregate. Importing this package registers every table."""

from eventpalour.models.admin import AdminLevel, AuditLogEntry, PlatformAdmin
from eventpalour.models.outbox import OutboxEmail, OutboxStatus
from eventpalour.models.sandbox import SandboxOidcCode
from eventpalour.models.user import (
    AccountType,
    EmailVerificationCode,
    PasswordResetToken,
    SignInGrant,
    User,
    UserSession,
    UserStatus,
)

__all__ = [
    "AccountType",
    "AdminLevel",
    "AuditLogEntry",
    "EmailVerificationCode",
    "OutboxEmail",
    "OutboxStatus",
    "PasswordResetToken",
    "PlatformAdmin",
    "SandboxOidcCode",
    "SignInGrant",
    "User",
    "UserSession",
    "UserStatus",
]
