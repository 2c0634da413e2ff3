"""The pieces of the organizer's event form, for the creator and the edit page alike."""

from __future__ import annotations

import reflex as rx

from eventpalour.components.uploads import file_drop
from eventpalour.config import SUPPORTED_CURRENCIES
from eventpalour.services.platform import N_
from eventpalour.services.sales import fee_percent_label
from eventpalour.state.event_form import BANNER_UPLOAD_ID, EventFormMixin
from eventpalour.state.language import fill, t

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
REFUND_POLICIES = [
    ("none", N_("No refunds")),
    ("days_before", N_("Refunds until some days before the start")),
    ("until_start", N_("Refunds until the event starts")),
]
SELECT_STYLE = {
    "padding": "8px",
    "border-radius": "8px",
    "width": "100%",
    "background": "var(--color-surface)",
    "border": "1px solid var(--gray-7)",
    "color": "inherit",
}
PLATFORMS = [("zoom", "Zoom"), ("google-meet", "Google Meet"), ("teams", "Microsoft Teams"), ("custom", N_("Other"))]


class EventFormParts:
    """The form's pieces bound to one page's state: the creator's or the edit page's (each has the
    event form through EventFormMixin, with its own values and errors)."""

    def __init__(self, state: type[EventFormMixin]) -> None:
        self.state = state

    def error_text(self, key: str | rx.Var, element_id: str | None = None) -> rx.Component:
        return rx.cond(
            self.state.errors.contains(key),
            rx.text(self.state.errors[key], color_scheme="red", size="2", role="alert", id=element_id),
        )

    def text_field(
        self, label: str | rx.Var, name: str, *, type_: str = "text", hint: str | rx.Var | None = None, **props
    ) -> rx.Component:
        input_id = f"event-{name}"
        return rx.vstack(
            rx.el.label(label, html_for=input_id, style=LABEL),
            rx.input(
                id=input_id,
                value=self.state.values[name],
                on_change=lambda v: self.state.set_value(name, v),
                type=type_,
                **props,
                width="100%",
                size="3",
                # Screen readers announce the field's error (or hint) with the field itself.
                aria_invalid=rx.cond(self.state.errors.contains(name), "true", "false"),
                aria_describedby=rx.cond(
                    self.state.errors.contains(name),
                    f"{input_id}-error",
                    f"{input_id}-hint" if hint is not None else "",
                ),
            ),
            rx.cond(
                self.state.errors.contains(name),
                self.error_text(name, f"{input_id}-error"),
                rx.text(hint, size="1", color_scheme="gray", id=f"{input_id}-hint")
                if hint is not None
                else rx.fragment(),
            ),
            spacing="1",
            width="100%",
        )

    def choice_field(
        self,
        label: str | rx.Var,
        name: str,
        options: list[tuple[str, str]],
        *,
        on_change=None,  # noqa: ANN001
    ) -> rx.Component:
        return rx.vstack(
            rx.el.label(label, style=LABEL),
            rx.segmented_control.root(
                *[rx.segmented_control.item(t(text), value=value) for value, text in options],
                value=self.state.values[name],
                on_change=on_change or (lambda v: self.state.set_value(name, v)),
                aria_label=label,
            ),
            self.error_text(name),
            spacing="1",
        )

    def select_field(self, label: str | rx.Var, name: str, options: list[tuple[str, str]]) -> rx.Component:
        input_id = f"event-{name}"
        return rx.vstack(
            rx.el.label(label, html_for=input_id, style=LABEL),
            rx.el.select(
                *[rx.el.option(t(text), value=value) for value, text in options],
                id=input_id,
                value=self.state.values[name],
                on_change=lambda v: self.state.set_value(name, v),
                style=SELECT_STYLE,
            ),
            self.error_text(name),
            spacing="1",
            width="100%",
        )

    def details_step(self) -> rx.Component:
        return rx.vstack(
            self.text_field(t("Title"), "title", placeholder=t("Jazz on the Lawn")),
            rx.vstack(
                rx.el.label(t("Description"), html_for="event-description", style=LABEL),
                rx.tabs.root(
                    rx.tabs.list(
                        rx.tabs.trigger(t("Write"), value="write"), rx.tabs.trigger(t("Preview"), value="preview")
                    ),
                    rx.tabs.content(
                        rx.text_area(
                            id="event-description",
                            value=self.state.values["description"],
                            on_change=lambda v: self.state.set_value("description", v),
                            rows="8",
                            width="100%",
                            placeholder=t("What will people experience? Markdown works: **bold**, lists, links."),
                        ),
                        value="write",
                        padding_top="8px",
                    ),
                    rx.tabs.content(
                        # Raw HTML stays off: a description must never run script in anyone's browser.
                        rx.box(rx.markdown(self.state.values["description"], use_raw=False), padding="8px"),
                        value="preview",
                    ),
                    default_value="write",
                    width="100%",
                ),
                self.error_text("description"),
                width="100%",
                spacing="1",
            ),
            self.category_field(),
            self.banner_uploader(),
            spacing="4",
            width="100%",
        )

    def category_field(self) -> rx.Component:
        """A select of the managed list (#24 §7), and "Suggest a category" for a name it lacks."""
        return rx.vstack(
            rx.el.label(t("Category"), html_for="event-category", style=LABEL),
            rx.el.select(
                rx.el.option(t("Choose a category"), value=""),
                rx.foreach(self.state.category_names, lambda name: rx.el.option(name, value=name)),
                id="event-category",
                value=self.state.values["category"],
                on_change=lambda v: self.state.set_value("category", v),
                aria_invalid=rx.cond(self.state.errors.contains("category"), "true", "false"),
                style=SELECT_STYLE,
            ),
            self.error_text("category"),
            self.suggestion_dialog(),
            spacing="1",
            width="100%",
        )

    def suggestion_dialog(self) -> rx.Component:
        return rx.dialog.root(
            rx.dialog.trigger(
                rx.button(t("Suggest a category"), variant="ghost", size="1", type="button"),
            ),
            rx.dialog.content(
                rx.dialog.title(t("Suggest a category")),
                rx.dialog.description(
                    t("The EventPalour team reviews new categories. Until yours is approved, pick the closest one."),
                    size="2",
                ),
                rx.form(
                    rx.vstack(
                        rx.el.label(t("Category name"), html_for="suggested-category", style=LABEL),
                        rx.input(id="suggested-category", name="name", max_length=64, width="100%"),
                        rx.cond(
                            self.state.suggestion_error != "",
                            rx.text(self.state.suggestion_error, color_scheme="red", size="2", role="alert"),
                        ),
                        rx.hstack(
                            rx.dialog.close(rx.button(t("Cancel"), variant="soft", color_scheme="gray", type="button")),
                            rx.button(t("Send suggestion"), type="submit"),
                            justify="end",
                            width="100%",
                        ),
                        width="100%",
                    ),
                    on_submit=self.state.suggest_category,
                    reset_on_submit=False,
                ),
            ),
            open=self.state.suggesting,
            on_open_change=self.state.open_suggestion,
        )

    def banner_uploader(self) -> rx.Component:
        return rx.vstack(
            rx.el.label(t("Banner image"), html_for=BANNER_UPLOAD_ID, style=LABEL),
            rx.cond(
                self.state.values["banner_url"] != "",
                rx.image(
                    src=self.state.values["banner_url"],
                    width="100%",
                    max_height="220px",
                    object_fit="cover",
                    border_radius="12px",
                    alt=t("Event banner preview"),
                ),
            ),
            file_drop(
                rx.hstack(
                    rx.icon("image-up", size=20),
                    rx.text(t("Drop a PNG, JPG or WebP (up to 5 MB), or click"), size="2"),
                    align="center",
                ),
                id=BANNER_UPLOAD_ID,
                label=t("Event banner"),
                accept={"image/png": [".png"], "image/jpeg": [".jpg", ".jpeg"], "image/webp": [".webp"]},
                max_files=1,
                on_drop=self.state.upload_banner(
                    rx.upload_files(upload_id=BANNER_UPLOAD_ID, on_upload_progress=self.state.track_banner)
                ),
                border=f"1px dashed {rx.color('gray', 7)}",
                border_radius="12px",
                padding="14px",
                width="100%",
                cursor="pointer",
            ),
            self.error_text("banner_url"),
            width="100%",
            spacing="2",
        )

    def when_step(self) -> rx.Component:
        return rx.vstack(
            rx.grid(
                self.text_field(t("Starts"), "start_local", type_="datetime-local"),
                self.text_field(t("Ends"), "end_local", type_="datetime-local"),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="4",
                width="100%",
            ),
            self.select_field(t("Time zone"), "timezone", [(z, z.replace("_", " ")) for z in TIMEZONES]),
            rx.text(t("Times are shown to attendees in this time zone."), size="1", color_scheme="gray"),
            spacing="4",
            width="100%",
        )

    def where_step(self) -> rx.Component:
        in_person = (self.state.values["type"] == "physical") | (self.state.values["type"] == "hybrid")
        online = (self.state.values["type"] == "online") | (self.state.values["type"] == "hybrid")
        return rx.vstack(
            self.choice_field(
                t("Where does it happen?"),
                "type",
                [("physical", N_("In person")), ("online", N_("Online")), ("hybrid", N_("Hybrid"))],
            ),
            rx.cond(
                in_person,
                rx.vstack(
                    self.text_field(t("Venue"), "venue", placeholder=t("KICC, Harambee Avenue")),
                    rx.grid(
                        self.text_field(t("City"), "city", placeholder=t("Nairobi")),
                        self.text_field(t("Country"), "country", placeholder=t("Kenya")),
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
                    self.select_field(t("Meeting platform"), "meeting_platform", PLATFORMS),
                    self.text_field(
                        t("Meeting link"),
                        "online_link",
                        type_="url",
                        placeholder="https://zoom.us/j/…",
                        hint=t("Only people with a ticket see this link."),
                    ),
                    width="100%",
                    spacing="4",
                ),
            ),
            spacing="4",
            width="100%",
        )

    def pricing_step(self) -> rx.Component:
        return rx.vstack(
            self.choice_field(
                t("Pricing"), "pricing", [("free", N_("Free")), ("paid", N_("Paid"))], on_change=self.state.set_pricing
            ),
            rx.cond(
                self.state.is_paid,
                rx.vstack(
                    self.select_field(t("Currency"), "currency", [(c, c) for c in SUPPORTED_CURRENCIES]),
                    self.choice_field(
                        t("Platform fee ({percent})", percent=fee_percent_label()),
                        "fee_mode",
                        [("absorb", N_("I absorb it")), ("pass_on", N_("Buyers pay it"))],
                    ),
                    self.refund_policy_fields(),
                    self.text_field(
                        t("Waitlist offer window (minutes)"),
                        "waitlist_offer_minutes",
                        input_mode="numeric",
                        hint=t(
                            "When seats of a sold-out ticket with a waitlist come back, they are held this long "
                            "for the next person in line (5 to 1440 minutes)."
                        ),
                    ),
                    rx.callout(
                        t("Paid events can be published once your workspace's KYC is approved."), icon="info", size="1"
                    ),
                    spacing="4",
                    width="100%",
                ),
            ),
            self.sms_field(),
            spacing="4",
            width="100%",
        )

    def sms_field(self) -> rx.Component:
        """SMS tickets (#23 §3): checkout asks for a phone; confirmations, transfers and announcements
        then also go by text message."""
        return rx.vstack(
            rx.checkbox(
                t("Ask buyers for a phone number for SMS tickets"),
                id="event-sms_tickets",
                checked=self.state.values["sms_tickets"] == "yes",
                on_change=lambda checked: self.state.set_flag("sms_tickets", checked),
                aria_describedby="event-sms_tickets-hint",
            ),
            rx.text(
                t(
                    "Buyers may add a phone at checkout; their ticket codes, transfers and your announcements then "
                    "also reach them by SMS."
                ),
                size="1",
                color_scheme="gray",
                id="event-sms_tickets-hint",
            ),
            spacing="1",
            width="100%",
        )

    def refund_policy_fields(self) -> rx.Component:
        """When buyers may ask for a refund, and the organizer's own words about it (#19 §5)."""
        return rx.vstack(
            self.select_field(t("Refund policy"), "refund_policy", REFUND_POLICIES),
            rx.cond(
                self.state.refund_days_shown,
                self.text_field(
                    t("Days before the start"),
                    "refund_days",
                    input_mode="numeric",
                    hint=t("Buyers can ask for a refund until this many days before the event starts."),
                ),
            ),
            rx.vstack(
                rx.el.label(t("Refund policy details (optional)"), html_for="event-refund_policy_text", style=LABEL),
                rx.text_area(
                    id="event-refund_policy_text",
                    value=self.state.values["refund_policy_text"],
                    on_change=lambda v: self.state.set_value("refund_policy_text", v),
                    rows="3",
                    width="100%",
                    max_length=1000,
                    placeholder=t("e.g. Refunds exclude the platform fee. Tickets can also be transferred."),
                ),
                self.error_text("refund_policy_text"),
                spacing="1",
                width="100%",
            ),
            spacing="3",
            width="100%",
        )

    def _tier_input(self, index: rx.Var, row: rx.Var, name: str, label: str, **props) -> rx.Component:
        key = "tiers." + index.to_string() + "." + name
        return rx.vstack(
            rx.text(label, size="1", weight="bold"),
            rx.input(
                value=getattr(row, name),
                on_change=lambda v: self.state.set_tier(index, name, v),
                aria_label=label,
                width="100%",
                **props,
            ),
            self.error_text(key),
            spacing="1",
            width="100%",
        )

    def tier_card(self, row: rx.Var, index: rx.Var) -> rx.Component:
        number = (index + 1).to_string()
        waitlist_key = "tiers." + index.to_string() + ".waitlist"
        return rx.card(
            rx.vstack(
                rx.hstack(
                    rx.heading(fill(t("Ticket {number}"), number=number), size="3", as_="h3"),
                    rx.cond(row.hidden, rx.badge(rx.icon("eye-off", size=12), t("Hidden"), color_scheme="gray")),
                    rx.cond(
                        row.has_sales,
                        rx.badge(
                            fill(t("{sold} sold · {held} reserved"), sold=row.sold, held=row.held),
                            color_scheme="green",
                        ),
                    ),
                    rx.spacer(),
                    rx.cond(
                        row.can_delete,
                        rx.icon_button(
                            rx.icon("trash-2", size=14),
                            variant="ghost",
                            color_scheme="red",
                            on_click=self.state.remove_tier(index),
                            aria_label=fill(t("Remove ticket {number}"), number=number),
                            type="button",
                        ),
                    ),
                    width="100%",
                    align="center",
                ),
                rx.grid(
                    self._tier_input(index, row, "name", t("Ticket name"), placeholder=t("Early Bird")),
                    self._tier_input(
                        index,
                        row,
                        "price",
                        fill(t("Price ({currency})"), currency=self.state.values["currency"]),
                        input_mode="decimal",
                        disabled=(self.state.values["pricing"] == "free") | ~row.can_change_price,
                    ),
                    self._tier_input(index, row, "quantity", t("Quantity (empty = unlimited)"), input_mode="numeric"),
                    self._tier_input(index, row, "max_per_order", t("Max per order"), input_mode="numeric"),
                    self._tier_input(
                        index, row, "sales_start_local", t("Sales start (optional)"), type="datetime-local"
                    ),
                    self._tier_input(index, row, "sales_end_local", t("Sales end (optional)"), type="datetime-local"),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="3",
                    width="100%",
                ),
                self._tier_input(
                    index, row, "description", t("Description (optional)"), placeholder=t("What's included")
                ),
                rx.checkbox(
                    t("Hidden (shown on the event page only with an access code that unlocks it)"),
                    checked=row.hidden,
                    on_change=lambda checked: self.state.set_tier(index, "hidden", checked),
                ),
                rx.checkbox(
                    t("Waitlist when sold out"),
                    checked=row.waitlist,
                    on_change=lambda checked: self.state.set_tier(index, "waitlist", checked),
                ),
                self.error_text(waitlist_key),
                spacing="3",
                width="100%",
            ),
            width="100%",
        )

    def tiers_step(self) -> rx.Component:
        return rx.vstack(
            self.error_text("tiers"),
            rx.foreach(self.state.tier_rows, lambda row, index: self.tier_card(row, index)),
            rx.hstack(
                rx.button(
                    rx.icon("plus", size=14),
                    t("Add a ticket tier"),
                    variant="soft",
                    on_click=self.state.add_tier,
                    type="button",
                ),
                self.template_menu(),
                wrap="wrap",
                spacing="3",
                align="center",
            ),
            self.template_hint(),
            spacing="3",
            width="100%",
        )

    def template_menu(self) -> rx.Component:
        """ "Add from template": the workspace's templates that fit this event, each appending a tier."""
        return rx.cond(
            self.state.template_choices.length() > 0,
            rx.menu.root(
                rx.menu.trigger(
                    rx.button(
                        rx.icon("copy-plus", size=14),
                        t("Add from template"),
                        rx.icon("chevron-down", size=14),
                        variant="outline",
                        type="button",
                    )
                ),
                rx.menu.content(
                    rx.foreach(
                        self.state.template_choices,
                        lambda choice: rx.menu.item(
                            choice.label, on_select=self.state.add_tier_from_template(choice.id)
                        ),
                    ),
                ),
            ),
        )

    def template_hint(self) -> rx.Component:
        """Where templates are kept when the workspace has none; why none is offered when it has some
        (prices are never converted)."""
        return rx.cond(
            self.state.has_tier_templates,
            rx.cond(
                self.state.template_choices.length() == 0,
                rx.text(
                    t(
                        "None of your ticket templates fits this event: prices are not converted, so a priced "
                        "template is offered only to paid events in its currency (free templates fit every event)."
                    ),
                    size="1",
                    color_scheme="gray",
                ),
            ),
            rx.text(
                t("Sell the same tickets often? Keep them as "),
                rx.link(t("ticket templates in the workspace settings"), href=self.state.templates_path),
                t(" and add them here in one click."),
                size="1",
                color_scheme="gray",
            ),
        )

    def partner_row(self, row: rx.Var, index: rx.Var) -> rx.Component:
        number = (index + 1).to_string()
        return rx.hstack(
            rx.input(
                value=row.name,
                on_change=lambda v: self.state.set_partner(index, "name", v),
                placeholder=t("Partner name"),
                aria_label=fill(t("Partner name {number}"), number=number),
                width="100%",
            ),
            rx.input(
                value=row.url,
                on_change=lambda v: self.state.set_partner(index, "url", v),
                placeholder="https://…",
                aria_label=fill(t("Partner website {number}"), number=number),
                width="100%",
            ),
            rx.icon_button(
                rx.icon("x", size=14),
                variant="ghost",
                on_click=self.state.remove_partner(index),
                type="button",
                aria_label=fill(t("Remove partner {number}"), number=number),
            ),
            width="100%",
        )

    def partners_step(self) -> rx.Component:
        return rx.vstack(
            rx.text(t("Sponsors and partners shown on the event page. Optional."), size="2", color_scheme="gray"),
            rx.foreach(self.state.partner_rows, lambda row, index: self.partner_row(row, index)),
            self.error_text("partners"),
            rx.button(
                rx.icon("plus", size=14),
                t("Add a partner"),
                variant="soft",
                on_click=self.state.add_partner,
                type="button",
            ),
            spacing="3",
            width="100%",
        )
