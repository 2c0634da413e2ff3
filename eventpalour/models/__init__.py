"""SQLModel tables, one module per aggregate. Importing this package registers every table."""

from eventpalour.models.admin import AdminLevel, AuditLogEntry, PlatformAdmin
from eventpalour.models.event import (
    Category,
    Event,
    EventPartner,
    EventPricing,
    EventStatus,
    EventType,
    FeeMode,
    MeetingPlatform,
    TicketTier,
)
from eventpalour.models.order import (
    Order,
    OrderItem,
    OrderStatus,
    PaymentWebhook,
    ScanResult,
    Ticket,
    TicketScan,
    TicketStatus,
)
from eventpalour.models.outbox import OutboxEmail, OutboxStatus
from eventpalour.models.refund import OPEN_REFUND_STATUSES, Refund, RefundKind, RefundStatus
from eventpalour.models.sandbox import (
    SandboxOidcCode,
    SandboxPaystackControl,
    SandboxPaystackRefund,
    SandboxPaystackTransaction,
    SandboxPaystackWebhook,
)
from eventpalour.models.upload import Upload, UploadBucket
from eventpalour.models.user import (
    AccountType,
    EmailVerificationCode,
    PasswordResetToken,
    SignInGrant,
    User,
    UserSession,
    UserStatus,
)
from eventpalour.models.verification import BlueTicketRequest, BlueTicketStatus, KycSubmission, PayoutMethod
from eventpalour.models.withdrawal import Withdrawal, WithdrawalMethod, WithdrawalStatus
from eventpalour.models.workspace import (
    InvitationStatus,
    KycStatus,
    Workspace,
    WorkspaceInvitation,
    WorkspaceMember,
    WorkspaceRole,
)

__all__ = [
    "BlueTicketRequest",
    "BlueTicketStatus",
    "KycSubmission",
    "PayoutMethod",
    "OPEN_REFUND_STATUSES",
    "Refund",
    "RefundKind",
    "RefundStatus",
    "Order",
    "OrderItem",
    "OrderStatus",
    "PaymentWebhook",
    "ScanResult",
    "Ticket",
    "TicketScan",
    "TicketStatus",
    "Category",
    "Event",
    "EventPartner",
    "EventPricing",
    "EventStatus",
    "EventType",
    "FeeMode",
    "MeetingPlatform",
    "TicketTier",
    "InvitationStatus",
    "KycStatus",
    "Upload",
    "UploadBucket",
    "Workspace",
    "WorkspaceInvitation",
    "WorkspaceMember",
    "WorkspaceRole",
    "AccountType",
    "AdminLevel",
    "AuditLogEntry",
    "EmailVerificationCode",
    "OutboxEmail",
    "OutboxStatus",
    "PasswordResetToken",
    "PlatformAdmin",
    "SandboxOidcCode",
    "SandboxPaystackControl",
    "SandboxPaystackRefund",
    "SandboxPaystackTransaction",
    "SandboxPaystackWebhook",
    "SignInGrant",
    "User",
    "UserSession",
    "UserStatus",
    "Withdrawal",
    "WithdrawalMethod",
    "WithdrawalStatus",
]
