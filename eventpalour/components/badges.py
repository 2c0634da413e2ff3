"""The one status badge of every list and card. The words come from the data (the status itself or
the label the state gives); the colour comes from the table below, one row per kind of status,
because the same word means different things in different places (a pending refund is routine, a
pending KYC review waits on someone)."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from eventpalour.services.platform import N_
from eventpalour.state.language import t


@dataclass(frozen=True)
class BadgeKind:
    """How one kind of status looks: a colour per status (gray otherwise), and the words each status
    reads as in the reader's language (`labels`, catalog ids; a status without one shows as it is)."""

    colors: tuple[tuple[str, str], ...]
    labels: tuple[tuple[str, str], ...] = ()
    capitalize: bool = False


KINDS: dict[str, BadgeKind] = {
    "event": BadgeKind(
        colors=(
            ("active", "green"),
            ("draft", "gray"),
            ("inactive", "amber"),
            ("postponed", "orange"),
            ("cancelled", "red"),
            ("completed", "blue"),
        ),
        # An event's words agree with "tukio" in Kiswahili ("limeahirishwa"), so they are its own.
        labels=(
            ("active", N_("active")),
            ("draft", N_("draft")),
            ("inactive", N_("inactive")),
            ("postponed", N_("postponed")),
            ("cancelled", N_("cancelled")),
            ("completed", N_("completed")),
        ),
        capitalize=True,
    ),
    "ticket": BadgeKind(
        colors=(
            ("valid", "green"),
            ("used", "blue"),
            ("transferred", "gray"),
            ("refunded", "amber"),
            ("cancelled", "red"),
        )
    ),
    "order": BadgeKind(
        colors=(
            ("completed", "green"),
            ("refunded", "amber"),
            ("partially_refunded", "amber"),
            ("failed", "red"),
            ("cancelled", "gray"),
            ("pending", "blue"),
            ("processing", "blue"),
        )
    ),
    "money": BadgeKind(
        colors=(
            ("completed", "green"),
            ("paid", "green"),
            ("processed", "green"),
            ("partially_refunded", "amber"),
            ("refunded", "gray"),
            ("requested", "blue"),
            ("pending", "blue"),
            ("queued", "blue"),
            ("processing", "blue"),
            ("failed", "red"),
            ("rejected", "red"),
        )
    ),
    "review": BadgeKind(
        colors=(
            ("pending", "amber"),
            ("approved", "green"),
            ("active", "green"),
            ("ok", "green"),
            ("rejected", "red"),
            ("blocked", "red"),
            ("denied", "red"),
            ("revoked", "gray"),
            ("deleted", "gray"),
            ("suspended", "orange"),
            ("requires_update", "orange"),
        ),
        labels=(
            ("pending", N_("pending")),
            ("approved", N_("approved")),
            ("active", N_("active")),
            ("ok", N_("ok")),
            ("rejected", N_("rejected")),
            ("blocked", N_("blocked")),
            ("denied", N_("denied")),
            ("revoked", N_("revoked")),
            ("deleted", N_("deleted")),
            ("suspended", N_("suspended")),
            ("requires_update", N_("needs update")),
        ),
    ),
}


def status_badge(status: rx.Var, kind: str, label: rx.Var | None = None, size: str = "1") -> rx.Component:
    """A soft badge for `status` of `kind` (a key of KINDS), reading `label` when the data gives one."""
    look = KINDS[kind]
    if label is None:
        words = [(value, t(text)) for value, text in look.labels]
        label = rx.match(status, *words, status) if words else status
    style = {"text_transform": "capitalize"} if look.capitalize else {}
    return rx.badge(label, color_scheme=rx.match(status, *look.colors, "gray"), variant="soft", size=size, **style)
