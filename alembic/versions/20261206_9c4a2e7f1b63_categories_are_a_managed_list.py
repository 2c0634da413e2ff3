"""Categories are a managed list; organizers suggest new ones; the event creator keeps drafts (#24 §6, §7)

The list is seeded (Music … Other). Each existing free-text category is mapped onto it: by its
name compared case-insensitively (so "sports" and "Sports" become "Sports"), then through a few
common short forms ("Tech" → "Technology", "Arts" → "Arts & Culture"); whatever else is moved to
"Other" (no unreviewed name joins the list: an organizer can suggest it, and an admin approve it).

Adds `category_suggestions` (pending → approved | rejected) and `event_drafts` (one per organizer
and workspace).

Revision ID: 9c4a2e7f1b63
Revises: 9a7e3c51d2f4
Create Date: 2026-12-06 06:20:00.000000
"""

import re
import secrets
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from eventpalour.models.types import UTCDateTime

revision: str = "9c4a2e7f1b63"
down_revision: str | None = "9a7e3c51d2f4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The list as it was seeded at this revision (frozen here; services/events/categories.py keeps its own).
SEEDED = (
    "Music",
    "Sports",
    "Business",
    "Technology",
    "Arts & Culture",
    "Food & Drink",
    "Community",
    "Education",
    "Health & Wellness",
    "Nightlife",
    "Religion & Spirituality",
    "Family",
    "Other",
)
FALLBACK = "Other"
# Short forms organizers typed for a seeded category (by slug).
ALIASES = {
    "sport": "Sports",
    "tech": "Technology",
    "arts": "Arts & Culture",
    "art": "Arts & Culture",
    "culture": "Arts & Culture",
    "food": "Food & Drink",
    "drinks": "Food & Drink",
    "health": "Health & Wellness",
    "wellness": "Health & Wellness",
    "religion": "Religion & Spirituality",
    "faith": "Religion & Spirituality",
    "kids": "Family",
}
_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def slug_of(name: str) -> str:
    """The slug rule of services/events/categories.py as it was at this revision."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def mapped_name(name: str) -> str:
    """Which seeded category a free-text one becomes: same name in any case, a short form, else Other."""
    by_slug = {slug_of(seeded): seeded for seeded in SEEDED}
    slug = slug_of(name)
    return by_slug.get(slug) or ALIASES.get(slug) or FALLBACK


def map_categories(connection: sa.Connection) -> None:
    """Seed the list and move every event onto it; rows that are not on the list are deleted."""
    categories = sa.table("categories", sa.column("id"), sa.column("name"), sa.column("slug"))
    events = sa.table("events", sa.column("category_id"))
    existing = connection.execute(sa.select(categories.c.id, categories.c.name, categories.c.slug)).all()
    kept = {row.slug: row.id for row in existing}
    for name in SEEDED:
        slug = slug_of(name)
        if slug in kept:  # the same name typed before: it keeps its id and gets the list's spelling
            connection.execute(categories.update().where(categories.c.id == kept[slug]).values(name=name))
        else:
            kept[slug] = "".join(secrets.choice(_ID_ALPHABET) for _ in range(16))
            connection.execute(categories.insert().values(id=kept[slug], name=name, slug=slug))
    seeded_slugs = {slug_of(name) for name in SEEDED}
    for row in existing:
        if row.slug in seeded_slugs:
            continue
        target = kept[slug_of(mapped_name(row.name))]
        connection.execute(events.update().where(events.c.category_id == row.id).values(category_id=target))
        connection.execute(categories.delete().where(categories.c.id == row.id))


def upgrade() -> None:
    map_categories(op.get_bind())
    op.create_table(
        "category_suggestions",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("workspace_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("suggested_by_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("decided_by_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["suggested_by_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_category_suggestions_status_created", "category_suggestions", ["status", "created_at"])
    op.create_index(
        op.f("ix_category_suggestions_workspace_id"), "category_suggestions", ["workspace_id"], unique=False
    )
    op.create_table(
        "event_drafts",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("workspace_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("form", sa.JSON(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workspace_id", "user_id", name="uq_event_drafts_workspace_user"),
    )
    op.create_index(op.f("ix_event_drafts_user_id"), "event_drafts", ["user_id"], unique=False)


def downgrade() -> None:
    """The tables go; the mapped categories stay mapped (the free text they replaced is not kept)."""
    op.drop_index(op.f("ix_event_drafts_user_id"), table_name="event_drafts")
    op.drop_table("event_drafts")
    op.drop_index(op.f("ix_category_suggestions_workspace_id"), table_name="category_suggestions")
    op.drop_index("ix_category_suggestions_status_created", table_name="category_suggestions")
    op.drop_table("category_suggestions")
