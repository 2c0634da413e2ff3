"""The event card of every listing, its loading skeleton, and the banner (or a gradient in its place)."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.lists import count_words
from eventpalour.components.workspace import verified_badge
from eventpalour.state.language import t

# A banner-less event still gets colour: one gradient per common category, violet for the rest.
GRADIENTS = {
    "Music": ("var(--violet-9)", "var(--crimson-9)"),
    "Technology": ("var(--blue-9)", "var(--cyan-9)"),
    "Business": ("var(--indigo-9)", "var(--slate-9)"),
    "Arts & Culture": ("var(--pink-9)", "var(--orange-9)"),
    "Sports": ("var(--green-9)", "var(--teal-9)"),
    "Food & Drink": ("var(--amber-9)", "var(--red-9)"),
}
DEFAULT_GRADIENT = ("var(--violet-9)", "var(--plum-9)")
TWO_LINES = {
    "display": "-webkit-box",
    "-webkit-line-clamp": "2",
    "-webkit-box-orient": "vertical",
    "overflow": "hidden",
}


def _gradient(category: rx.Var) -> rx.Var:
    cases = [(name, f"linear-gradient(135deg, {a}, {b})") for name, (a, b) in GRADIENTS.items()]
    return rx.match(category, *cases, f"linear-gradient(135deg, {DEFAULT_GRADIENT[0]}, {DEFAULT_GRADIENT[1]})")


def event_banner(banner_url: rx.Var, category: rx.Var, height: str | list[str] = "160px") -> rx.Component:
    """The uploaded banner, cropped to fill; without one, the category's gradient and a ticket mark."""
    return rx.cond(
        banner_url != "",
        rx.image(src=banner_url, alt="", width="100%", height=height, object_fit="cover", display="block"),
        rx.center(
            rx.icon("ticket", size=40, color="rgba(255,255,255,0.85)"),
            width="100%",
            height=height,
            background=_gradient(category),
            aria_hidden="true",
        ),
    )


def _line(icon: str, text: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.icon(icon, size=14, flex_shrink="0", color=rx.color("gray", 10)),
        rx.text(text, size="2"),
        align="center",
        spacing="2",
    )


# The event link covers the whole card (its ::after stretches over it), so a click anywhere opens
# the event; the organizer's name is a link of its own above it, to the organizer's page.
STRETCHED = {"content": '""', "position": "absolute", "inset": "0", "border_radius": "inherit"}
ABOVE_STRETCHED = {"position": "relative", "z_index": "1"}


def _more_dates(count: rx.Var) -> rx.Component:
    """A series' card (#22 §3): "+3 more dates" after the next date's own."""
    return rx.text.span(count_words(count, t("+{count} more date"), t("+{count} more dates")))


def event_card(listed: rx.Var) -> rx.Component:
    """One event in a listing: the card opens the event, the organizer's name opens their page."""
    card = listed.card
    return rx.card(
        rx.link(
            rx.inset(event_banner(card.banner_url, card.category), side="top", pb="current"),
            rx.vstack(
                rx.hstack(
                    rx.cond(card.category != "", rx.badge(card.category, variant="soft", radius="full")),
                    rx.cond(card.is_postponed, rx.badge(t("Postponed"), color_scheme="amber")),
                    spacing="2",
                    wrap="wrap",
                ),
                rx.heading(card.title, size="4", as_="h3", style=TWO_LINES),
                _line("calendar", listed.when),
                rx.cond(card.more_dates > 0, _line("repeat", _more_dates(card.more_dates))),
                rx.cond(card.type == "online", _line("monitor", listed.place), _line("map-pin", listed.place)),
                spacing="2",
                align="start",
            ),
            href=listed.url,
            underline="none",
            color="inherit",
            display="block",
            _after=STRETCHED,
        ),
        rx.spacer(),
        rx.vstack(
            rx.hstack(
                rx.link(
                    card.workspace_name,
                    href=listed.organizer_url,
                    size="2",
                    color_scheme="gray",
                    truncate=True,
                    style=ABOVE_STRETCHED,
                ),
                rx.box(verified_badge(card.workspace_verified), style=ABOVE_STRETCHED),
                align="center",
                spacing="2",
                min_width="0",
            ),
            rx.text(listed.price, weight="bold", size="3"),
            spacing="2",
            align="start",
            padding_top="8px",
        ),
        size="2",
        height="100%",
        display="flex",
        flex_direction="column",
        position="relative",
        _hover={"box_shadow": "var(--shadow-4)"},
        transition="box-shadow 120ms",
    )


def event_card_skeleton() -> rx.Component:
    return rx.card(
        rx.inset(rx.skeleton(rx.box(height="160px", width="100%")), side="top", pb="current"),
        rx.vstack(
            rx.skeleton(rx.box(height="18px", width="40%")),
            rx.skeleton(rx.box(height="22px", width="90%")),
            rx.skeleton(rx.box(height="16px", width="70%")),
            rx.skeleton(rx.box(height="16px", width="50%")),
            spacing="3",
        ),
        size="2",
        aria_hidden="true",
    )
