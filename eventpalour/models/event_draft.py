"""The event creator's unfinished form, kept on the server between visits (#24 §6)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field, SQLModel

from eventpalour.models.types import UTCDateTime, new_id, utcnow


class EventDraft(SQLModel, table=True):
    """What one organizer has typed into a workspace's event creator so far, e.g. the title and
    dates of "Jazz on the Lawn" on step 3, saved by each step's Next.

    One per organizer and workspace: "Continue editing" brings it back; creating the event (or
    discarding the draft) deletes it. `form` holds the fields as typed (text, like the form itself),
    never checked against the event rules until the event is created.
    """

    __tablename__ = "event_drafts"
    __table_args__ = (UniqueConstraint("workspace_id", "user_id", name="uq_event_drafts_workspace_user"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    workspace_id: str = Field(foreign_key="workspaces.id", max_length=16, ondelete="CASCADE")
    user_id: str = Field(foreign_key="users.id", index=True, max_length=16, ondelete="CASCADE")
    step: int = Field(default=0)
    form: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
