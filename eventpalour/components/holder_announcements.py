"""What organizers announced, as a ticket holder reads it (#22 §2): on the event page and on /tickets.
The bodies are Markdown rendered by the service without the author's own HTML (platform/markdown_text.py)."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.lists import empty_card
from eventpalour.state.language import t


def _item(item: rx.Var, *, with_event: bool) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("megaphone", size=16, color=rx.color("violet", 9)),
                rx.heading(item.subject, size="3", as_="h3"),
                align="center",
                spacing="2",
            ),
            rx.text(
                *((rx.link(item.event_title, href=item.event_path), " · ") if with_event else ()),
                t("Sent "),
                item.sent_label,
                size="1",
                color_scheme="gray",
            ),
            rx.html(item.body_html, class_name="rich-text"),
            spacing="2",
            width="100%",
        ),
        width="100%",
        role="article",
        custom_attrs={"aria-label": item.subject},
    )


def holder_announcements(items: rx.Var, *, with_event: bool = False, empty: str = "") -> rx.Component:
    """The announcements in `items` (rows with subject, body_html, sent_label, event_title,
    event_path), newest first; nothing, or `empty`'s card, when there are none."""
    listing = rx.vstack(
        rx.heading(t("Announcements"), size="5", as_="h2"),
        rx.foreach(items, lambda item: _item(item, with_event=with_event)),
        spacing="3",
        width="100%",
    )
    return rx.cond(items.length() > 0, listing, empty_card(empty, icon="megaphone") if empty else rx.fragment())
