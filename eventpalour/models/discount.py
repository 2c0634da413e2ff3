"""Discount and access codes (#19): per event, a percent or fixed amount off, hidden tiers it unlocks
(an access code), or both, with a limited number of uses.

Uses are counted like a tier's seats: `uses_held` counts orders awaiting payment that carry the code,
`uses_sold` paid (or free) orders; the CHECK `ck_discount_codes_uses` is the uses limit, so under a
rush the database itself refuses the use past it (services/sales/discounts.py).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel

from eventpalour.models.types import UTCDateTime, new_id, utcnow


class DiscountKind(StrEnum):
    PERCENT = "percent"
    FIXED = "fixed"


CODE_USES_CHECK = "ck_discount_codes_uses"
CODE_USES_RULE = "max_uses IS NULL OR uses_held + uses_sold <= max_uses"
# A code without a discount (an access code only) has neither a kind nor a value.
CODE_DISCOUNT_RULE = "(kind IS NULL AND value IS NULL) OR (kind IS NOT NULL AND value IS NOT NULL)"


class DiscountCode(SQLModel, table=True):
    """A code, e.g. EARLYBIRD: 20 % off VIP, 50 uses, one per buyer. `code` is stored upper-case
    (codes are case-insensitive); `all_tiers` False limits its discount to the tiers in
    discount_code_tiers. `kind` and `value` None: no discount (an access code that only unlocks the
    hidden tiers in discount_code_unlocks)."""

    __tablename__ = "discount_codes"
    __table_args__ = (
        Index("uq_discount_codes_event_code", "event_id", "code", unique=True),
        CheckConstraint("kind IN ('percent', 'fixed')", name="ck_discount_codes_kind"),
        CheckConstraint("value > 0 AND (kind = 'fixed' OR value <= 100)", name="ck_discount_codes_value"),
        CheckConstraint("uses_held >= 0 AND uses_sold >= 0", name="ck_discount_codes_counters"),
        CheckConstraint(CODE_USES_RULE, name=CODE_USES_CHECK),
        CheckConstraint(CODE_DISCOUNT_RULE, name="ck_discount_codes_discount"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    event_id: str = Field(foreign_key="events.id", index=True, max_length=16, ondelete="CASCADE")
    code: str = Field(max_length=32)
    kind: str | None = Field(default=None, max_length=8)
    value: int | None = Field(default=None)
    all_tiers: bool = Field(default=True)
    valid_from: datetime | None = Field(default=None, sa_type=UTCDateTime)
    valid_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    max_uses: int | None = Field(default=None)
    per_buyer_limit: int | None = Field(default=None)
    active: bool = Field(default=True)
    uses_held: int = Field(default=0)
    uses_sold: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DiscountCodeTier(SQLModel, table=True):
    """A tier a code applies to (only read when the code's `all_tiers` is False)."""

    __tablename__ = "discount_code_tiers"

    code_id: str = Field(foreign_key="discount_codes.id", primary_key=True, max_length=16, ondelete="CASCADE")
    tier_id: str = Field(foreign_key="ticket_tiers.id", primary_key=True, max_length=16, ondelete="CASCADE")


class DiscountCodeUnlock(SQLModel, table=True):
    """A hidden tier a code unlocks: shown on the event page and bookable with the code (an access code)."""

    __tablename__ = "discount_code_unlocks"

    code_id: str = Field(foreign_key="discount_codes.id", primary_key=True, max_length=16, ondelete="CASCADE")
    tier_id: str = Field(foreign_key="ticket_tiers.id", primary_key=True, max_length=16, ondelete="CASCADE")
