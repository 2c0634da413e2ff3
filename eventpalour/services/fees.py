"""Platform fees (SPEC §5): a percentage of the ticket subtotal, absorbed or passed on to the buyer."""

from __future__ import annotations

from dataclasses import dataclass

from eventpalour.config import settings
from eventpalour.models import FeeMode


@dataclass(frozen=True)
class Charge:
    """What an order costs: `amount` is what the buyer pays, in minor units."""

    subtotal: int
    platform_fee: int
    amount: int


def platform_fee(subtotal: int) -> int:
    """PLATFORM_FEE_PERCENT of the subtotal, rounded half up to the minor unit."""
    return (subtotal * settings.platform_fee_percent * 2 + 100) // 200


def charge_for(subtotal: int, fee_mode: str) -> Charge:
    fee = platform_fee(subtotal)
    amount = subtotal + fee if fee_mode == FeeMode.PASS_ON else subtotal
    return Charge(subtotal=subtotal, platform_fee=fee, amount=amount)


def organizer_share(amount: int, fee: int, provider_fee: int) -> int:
    """What the organizer keeps of a paid order: the amount less both fees."""
    return amount - fee - provider_fee
