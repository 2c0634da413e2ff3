"""Uploaded files: who owns them and where they are, so private buckets (KYC) can be guarded."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from eventpalour.models.types import UTCDateTime, utcnow


class UploadBucket(StrEnum):
    LOGOS = "LOGOS"
    EVENTS = "EVENTS"
    KYC = "KYC"


class Upload(SQLModel, table=True):
    """One stored file. `key` is its random storage name within the bucket, e.g. `LOGOS/ws/k3j….png`."""

    __tablename__ = "uploads"

    key: str = Field(primary_key=True, max_length=255)
    bucket: str = Field(max_length=16, index=True)
    owner_id: str = Field(foreign_key="users.id", index=True, max_length=16)
    content_type: str = Field(max_length=100)
    size: int
    original_name: str | None = Field(default=None, max_length=255)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
