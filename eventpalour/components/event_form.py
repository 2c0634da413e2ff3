"""The pieces of the organizer's event form, bound to EventFormState (creator and edit page alike)."""

from __future__ import annotations

import reflex as rx

from eventpalour.config import SUPPORTED_CURRENCIES
from eventpalour.state.event_form import BANNER_UPLOAD_ID, EventFormState

S = EventFormState
LABEL = {"font-weight": "600", "font-size": "14px"}
TIMEZONES = [
    "Africa/Nairobi",
    "Africa/Lagos",
    "Africa/Accra",
    "Africa/Johannesburg",
    "Africa/Kigali",
    "Africa/Kampala",
    "Africa/Dar_es_Salaam",
    "Africa/Addis_Ababa",
    "Africa/Cairo",
    "Africa/Casablanca",
    "Europe/London",
    "UTC",
]
PLATFORMS = [("zoom", "Zoom"), ("google-meet", "Google Meet"), ("teams", "Microsoft Teams"), ("custom", "Other")]


def error_text(key: str | rx.Var, element_id: str | None = None) -> rx.Component:
    return rx.cond(
        S.errors.contains(key),
        rx.text(S.errors[key], color_scheme="red", size="2", role="alert", id=element_id),
    )


def text_field(label: str, name: str, *, type_: str = "text", hint: str = "", **props) -> rx.Component:
    input_id = f"event-{name}"
    return rx.vstack(
        rx.el.label(label, html_for=input_id, style=LABEL),
        rx.input(
            id=input_id,
            value=S.values[name],
            on_change=lambda v: S.set_value(name, v),
            type=type_,
            **props,
            width="100%",
            size="3",
            # Screen readers announce the field's error (or hint) with the field itself.
            aria_invalid=rx.cond(S.errors.contains(name), "true", "false"),
            aria_describedby=rx.cond(S.errors.contains(name), f"{input_id}-error", f"{input_id}-hint" if hint else ""),
        ),
        rx.cond(
            S.errors.contains(name),
            error_text(name, f"{input_id}-error"),
            rx.text(hint, size="1", color_scheme="gray", id=f"{input_id}-hint") if hint else rx.fragment(),
        ),
        spacing="1",
        width="100%",
    )


def choice_field(label: str, name: str, options: list[tuple[str, str]], *, on_change=None) -> rx.Component:  # noqa: ANN001
    return rx.vstack(
        rx.el.label(label, style=LABEL),
        rx.segmented_control.root(
            *[rx.segmented_control.item(text, value=value) for value, text in options],
            value=S.values[name],
            on_change=on_change or (lambda v: S.set_value(name, v)),
            aria_label=label,
        ),
        error_text(name),
        spacing="1",
    )


def select_field(label: str, name: str, options: list[tuple[str, str]]) -> rx.Component:
    input_id = f"event-{name}"
    return rx.vstack(
        rx.el.label(label, html_for=input_id, style=LABEL),
        rx.el.select(
            *[rx.el.option(text, value=value) for value, text in options],
            id=input_id,
            value=S.values[name],
            on_change=lambda v: S.set_value(name, v),
            style={
                "padding": "8px",
                "border-radius": "8px",
                "width": "100%",
                "background": "var(--color-surface)",
                "border": "1px solid var(--gray-7)",
                "color": "inherit",
            },
        ),
        error_text(name),
        spacing="1",
        width="100%",
    )


def details_step() -> rx.Component:
    return rx.vstack(
        text_field("Title", "title", placeholder="Jazz on the Lawn"),
        rx.vstack(
            rx.el.label("Description", html_for="event-description", style=LABEL),
            rx.tabs.root(
                rx.tabs.list(rx.tabs.trigger("Write", value="write"), rx.tabs.trigger("Preview", value="preview")),
                rx.tabs.content(
                    rx.text_area(
                        id="event-description",
                        value=S.values["description"],
                        on_change=lambda v: S.set_value("description", v),
                        rows="8",
                        width="100%",
                        placeholder="What will people experience? Markdown works: **bold**, lists, links.",
                    ),
                    value="write",
                    padding_top="8px",
                ),
                rx.tabs.content(
                    # Raw HTML stays off: a description must never run script in anyone's browser.
                    rx.box(rx.markdown(S.values["description"], use_raw=False), padding="8px"),
                    value="preview",
                ),
                default_value="write",
                width="100%",
            ),
            error_text("description"),
            width="100%",
            spacing="1",
        ),
        text_field(
            "Category",
            "category",
            placeholder="Music, Tech, Business…",
            hint="Pick a common name; new categories are created on first use.",
        ),
        banner_uploader(),
        spacing="4",
        width="100%",
    )


def banner_uploader() -> rx.Component:
    return rx.vstack(
        rx.el.label("Banner image", html_for=BANNER_UPLOAD_ID, style=LABEL),
        rx.cond(
            S.values["banner_url"] != "",
            rx.image(
                src=S.values["banner_url"],
                width="100%",
                max_height="220px",
                object_fit="cover",
                border_radius="12px",
                alt="Event banner preview",
            ),
        ),
        rx.upload(
            rx.hstack(
                rx.icon("image-up", size=20),
                rx.text("Drop a PNG, JPG or WebP (up to 5 MB), or click", size="2"),
                align="center",
            ),
            id=BANNER_UPLOAD_ID,
            accept={"image/png": [".png"], "image/jpeg": [".jpg", ".jpeg"], "image/webp": [".webp"]},
            max_files=1,
            on_drop=S.upload_banner(rx.upload_files(upload_id=BANNER_UPLOAD_ID, on_upload_progress=S.track_banner)),
            border=f"1px dashed {rx.color('gray', 7)}",
            border_radius="12px",
            padding="14px",
            width="100%",
            cursor="pointer",
        ),
        error_text("banner_url"),
        width="100%",
        spacing="2",
    )


def when_step() -> rx.Component:
    return rx.vstack(
        rx.grid(
            text_field("Starts", "start_local", type_="datetime-local"),
            text_field("Ends", "end_local", type_="datetime-local"),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="4",
            width="100%",
        ),
        select_field("Time zone", "timezone", [(z, z.replace("_", " ")) for z in TIMEZONES]),
        rx.text("Times are shown to attendees in this time zone.", size="1", color_scheme="gray"),
        spacing="4",
        width="100%",
    )


def where_step() -> rx.Component:
    in_person = (S.values["type"] == "physical") | (S.values["type"] == "hybrid")
    online = (S.values["type"] == "online") | (S.values["type"] == "hybrid")
    return rx.vstack(
        choice_field(
            "Where does it happen?", "type", [("physical", "In person"), ("online", "Online"), ("hybrid", "Hybrid")]
        ),
        rx.cond(
            in_person,
            rx.vstack(
                text_field("Venue", "venue", placeholder="KICC, Harambee Avenue"),
                rx.grid(
                    text_field("City", "city", placeholder="Nairobi"),
                    text_field("Country", "country", placeholder="Kenya"),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="4",
                    width="100%",
                ),
                width="100%",
                spacing="4",
            ),
        ),
        rx.cond(
            online,
            rx.vstack(
                select_field("Meeting platform", "meeting_platform", PLATFORMS),
                text_field(
                    "Meeting link",
                    "online_link",
                    type_="url",
                    placeholder="https://zoom.us/j/…",
                    hint="Only people with a ticket see this link.",
                ),
                width="100%",
                spacing="4",
            ),
        ),
        spacing="4",
        width="100%",
    )


def pricing_step() -> rx.Component:
    return rx.vstack(
        choice_field("Pricing", "pricing", [("free", "Free"), ("paid", "Paid")], on_change=S.set_pricing),
        rx.cond(
            S.values["pricing"] == "paid",
            rx.vstack(
                select_field("Currency", "currency", [(c, c) for c in SUPPORTED_CURRENCIES]),
                choice_field(
                    "Platform fee (5%)", "fee_mode", [("absorb", "I absorb it"), ("pass_on", "Buyers pay it")]
                ),
                rx.callout(
                    "Paid events can be published once your workspace's KYC is approved.", icon="info", size="1"
                ),
                spacing="4",
                width="100%",
            ),
        ),
        spacing="4",
        width="100%",
    )


def _tier_input(index: rx.Var, row: rx.Var, name: str, label: str, **props) -> rx.Component:
    key = "tiers." + index.to_string() + "." + name
    return rx.vstack(
        rx.text(label, size="1", weight="bold"),
        rx.input(
            value=row[name], on_change=lambda v: S.set_tier(index, name, v), aria_label=label, width="100%", **props
        ),
        error_text(key),
        spacing="1",
        width="100%",
    )


def tier_card(row: rx.Var, index: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Ticket ", index + 1, size="3", as_="h3"),
                rx.cond(
                    row["has_sales"] == "yes",
                    rx.badge(row["sold"], " sold · ", row["held"], " reserved", color_scheme="green"),
                ),
                rx.spacer(),
                rx.cond(
                    row["can_delete"] == "yes",
                    rx.icon_button(
                        rx.icon("trash-2", size=14),
                        variant="ghost",
                        color_scheme="red",
                        on_click=S.remove_tier(index),
                        aria_label="Remove ticket " + (index + 1).to_string(),
                        type="button",
                    ),
                ),
                width="100%",
                align="center",
            ),
            rx.grid(
                _tier_input(index, row, "name", "Ticket name", placeholder="Early Bird"),
                _tier_input(
                    index,
                    row,
                    "price",
                    "Price (" + S.values["currency"] + ")",
                    input_mode="decimal",
                    disabled=(S.values["pricing"] == "free") | (row["can_change_price"] != "yes"),
                ),
                _tier_input(index, row, "quantity", "Quantity (empty = unlimited)", input_mode="numeric"),
                _tier_input(index, row, "max_per_order", "Max per order", input_mode="numeric"),
                _tier_input(index, row, "sales_start_local", "Sales start (optional)", type="datetime-local"),
                _tier_input(index, row, "sales_end_local", "Sales end (optional)", type="datetime-local"),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="3",
                width="100%",
            ),
            _tier_input(index, row, "description", "Description (optional)", placeholder="What's included"),
            rx.checkbox(
                "Hidden (not shown on the event page)",
                checked=row["hidden"] == "yes",
                on_change=lambda checked: S.set_tier(index, "hidden", rx.cond(checked, "yes", "")),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def tiers_step() -> rx.Component:
    return rx.vstack(
        error_text("tiers"),
        rx.foreach(S.tier_rows, tier_card),
        rx.button(rx.icon("plus", size=14), "Add a ticket tier", variant="soft", on_click=S.add_tier, type="button"),
        spacing="3",
        width="100%",
    )


def partner_row(row: rx.Var, index: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.input(
            value=row["name"],
            on_change=lambda v: S.set_partner(index, "name", v),
            placeholder="Partner name",
            aria_label="Partner name " + (index + 1).to_string(),
            width="100%",
        ),
        rx.input(
            value=row["url"],
            on_change=lambda v: S.set_partner(index, "url", v),
            placeholder="https://…",
            aria_label="Partner website " + (index + 1).to_string(),
            width="100%",
        ),
        rx.icon_button(
            rx.icon("x", size=14),
            variant="ghost",
            on_click=S.remove_partner(index),
            type="button",
            aria_label="Remove partner " + (index + 1).to_string(),
        ),
        width="100%",
    )


def partners_step() -> rx.Component:
    return rx.vstack(
        rx.text("Sponsors and partners shown on the event page. Optional.", size="2", color_scheme="gray"),
        rx.foreach(S.partner_rows, partner_row),
        error_text("partners"),
        rx.button(rx.icon("plus", size=14), "Add a partner", variant="soft", on_click=S.add_partner, type="button"),
        spacing="3",
        width="100%",
    )
