"""A workspace's API tokens for the organizer API under /api/v1 (#23 §2). Only the token's hash is stored."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Index
from sqlmodel import Field, SQLModel

from eventpalour.models.types import UTCDateTime, new_id, utcnow


class ApiScope(StrEnum):
    """What a token may do; each /api/v1 route asks for exactly one."""

    EVENTS_READ = "events:read"
    ORDERS_READ = "orders:read"
    ATTENDEES_READ = "attendees:read"
    CHECKINS_WRITE = "checkins:write"


class ApiToken(SQLModel, table=True):
    """One bearer token of one workspace. It acts as the admin who created it, inside its workspace only;
    `revoked_at` set: refused from then on (kept for the audit trail and the settings list)."""

    __tablename__ = "api_tokens"
    __table_args__ = (
        Index("uq_api_tokens_token_hash", "token_hash", unique=True),
        Index("ix_api_tokens_workspace_id", "workspace_id"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    workspace_id: str = Field(foreign_key="workspaces.id", max_length=16, ondelete="CASCADE")
    created_by: str = Field(foreign_key="users.id", max_length=16)
    name: str = Field(max_length=80)
    token_hash: str = Field(max_length=64)
    # The token's first characters, so people can tell their tokens apart without the secret.
    hint: str = Field(max_length=16)
    scopes: list[str] = Field(default_factory=list, sa_type=JSON)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
