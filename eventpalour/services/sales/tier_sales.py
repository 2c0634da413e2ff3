"""Whether a ticket tier can be bought right now, and how many one order may take.

One rule, read from the tier's seats left and dates and its event's status and end: the event
page shows it, and checkout applies the same function before it holds any seat.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Row

from eventpalour.models import SELLING_EVENT_STATUSES, TicketTier
from eventpalour.services.platform import N_, Message, SalesStartWords

SALES_ENDED = N_("Sales ended")
SOLD_OUT = N_("Sold out")
ON_SALE = N_("On sale")


class SaleState(StrEnum):
    ON_SALE = "on_sale"
    SOLD_OUT = "sold_out"
    NOT_STARTED = "not_started"
    ENDED = "ended"


@dataclass(frozen=True)
class TierSale:
    """A tier's sale state now, e.g. NOT_STARTED "Sales start 5 Dec, 18:00", or ON_SALE with up to 4 per order."""

    state: SaleState
    label: str
    available: int | None
    max_quantity: int


def tier_sale(
    tier: TicketTier | Row[Any], *, event_status: str, event_end: datetime, zone_name: str, now: datetime
) -> TierSale:
    """The sale state of `tier` at `now`.

    Ended wins over everything (the event is over, cancelled or not public, or the tier's own sales
    closed); then sold out (no seat left: `seats_left`, the database's figure, loaded with the tier);
    then not started. `max_quantity` is what one order may take: the tier's per-order cap, never
    more than what is left, 0 unless on sale.
    """
    available = tier.seats_left
    if event_status not in SELLING_EVENT_STATUSES or event_end <= now:
        return TierSale(SaleState.ENDED, Message(SALES_ENDED), available, 0)
    if available == 0:
        return TierSale(SaleState.SOLD_OUT, Message(SOLD_OUT), available, 0)
    if tier.sales_end is not None and tier.sales_end <= now:
        return TierSale(SaleState.ENDED, Message(SALES_ENDED), available, 0)
    if tier.sales_start is not None and tier.sales_start > now:
        return TierSale(SaleState.NOT_STARTED, SalesStartWords(tier.sales_start, zone_name, now), available, 0)
    cap = tier.max_per_order if available is None else min(tier.max_per_order, available)
    return TierSale(SaleState.ON_SALE, Message(ON_SALE), available, cap)


def clamp_quantity(requested: int, max_quantity: int) -> int:
    """A picked quantity kept between 0 and what one order of the tier may take."""
    return max(0, min(int(requested), max_quantity))
