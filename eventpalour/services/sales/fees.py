"""What an order costs (SPEC §5), worked out in one place: the tier panel shows it, checkout stores it
on the order (the emails and every later screen read those stored figures), payments splits it.

The subtotal is price × quantity over the picked tiers; a discount code takes its part off it
(`Discount`: percent or fixed, on the tiers it applies to); the platform fee is PLATFORM_FEE_PERCENT of
the discounted subtotal, absorbed by the organizer or passed on to the buyer (the event's fee mode); the organizer keeps
what the buyer paid less the platform's and Paystack's fees.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from eventpalour.config import settings
from eventpalour.models import FeeMode
from eventpalour.services.platform import DEFAULT_LANGUAGE, format_money, gettext


@dataclass(frozen=True)
class Price:
    """What an order costs, in minor units: `amount` is what the buyer pays."""

    subtotal: int
    platform_fee: int
    amount: int
    discount: int = 0

    @property
    def fee_passed_on(self) -> bool:
        """The buyer pays the platform fee on top of the tickets (a `pass_on` event, and a fee above 0)."""
        return self.amount > self.subtotal - self.discount


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


@dataclass(frozen=True)
class Discount:
    """What a discount code takes off: `value` percent, or `value` minor units once per order
    (`percent` False), of the subtotal of the tiers it applies to (`tier_ids` None: every tier)."""

    percent: bool
    value: int
    tier_ids: frozenset[str] | None = None

    def off(self, prices: Mapping[str, int], quantities: Mapping[str, int]) -> int:
        """The minor units taken off `quantities` at `prices`, never more than the tiers it covers cost."""
        covered = sum(
            prices.get(tier_id, 0) * count
            for tier_id, count in quantities.items()
            if count > 0 and (self.tier_ids is None or tier_id in self.tier_ids)
        )
        if self.percent:
            return min(covered, (covered * self.value * 2 + 100) // 200)  # rounded half up
        return min(covered, self.value)


def price_of(
    prices: Mapping[str, int], quantities: Mapping[str, int], fee_mode: str, discount: Discount | None = None
) -> Price:
    """The price of `quantities` (per tier id) at `prices` (per tier id; a tier not priced costs 0),
    less `discount`; the platform fee is on the discounted subtotal."""
    subtotal = sum(prices.get(tier_id, 0) * count for tier_id, count in quantities.items() if count > 0)
    off = discount.off(prices, quantities) if discount is not None else 0
    fee = platform_fee_of(subtotal - off)
    amount = subtotal - off + fee if fee_mode == FeeMode.PASS_ON else subtotal - off
    return Price(subtotal=subtotal, platform_fee=fee, amount=amount, discount=off)


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


def price_lines(
    *,
    tickets: int,
    subtotal: int,
    platform_fee: int,
    amount: int,
    currency: str,
    discount: int = 0,
    discount_code: str = "",
    language: str = DEFAULT_LANGUAGE,
) -> tuple[PriceLine, ...]:
    """The lines of an order's cost, the same before paying (the tier panel, from `price_of`) and after
    (the order page and the confirmation email, from the figures stored on the order): the tickets,
    the discount code and what it took off, the platform fee when the buyer pays it on top, and the total.

    A stored fee is labelled with the configured percentage only while it is that percentage of the
    discounted subtotal (the setting may have changed since the order was placed). The labels and
    the money are in the reader's `language`."""

    def money(value: int) -> str:
        return format_money(value, currency, language) if value else gettext(language, "Free")

    lines = [PriceLine(gettext(language, "Tickets × {count}").format(count=tickets), money(subtotal))]
    if discount:
        label = gettext(language, "Discount ({code})").format(code=discount_code)
        lines.append(PriceLine(label if discount_code else gettext(language, "Discount"), "− " + money(discount)))
    if amount > subtotal - discount:
        named = platform_fee == platform_fee_of(subtotal - discount)
        label = gettext(language, "Platform fee ({percent})").format(percent=fee_percent_label())
        lines.append(PriceLine(label if named else gettext(language, "Platform fee"), money(platform_fee)))
    lines.append(PriceLine(gettext(language, "Total"), money(amount), is_total=True))
    return tuple(lines)
