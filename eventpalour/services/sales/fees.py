"""What an order costs (SPEC §5), worked out in one place: the tier panel shows it, checkout stores it
on the order (the emails and every later screen read those stored figures), payments splits it.

The subtotal is price × quantity over the picked tiers; the platform fee is PLATFORM_FEE_PERCENT of
it, absorbed by the organizer or passed on to the buyer (the event's fee mode); the organizer keeps
what the buyer paid less the platform's and Paystack's fees.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from eventpalour.config import settings
from eventpalour.models import FeeMode


@dataclass(frozen=True)
class Price:
    """What an order costs, in minor units: `amount` is what the buyer pays."""

    subtotal: int
    platform_fee: int
    amount: int

    @property
    def fee_passed_on(self) -> bool:
        """The buyer pays the platform fee on top of the tickets (a `pass_on` event, and a fee above 0)."""
        return self.amount > self.subtotal


def price_of(prices: Mapping[str, int], quantities: Mapping[str, int], fee_mode: str) -> Price:
    """The price of `quantities` (per tier id) at `prices` (per tier id; a tier not priced costs 0)."""
    subtotal = sum(prices.get(tier_id, 0) * count for tier_id, count in quantities.items() if count > 0)
    fee = (subtotal * settings.platform_fee_percent * 2 + 100) // 200  # rounded half up to the minor unit
    amount = subtotal + fee if fee_mode == FeeMode.PASS_ON else subtotal
    return Price(subtotal=subtotal, platform_fee=fee, amount=amount)


def organizer_share(amount: int, platform_fee: int, provider_fee: int) -> int:
    """What the organizer keeps of a paid order: what the buyer paid less both fees (Paystack's
    is known only once the payment is verified)."""
    return amount - platform_fee - provider_fee
