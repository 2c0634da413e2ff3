"""Team workspaces: the organizer side of the platform. Events, billing and KYC hang off a workspace."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from eventpalour.models.types import UTCDateTime, new_id, utcnow


class WorkspaceRole(StrEnum):
    """Ordered owner > admin > moderator > member (SPEC §1.3)."""

    OWNER = "owner"
    ADMIN = "admin"
    MODERATOR = "moderator"
    MEMBER = "member"

    @property
    def rank(self) -> int:
        return {"owner": 4, "admin": 3, "moderator": 2, "member": 1}[self.value]


class KycStatus(StrEnum):
    NONE = "none"
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    REQUIRES_UPDATE = "requires_update"


class Workspace(SQLModel, table=True):
    """An organizer team, e.g. "Nairobi Jazz Society", with exactly one owner among its members."""

    __tablename__ = "workspaces"
    __table_args__ = (Index("uq_workspaces_slug", "slug", unique=True),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    name: str = Field(max_length=255)
    # The public organizer page's address, /o/{slug}: made from the name at creation, kept through
    # renames; only the owner changes it (services/workspaces/slugs.py holds its rules).
    slug: str = Field(max_length=60)
    description: str
    website: str | None = Field(default=None, max_length=500)
    phone: str | None = Field(default=None, max_length=50)
    logo_url: str | None = Field(default=None, max_length=1024)
    social_x: str | None = Field(default=None, max_length=500)
    social_facebook: str | None = Field(default=None, max_length=500)
    social_linkedin: str | None = Field(default=None, max_length=500)
    social_instagram: str | None = Field(default=None, max_length=500)
    social_github: str | None = Field(default=None, max_length=500)
    invite_code: str = Field(unique=True, max_length=32)
    owner_id: str = Field(foreign_key="users.id", index=True, max_length=16)
    verified: bool = Field(default=False)
    kyc_status: str = Field(default=KycStatus.NONE, max_length=20)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class WorkspaceMember(SQLModel, table=True):
    """A user's role in a workspace; one row per (workspace, user)."""

    __tablename__ = "workspace_members"
    __table_args__ = (UniqueConstraint("workspace_id", "user_id", name="uq_workspace_members_workspace_user"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    workspace_id: str = Field(foreign_key="workspaces.id", index=True, max_length=16, ondelete="CASCADE")
    user_id: str = Field(foreign_key="users.id", index=True, max_length=16, ondelete="CASCADE")
    role: str = Field(max_length=16)
    joined_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class InvitationStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REVOKED = "revoked"


class WorkspaceInvitation(SQLModel, table=True):
    """An emailed invitation to join with a role; the link's token is stored hashed, 7 days valid.

    At most one pending invitation per (workspace, email), enforced by a partial unique index.
    """

    __tablename__ = "workspace_invitations"
    __table_args__ = (
        Index(
            "uq_workspace_invitations_pending",
            "workspace_id",
            "email",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    workspace_id: str = Field(foreign_key="workspaces.id", index=True, max_length=16, ondelete="CASCADE")
    email: str = Field(max_length=320)
    role: str = Field(max_length=16)
    token_hash: str = Field(unique=True, max_length=64)
    status: str = Field(default=InvitationStatus.PENDING, max_length=16)
    invited_by_id: str | None = Field(default=None, max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    accepted_by_id: str | None = Field(default=None, max_length=16)
