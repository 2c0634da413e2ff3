"""State of the built-in provider sandboxes, kept in the database so every worker shares it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from eventpalour.models.types import UTCDateTime


class SandboxOidcCode(SQLModel, table=True):
    """An authorization code issued by the sign-in sandbox, redeemable once at its token endpoint."""

    __tablename__ = "sandbox_oidc_codes"

    code_hash: str = Field(primary_key=True, max_length=64)
    client_id: str = Field(max_length=255)
    redirect_uri: str = Field(max_length=1024)
    code_challenge: str | None = Field(default=None, max_length=255)
    code_challenge_method: str | None = Field(default=None, max_length=16)
    nonce: str | None = Field(default=None, max_length=255)
    scope: str = Field(default="openid", max_length=255)
    claims: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
