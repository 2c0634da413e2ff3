"""Platform administration: who administers the platform, and the audit trail of what they did."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from eventpalour.models.types import UTCDateTime, new_id, utcnow


class AdminLevel(StrEnum):
    SUPER_ADMIN = "super_admin"
    SUPPORT = "support"
    FINANCE = "finance"
    MODERATOR = "moderator"


class PlatformAdmin(SQLModel, table=True):
    """A user with platform-wide powers; what each level may do is decided in services/admins."""

    __tablename__ = "platform_admins"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    user_id: str = Field(foreign_key="users.id", unique=True, max_length=16, ondelete="CASCADE")
    level: str = Field(max_length=32)
    permissions: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    granted_by_id: str | None = Field(default=None, max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AuditLogEntry(SQLModel, table=True):
    """One thing that happened which somebody may need to account for later.

    Example: `action="admin.bootstrap"`, `target_type="user"`, `result="ok"`.
    """

    __tablename__ = "audit_log"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    actor_id: str | None = Field(default=None, index=True, max_length=16)
    action: str = Field(index=True, max_length=64)
    target_type: str | None = Field(default=None, max_length=32)
    target_id: str | None = Field(default=None, max_length=64)
    result: str = Field(default="ok", max_length=32)
    ip: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=500)
    details: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
