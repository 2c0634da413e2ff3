"""Discount and access codes (#19): the one place where a code is judged, where the hidden tiers it
unlocks are decided (`offered`), and where its uses are held, sold and given back, exactly as capacity
does for a tier's seats.

A code carries a discount, unlocks hidden tiers (an access code), or both. A hidden tier is offered
(shown on the event page, bookable) only with a valid code that unlocks it; the event page
(`tiers_unlocked_by`, through discovery) and checkout (`applied(...).unlocks`) both ask `offered`.

The uses limit is the code's own CHECK `ck_discount_codes_uses` (models/discount.py). A use is held
in checkout's hold, beside the seats, one way per database (`guarded_counter`, as the seats; `USES`):

- PostgreSQL: `hold` adds the use plainly (`store.ADD_CODE_HELD`) and the CHECK refuses a use past the
  limit; in a paid order's pipeline batch that refusal surfaces at COMMIT, and `refused_at_commit`
  turns it into `CodeUsedUp`.
- SQLite: the conditional UPDATE `store.HOLD_CODE` (`… AND uses_held + uses_sold + 1 <= max_uses`),
  refusing by changing nothing; the CHECK stays as a second line.

A held use is sold where the seats are sold (`sell_held`, or `sell_now` for a payment that outlived its
hold) and given back where they are given back (`release_held_of_order`: expiry, cancel, failed
payment, a replaced hold; `release_sold_of_order`: a full refund).

Tests may switch the guard off (`guard_disabled_for_tests`) to show the race is real without it.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection

from eventpalour.db import read_only
from eventpalour.models import CODE_USES_CHECK, DiscountKind
from eventpalour.models.types import utcnow
from eventpalour.services.platform import N_, FieldError, ValidationFailed, format_money
from eventpalour.services.sales import store
from eventpalour.services.sales.fees import Discount
from eventpalour.services.sales.guarded_counter import GuardedCounter
from eventpalour.services.sales.store import CodeOnSale

CODE_MIN_LENGTH = 3
CODE_MAX_LENGTH = 32
CODE_FIELD = "code"
USED_UP = N_("This code has been used up.")
BUYER_LIMIT = N_("You have already used this code as many times as it allows.")
LOCKED_TIER = N_("This ticket is only offered with an access code. Enter the code you were given.")

USES = GuardedCounter(
    "discount_codes", check_name=CODE_USES_CHECK, conditional=store.HOLD_CODE, plain=store.ADD_CODE_HELD
)


def guard_disabled_for_tests() -> AbstractContextManager[None]:
    """Decide the code's uses left from a read made before the write, then add the use plainly."""
    return USES.guard_disabled_for_tests()


def normalize(code: str | None) -> str:
    """A code as stored and compared: trimmed, upper case (codes are case-insensitive)."""
    return (code or "").strip().upper()


class CodeUsedUp(Exception):
    """A use of the code was refused: it has no uses left."""


def used_up_error() -> ValidationFailed:
    return ValidationFailed(USED_UP, details=[FieldError((CODE_FIELD,), USED_UP)])


def _code_error(message: str) -> ValidationFailed:
    return ValidationFailed(message, details=[FieldError((CODE_FIELD,), message)])


@dataclass(frozen=True)
class AppliedCode:
    """A code that applies to an order: its id, its normalized text, what it takes off (None: nothing)
    and the hidden tiers it unlocks."""

    id: str
    code: str
    discount: Discount | None
    label: str
    per_buyer_limit: int | None = None
    unlocks: frozenset[str] = frozenset()


def discount_label(kind: str | None, value: int | None, currency: str) -> str:
    """ "20% off", "KES 500.00 off", or "" for a code without a discount."""
    if kind is None or value is None:
        return ""
    return f"{value}% off" if kind == DiscountKind.PERCENT else f"{format_money(value, currency)} off"


def describe(kind: str | None, value: int | None, currency: str, unlocked_names: Sequence[str] = ()) -> str:
    """What a code does, as the buyer reads it: "20% off", "unlocks VIP", "20% off, unlocks VIP"."""
    parts = [discount_label(kind, value, currency)]
    if unlocked_names:
        parts.append("unlocks " + ", ".join(unlocked_names))
    return ", ".join(part for part in parts if part)


def offered(tier_id: str, hidden: bool, unlocks: frozenset[str]) -> bool:
    """Whether a tier is offered to a buyer holding a code that unlocks `unlocks`: a hidden tier only
    when the code unlocks it (the event page shows, and checkout books, only offered tiers)."""
    return not hidden or tier_id in unlocks


def refusal(code: CodeOnSale | None, wanted_tiers: set[str], now: datetime, *, uses: bool = True) -> str | None:
    """Why `code` cannot be used now for the tiers `wanted_tiers` (None: it can). `uses` False leaves
    the uses limit out: checkout's is decided by `hold` alone, in the write (a buyer replacing their
    own hold may take the very use it gives back)."""
    if code is None or not code.active:
        return N_("This code is not valid for this event.")
    if code.valid_from is not None and now < code.valid_from:
        return N_("This code is not valid yet.")
    if code.valid_until is not None and now >= code.valid_until:
        return N_("This code has expired.")
    if uses and code.uses_left is not None and code.uses_left <= 0:
        return USED_UP
    discounts_some = code.kind is not None and (code.all_tiers or bool(code.tier_ids & wanted_tiers))
    if not discounts_some and not (code.unlocks & wanted_tiers):
        return N_("This code does not apply to the tickets you picked.")
    return None


def tiers_unlocked_by(connection: Connection, event_id: str, code: str) -> frozenset[str]:
    """The hidden tiers of the event that `code` unlocks now (none for an unknown, inactive, expired,
    not yet valid or used-up code): what the event page adds to its visible tiers."""
    normalized = normalize(code)
    found = store.code_on_sale(connection, event_id, normalized) if normalized else None
    if found is None or not found.unlocks or refusal(found, set(found.unlocks), utcnow()) is not None:
        return frozenset()
    return found.unlocks


def applied(
    connection: Connection,
    *,
    event_id: str,
    code: str,
    wanted_tiers: set[str],
    currency: str,
    buyer_id: str | None = None,
    tier_names: Mapping[str, str] | None = None,
) -> AppliedCode:
    """The code `code` of the event, judged for `wanted_tiers`, or a ValidationFailed on the `code`
    field saying why not. With `buyer_id` (checkout) the buyer's own limit is judged and the uses
    limit left to `hold`; without (a quote on the event page) a used-up code is refused at once.
    `tier_names` (by tier id) names the unlocked tiers in the label."""
    normalized = normalize(code)
    found = store.code_on_sale(connection, event_id, normalized) if normalized else None
    if (problem := refusal(found, wanted_tiers, utcnow(), uses=buyer_id is None)) is not None:
        raise _code_error(problem)
    if buyer_id is not None and found.per_buyer_limit is not None:
        # One open hold per buyer and event (uq_orders_open_hold), and a new checkout replaces it:
        # the buyer's paid orders with the code are all that counts against the limit.
        if store.buyer_code_uses(connection, buyer_id, found.id) >= found.per_buyer_limit:
            raise _code_error(BUYER_LIMIT)
    discount = None
    if found.kind is not None and found.value is not None:
        discount = Discount(
            percent=found.kind == DiscountKind.PERCENT,
            value=found.value,
            tier_ids=None if found.all_tiers else found.tier_ids,
        )
    names = tier_names or {}
    unlocked_names = sorted(names[t] for t in found.unlocks if t in names)
    return AppliedCode(
        id=found.id,
        code=found.code,
        discount=discount,
        label=describe(found.kind, found.value, currency, unlocked_names),
        per_buyer_limit=found.per_buyer_limit,
        unlocks=found.unlocks,
    )


def refuse_past_buyer_limit(connection: Connection, buyer_id: str, applied: AppliedCode) -> None:
    """Inside the write transaction of an order that completes at once (a code made it free): the
    buyer's own limit, counted again with the buyer's row locked, so several of their requests at
    once cannot all pass it (a paid order needs no lock: one open hold per buyer and event)."""
    if applied.per_buyer_limit is None:
        return
    store.lock_buyer(connection, buyer_id)
    if store.buyer_code_uses(connection, buyer_id, applied.id) >= applied.per_buyer_limit:
        raise _code_error(BUYER_LIMIT)


def unguarded_precheck(code_id: str | None) -> bool:
    """Only with the guard off: the naive "uses left?" check, made outside any write transaction."""
    if code_id is None or USES.guarded:
        return True
    with read_only() as reader:
        left = store.code_uses_left(reader.connection(), code_id)
    time.sleep(0.05)  # the gap a real request has between checking and writing
    return left is None or left > 0


def hold(connection: Connection, code_id: str) -> None:
    """Hold one use of the code, or raise CodeUsedUp (one way per database: see the module)."""
    if not USES.take(connection, {"code_id": code_id}):
        raise CodeUsedUp()


def refused_at_commit() -> AbstractContextManager[None]:
    """Around a batch that holds a use: the uses CHECK refusing its COMMIT raises CodeUsedUp."""
    return USES.refused_at_commit(CodeUsedUp)


def sell_held(connection: Connection, code_id: str) -> None:
    """The held use becomes a sold one (payment confirmed while the hold was active)."""
    if connection.execute(store.SELL_CODE_HELD, {"code_id": code_id}).rowcount != 1:
        raise RuntimeError(f"Code {code_id} holds no use; counters and orders disagree.")


def sell_now(connection: Connection, code_id: str) -> bool:
    """Sell a use that was not held (a payment that outlived its hold): False when none is left."""
    return connection.execute(store.SELL_CODE_NOW, {"code_id": code_id}).rowcount == 1


def release_held_of_order(connection: Connection, order_id: str) -> None:
    """Give back the use an open order held (no code: nothing changes). Call once, where its seats go back."""
    connection.execute(store.RELEASE_CODE_HELD_OF_ORDER, {"order_id": order_id})


def release_sold_of_order(connection: Connection, order_id: str) -> None:
    """Give back the use a fully refunded order had sold (no code: nothing changes)."""
    connection.execute(store.RELEASE_CODE_SOLD_OF_ORDER, {"order_id": order_id})
