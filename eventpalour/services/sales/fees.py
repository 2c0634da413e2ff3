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
from eventpalour.services.platform import format_money


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


def platform_fee_of(subtotal: int, basis_points: int | None = None) -> int:
    """PLATFORM_FEE_PERCENT (`basis_points`, hundredths of a percent) of `subtotal`, rounded half up
    to the minor unit, in integers only: 7.5% of 10 is 0.75 → 1, 5% of 9 is 0.45 → 0."""
    rate = settings.platform_fee_basis_points if basis_points is None else basis_points
    return (subtotal * rate * 2 + 10_000) // 20_000


def fee_percent_label(basis_points: int | None = None) -> str:
    """The platform fee as people read it, "5%", "7.5%", "2.25%": every label that names the fee uses this."""
    rate = settings.platform_fee_basis_points if basis_points is None else basis_points
    whole, hundredths = divmod(rate, 100)
    return f"{whole}%" if not hundredths else f"{whole}.{hundredths:02d}".rstrip("0") + "%"


def price_of(prices: Mapping[str, int], quantities: Mapping[str, int], fee_mode: str) -> Price:
    """The price of `quantities` (per tier id) at `prices` (per tier id; a tier not priced costs 0)."""
    subtotal = sum(prices.get(tier_id, 0) * count for tier_id, count in quantities.items() if count > 0)
    fee = platform_fee_of(subtotal)
    amount = subtotal + fee if fee_mode == FeeMode.PASS_ON else subtotal
    return Price(subtotal=subtotal, platform_fee=fee, amount=amount)


def organizer_share(amount: int, platform_fee: int, provider_fee: int) -> int:
    """What the organizer keeps of a paid order: what the buyer paid less both fees (Paystack's
    is known only once the payment is verified)."""
    return amount - platform_fee - provider_fee


@dataclass(frozen=True)
class PriceLine:
    """One line of what an order costs, as the buyer reads it: "Tickets × 2" KES 1,000.00."""

    label: str
    value: str
    is_total: bool = False


def price_lines(*, tickets: int, subtotal: int, platform_fee: int, amount: int, currency: str) -> tuple[PriceLine, ...]:
    """The lines of an order's cost, the same before paying (the tier panel, from `price_of`) and after
    (the order page and the confirmation email, from the figures stored on the order): the tickets, the
    platform fee when the buyer pays it on top, and the total.

    A stored fee is labelled with the configured percentage only while it is that percentage of the
    subtotal (the setting may have changed since the order was placed)."""

    def money(value: int) -> str:
        return format_money(value, currency) if value else "Free"

    lines = [PriceLine(f"Tickets × {tickets}", money(subtotal))]
    if amount > subtotal:
        named = platform_fee == platform_fee_of(subtotal)
        label = f"Platform fee ({fee_percent_label()})" if named else "Platform fee"
        lines.append(PriceLine(label, money(platform_fee)))
    lines.append(PriceLine("Total", money(amount), is_total=True))
    return tuple(lines)
