"""The sandbox's switches: what a test can turn (a slow or failing Paystack, webhooks off, refunds
that fail or settle by themselves), their defaults and the checks on a new value.

They live in the database (`store`), so every worker answering for the sandbox sees the same ones.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass
from typing import Any

from eventpalour.config import settings
from eventpalour.sandbox.paystack import store

MAX_HANG_SECONDS = 120.0
SWITCHES = ("fail_initialize", "fail_verify", "webhook_enabled", "fail_refunds")


@dataclass(frozen=True, slots=True)
class Controls:
    """The switches in force. Numbers keep the type a test stored (3 stays 3 in the JSON shown back)."""

    fail_initialize: bool
    fail_verify: bool
    hang_seconds: float
    webhook_enabled: bool
    fail_refunds: bool
    refund_auto_seconds: float | None

    @property
    def hang(self) -> float:
        """How long to sit before answering, capped so a typo cannot hang a test run."""
        return min(float(self.hang_seconds or 0), MAX_HANG_SECONDS)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _default_values() -> dict[str, Any]:
    """Refunds settle by themselves after a few seconds, except in the test suite (hooks move them)."""
    return {
        "fail_initialize": False,
        "fail_verify": False,
        "hang_seconds": 0,
        "webhook_enabled": True,
        "fail_refunds": False,
        "refund_auto_seconds": None if settings.app_env == "test" else 5,
    }


def control_problem(name: str, value: object) -> str | None:
    """Why `value` cannot be set on switch `name`, or None when it can."""
    if name not in _default_values():
        return f"Unknown control {name!r}."
    if name in SWITCHES:
        return None if isinstance(value, bool) else f"{name} must be true or false."
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if name == "refund_auto_seconds" and value is None:
        return None
    if not is_number or not 0 <= value <= MAX_HANG_SECONDS:
        return f"{name} must be a number of seconds between 0 and {MAX_HANG_SECONDS:g}."
    return None


def read_controls() -> Controls:
    """The switches in force: the stored ones over the defaults (read first by every Paystack call)."""
    values = _default_values()
    values.update((name, value) for name, value in store.stored_controls().items() if name in values)
    return Controls(**values)


async def hang(controls: Controls) -> None:
    """Simulate a slow Paystack: answer only after `hang_seconds`."""
    if controls.hang > 0:
        await asyncio.sleep(controls.hang)
