"""The /events filter bar: a search form, then menus and dates that apply as soon as they change."""

from __future__ import annotations

import reflex as rx

from eventpalour.services.platform import N_
from eventpalour.state.discovery import ANY, DiscoveryState
from eventpalour.state.language import t

# Marked here, shown through t() where the options are built (the texts are values, not literals there).
TYPES = (("physical", N_("In person")), ("online", N_("Online")), ("hybrid", N_("Hybrid")))
PRICES = (("free", N_("Free events")), ("paid", N_("Paid events")))


def _labelled(label: str | rx.Var, control_id: str, control: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=control_id, style={"font-size": "13px", "font-weight": "600"}),
        control,
        spacing="1",
        width="100%",
    )


def _select(
    label: str | rx.Var, key: str, all_label: str | rx.Var, items: list[rx.Component] | rx.Component
) -> rx.Component:
    control_id = f"filter-{key}"
    current = DiscoveryState.filters[key]
    return _labelled(
        label,
        control_id,
        rx.select.root(
            rx.select.trigger(id=control_id, width="100%"),
            rx.select.content(rx.select.item(all_label, value=ANY), *(items if isinstance(items, list) else [items])),
            value=rx.cond(current != "", current, ANY),
            on_change=lambda value: DiscoveryState.set_filter(key, value),
        ),
    )


def _date(label: str | rx.Var, key: str) -> rx.Component:
    control_id = f"filter-{key}"
    current = DiscoveryState.filters[key]
    return _labelled(
        label,
        control_id,
        rx.input(
            id=control_id,
            type="date",
            default_value=current,
            key=current,
            on_change=lambda value: DiscoveryState.set_filter(key, value),
            width="100%",
        ),
    )


def _search_form() -> rx.Component:
    return rx.form(
        rx.flex(
            rx.input(
                rx.input.slot(rx.icon("search", size=16)),
                name="q",
                placeholder=t("Search events, organizers, cities…"),
                aria_label=t("Search events"),
                default_value=DiscoveryState.filters["q"],
                key=DiscoveryState.filters["q"],
                size="3",
                flex="2",
                min_width="0",
                type="search",
            ),
            rx.input(
                rx.input.slot(rx.icon("map-pin", size=16)),
                name="city",
                placeholder=t("City"),
                aria_label=t("City"),
                default_value=DiscoveryState.filters["city"],
                key=DiscoveryState.filters["city"],
                size="3",
                flex="1",
                min_width="0",
            ),
            rx.button(t("Search"), type="submit", size="3"),
            direction=rx.breakpoints(initial="column", sm="row"),
            spacing="2",
            width="100%",
        ),
        on_submit=DiscoveryState.search,
        role="search",
        width="100%",
    )


def event_filters() -> rx.Component:
    return rx.card(
        rx.vstack(
            _search_form(),
            rx.grid(
                _select(
                    t("Category"),
                    "category",
                    t("All categories"),
                    rx.foreach(DiscoveryState.categories, lambda c: rx.select.item(c.name, value=c.slug)),
                ),
                _select(t("Type"), "type", t("Any type"), [rx.select.item(t(text), value=v) for v, text in TYPES]),
                _select(
                    t("Price"), "price", t("Free and paid"), [rx.select.item(t(text), value=v) for v, text in PRICES]
                ),
                _date(t("From"), "from"),
                _date(t("To"), "to"),
                columns=rx.breakpoints(initial="2", md="5"),
                spacing="3",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        size="2",
        width="100%",
    )
