"""The tickets panel of an event page: each visible tier's price and sale state, a quantity picker
for the tiers on sale, and the running subtotal. The checkout button holds the tickets through services/checkout."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.components.checkout_answers import answers_form
from eventpalour.components.countdown import countdown
from eventpalour.components.guest_checkout import guest_choice, guest_registered
from eventpalour.components.lists import count_words
from eventpalour.state.event_detail import EventDetailState
from eventpalour.state.language import t

TICKETS_ID = "tickets"
BAR_HEIGHT = "72px"
STATE_COLORS = (("on_sale", "green"), ("sold_out", "red"), ("not_started", "amber"), "gray")


def _stepper(tier: rx.Var) -> rx.Component:
    tier_id = tier.id
    count = EventDetailState.quantities[tier_id]
    return rx.hstack(
        rx.icon_button(
            rx.icon("minus", size=16),
            on_click=EventDetailState.change_quantity(tier_id, -1),
            disabled=count <= 0,
            variant="soft",
            size="2",
            aria_label=t("One fewer ") + tier.name,
        ),
        rx.text(count, weight="bold", min_width="28px", text_align="center", aria_live="polite"),
        rx.icon_button(
            rx.icon("plus", size=16),
            on_click=EventDetailState.change_quantity(tier_id, 1),
            disabled=count >= EventDetailState.max_quantities[tier_id],
            variant="soft",
            size="2",
            aria_label=t("One more ") + tier.name,
        ),
        align="center",
        spacing="2",
    )


def _tier(offer: rx.Var, *, picking: bool = True) -> rx.Component:
    tier = offer.tier
    return rx.vstack(
        rx.hstack(
            rx.text(tier.name, weight="bold", size="3"),
            rx.cond(tier.unlocked, rx.badge(rx.icon("key-round", size=12), t("Unlocked by your code"), variant="soft")),
            rx.spacer(),
            rx.text(offer.price, weight="bold", size="3", white_space="nowrap"),
            width="100%",
            align="start",
            spacing="3",
        ),
        rx.cond(tier.description != "", rx.text(tier.description, size="2", color_scheme="gray")),
        rx.hstack(
            rx.badge(offer.sale_label, color_scheme=rx.match(tier.sale_state, *STATE_COLORS), variant="soft"),
            rx.cond(offer.left != "", rx.text(offer.left, size="1", color=rx.color("orange", 11))),
            rx.spacer(),
            rx.cond(offer.on_sale & EventDetailState.can_pick, _stepper(tier)) if picking else rx.fragment(),
            align="center",
            width="100%",
            wrap="wrap",
            spacing="2",
        ),
        _waitlist(tier),
        spacing="2",
        width="100%",
        padding_y="12px",
        border_top=f"1px solid {rx.color('gray', 4)}",
        data_testid="tier",
    )


def _waitlist(tier: rx.Var) -> rx.Component:
    """A sold-out tier with a waitlist: the visitor's place in line (and Leave), or a form to join."""
    tier_id = tier.id
    field_id = "waitlist-quantity-" + tier_id
    error_id = "waitlist-error-" + tier_id
    error = EventDetailState.waitlist_errors[tier_id]
    return rx.cond(
        EventDetailState.waitlist_spots[tier_id] != "",
        rx.hstack(
            rx.icon("list-ordered", size=16, color=rx.color("accent", 11)),
            rx.text(EventDetailState.waitlist_spots[tier_id], size="2", role="status"),
            rx.spacer(),
            rx.button(
                t("Leave the waitlist"),
                variant="ghost",
                color_scheme="gray",
                size="1",
                on_click=EventDetailState.leave_waitlist(tier_id),
            ),
            align="center",
            width="100%",
            wrap="wrap",
        ),
        rx.cond(
            EventDetailState.waitlist_joinable[tier_id],
            rx.form(
                rx.vstack(
                    rx.text(
                        t("Sold out. Join the waitlist (up to "),
                        EventDetailState.waitlist_max[tier_id],
                        t(") and we'll email you if seats come back."),
                        size="2",
                    ),
                    rx.hstack(
                        rx.el.label(t("Tickets wanted"), html_for=field_id, style={"fontSize": "14px"}),
                        rx.input(
                            id=field_id,
                            name="quantity",
                            type="number",
                            input_mode="numeric",
                            default_value="1",
                            width="80px",
                            aria_invalid=rx.cond(error != "", "true", "false"),
                            aria_describedby=error_id,
                        ),
                        rx.el.input(type="hidden", name="tier_id", value=tier_id),
                        rx.button(
                            t("Join the waitlist"),
                            type="submit",
                            variant="soft",
                            size="2",
                            loading=EventDetailState.joining_tier == tier_id,
                        ),
                        align="center",
                        wrap="wrap",
                        spacing="2",
                    ),
                    rx.cond(error != "", rx.text(error, id=error_id, size="1", color=rx.color("red", 11))),
                    spacing="1",
                    width="100%",
                ),
                on_submit=EventDetailState.join_waitlist,
                reset_on_submit=False,
                width="100%",
            ),
        ),
    )


def _subtotal() -> rx.Component:
    return rx.cond(
        ~EventDetailState.can_pick,
        rx.fragment(),
        rx.cond(
            EventDetailState.ticket_count > 0,
            rx.hstack(
                rx.text(
                    count_words(EventDetailState.ticket_count, t("{count} ticket"), t("{count} tickets")),
                    color_scheme="gray",
                ),
                rx.spacer(),
                rx.text(t("Subtotal "), rx.text.strong(EventDetailState.subtotal_label), id="subtotal"),
                width="100%",
                align="center",
                aria_live="polite",
                padding_top="12px",
                border_top=f"1px solid {rx.color('gray', 4)}",
            ),
            rx.cond(
                EventDetailState.on_sale,
                rx.text(
                    t("Choose how many tickets you want."),
                    size="2",
                    color_scheme="gray",
                    padding_top="12px",
                    border_top=f"1px solid {rx.color('gray', 4)}",
                    width="100%",
                ),
            ),
        ),
    )


def ticket_qr_card(ticket: rx.Var) -> rx.Component:
    """One issued ticket: its QR code on white (scanners need the contrast, also in dark mode) and code."""
    return rx.vstack(
        rx.box(
            rx.image(
                src=ticket.qr_data_uri, alt=t("QR code for ticket ") + ticket.short_code, width="100%", height="auto"
            ),
            background="white",
            border_radius="8px",
            padding="4px",
            width="100%",
        ),
        rx.code(ticket.short_code, size="3", weight="bold"),
        rx.text(ticket.tier_name, size="1", color_scheme="gray"),
        rx.cond(ticket.attendee_name != "", rx.text(ticket.attendee_name, size="1", weight="medium")),
        align="center",
        spacing="1",
        width="128px",
        data_testid="ticket",
    )


def _registered() -> rx.Component:
    """The visitor's tickets for this event, shown where they would pick more."""
    return rx.callout(
        rx.vstack(
            rx.text(
                rx.cond(EventDetailState.is_free, t("You're registered! Your tickets:"), t("Your tickets:")),
                weight="bold",
            ),
            rx.hstack(rx.foreach(EventDetailState.registered_tickets, ticket_qr_card), wrap="wrap", spacing="3"),
            rx.text(t("We emailed them too. Show a QR code (or its code) at the door."), size="2"),
            spacing="2",
        ),
        icon="party-popper",
        color_scheme="green",
        role="status",
        width="100%",
    )


def _refund_policy_line(line: rx.Var) -> rx.Component:
    return rx.text(line, size="2", color_scheme="gray", white_space="pre-wrap")


def _refund_policy() -> rx.Component:
    """The event's refund policy, under the tiers and so before anyone pays (none for a free event)."""
    return rx.cond(
        EventDetailState.refund_policy.length() > 0,
        rx.vstack(
            rx.text(t("Refund policy"), weight="bold", size="2"),
            rx.foreach(EventDetailState.refund_policy, _refund_policy_line),
            spacing="1",
            width="100%",
            role="note",
            aria_label=t("Refund policy"),
        ),
    )


def _held() -> rx.Component:
    """The order the visitor is paying for: what is held, for how long, and the way to pay or let go."""
    return rx.vstack(
        rx.callout(
            rx.vstack(
                rx.text(
                    EventDetailState.held.count,
                    t(" held for you · "),
                    rx.text.strong(EventDetailState.held.total),
                ),
                rx.cond(
                    EventDetailState.held.discount != "",
                    rx.text(t("With "), EventDetailState.held.discount, size="2", data_testid="held-discount"),
                ),
                rx.hstack(
                    rx.text(
                        rx.cond(
                            EventDetailState.held.order.claim_registers,
                            t("Time left to register"),
                            t("Time left to pay"),
                        )
                    ),
                    countdown(
                        seconds_left=EventDetailState.held_seconds,
                        on_expire=EventDetailState.hold_expired,
                        aria_label=rx.cond(
                            EventDetailState.held.order.claim_registers,
                            t("Time left to register"),
                            t("Time left to pay"),
                        ),
                        style={"fontWeight": "700", "fontVariantNumeric": "tabular-nums"},
                    ),
                    spacing="2",
                    align="center",
                ),
                spacing="1",
            ),
            icon="timer",
            color_scheme="amber",
            width="100%",
        ),
        # A waitlist offer asks the attendee questions for its tickets before it is claimed.
        rx.cond(EventDetailState.held.order.is_waitlist_offer, answers_form()),
        rx.button(
            rx.cond(
                EventDetailState.held.order.claim_registers,
                rx.fragment(rx.icon("ticket", size=16), t("Register")),
                rx.fragment(rx.icon("lock", size=16), t("Pay "), EventDetailState.held.total),
            ),
            size="3",
            width="100%",
            loading=EventDetailState.is_paying,
            on_click=EventDetailState.pay,
        ),
        rx.button(
            t("Cancel order"),
            variant="ghost",
            color_scheme="gray",
            width="100%",
            on_click=EventDetailState.cancel_hold,
        ),
        rx.text(
            t("Order "),
            EventDetailState.held.order.reference,
            rx.cond(EventDetailState.held.order.claim_registers, ".", t(". You pay securely with Paystack.")),
            size="1",
            color_scheme="gray",
        ),
        width="100%",
        spacing="2",
    )


def _price_row(line: rx.Var) -> rx.Component:
    """A line of the breakdown; the total's figure keeps id="total". The row (a div grouping a dt and
    its dd, which a <dl> allows) holds nothing else: the figure goes right by `justify`, not a spacer."""
    return rx.hstack(
        rx.el.dt(rx.text(line.label, size="2", weight=rx.cond(line.is_total, "bold", "regular"))),
        rx.el.dd(
            rx.cond(
                line.is_total,
                rx.text(line.value, weight="bold", id="total"),
                rx.text(line.value, size="2"),
            ),
            style={"margin": "0"},
        ),
        justify="between",
        width="100%",
        data_testid="price-line",
    )


def _code_box() -> rx.Component:
    """t("Have a code?"): type a discount or access code and apply it; an applied code shows with Remove."""
    return rx.cond(
        EventDetailState.applied_code != "",
        rx.hstack(
            rx.icon("ticket-percent", size=16, color=rx.color("green", 11)),
            rx.text(
                t("Code "),
                rx.text.strong(EventDetailState.applied_code),
                " · ",
                EventDetailState.code_label,
                size="2",
                data_testid="applied-code",
            ),
            rx.spacer(),
            rx.button(
                t("Remove"), variant="ghost", size="1", color_scheme="gray", on_click=EventDetailState.remove_code
            ),
            width="100%",
            align="center",
        ),
        rx.form(
            rx.vstack(
                rx.el.label(t("Have a code?"), html_for="discount-code", style={"fontSize": "14px"}),
                rx.hstack(
                    rx.input(
                        id="discount-code",
                        name="code",
                        value=EventDetailState.code_input,
                        on_change=EventDetailState.set_code_input,
                        placeholder=t("Discount or access code"),
                        max_length=32,
                        auto_complete="off",
                        aria_invalid=rx.cond(EventDetailState.code_error != "", "true", "false"),
                        aria_describedby="discount-code-error",
                        flex="1",
                    ),
                    rx.button(t("Apply"), type="submit", variant="soft", loading=EventDetailState.is_applying_code),
                    width="100%",
                ),
                rx.cond(
                    EventDetailState.code_error != "",
                    rx.text(EventDetailState.code_error, id="discount-code-error", size="1", color=rx.color("red", 11)),
                ),
                spacing="1",
                width="100%",
            ),
            on_submit=EventDetailState.apply_code,
            width="100%",
        ),
    )


def _sms_phone() -> rx.Component:
    """The phone the tickets are texted to (#23 §3): optional; checkout normalises and checks it."""
    state = EventDetailState
    return rx.vstack(
        rx.el.label(
            t("Phone for SMS tickets (optional)"), html_for="sms-phone", style={"fontSize": "14px", "fontWeight": "500"}
        ),
        rx.input(
            id="sms-phone",
            type="tel",
            auto_complete="tel",
            placeholder="0712 345 678 or +254 712 345 678",
            value=state.sms_phone,
            on_change=state.set_sms_phone,
            aria_invalid=rx.cond(state.sms_phone_error != "", "true", "false"),
            aria_describedby=rx.cond(state.sms_phone_error != "", "sms-phone-error", "sms-phone-hint"),
            width="100%",
        ),
        rx.cond(
            state.sms_phone_error != "",
            rx.text(state.sms_phone_error, id="sms-phone-error", size="1", color=rx.color("red", 11), role="alert"),
            rx.text(
                t("We text your ticket codes and a link to your tickets to this number."),
                id="sms-phone-hint",
                size="1",
                color_scheme="gray",
            ),
        ),
        spacing="1",
        width="100%",
    )


def _breakdown() -> rx.Component:
    return rx.vstack(
        rx.el.dl(
            rx.foreach(EventDetailState.price_rows, _price_row),
            aria_label=t("Price breakdown"),
            style={"width": "100%", "margin": "0"},
        ),
        answers_form(),
        # Signed in: the SMS phone (when the event texts tickets); signed out: the guest choice.
        rx.cond(EventDetailState.asks_sms_phone & ~EventDetailState.offers_guest_checkout, _sms_phone()),
        rx.cond(
            EventDetailState.offers_guest_checkout,
            guest_choice(),
            rx.button(
                rx.cond(EventDetailState.total_is_free, t("Register"), t("Checkout")),
                size="3",
                width="100%",
                loading=EventDetailState.is_checking_out,
                on_click=EventDetailState.checkout,
            ),
        ),
        rx.text(t("Paid tickets are held for 15 minutes while you pay with Paystack."), size="1", color_scheme="gray"),
        rx.text(
            rx.cond(EventDetailState.total_is_free, t("By registering"), t("By buying")),
            t(" you agree to the "),
            rx.link(t("Terms"), href=routes.LEGAL_TERMS, is_external=True),
            t(" and the "),
            rx.link(t("Refund policy"), href=routes.LEGAL_REFUNDS, is_external=True),
            ".",
            size="1",
            color_scheme="gray",
        ),
        width="100%",
        spacing="2",
    )


def _checkout() -> rx.Component:
    """The visitor's tickets, then the held order being paid or else the breakdown and checkout."""
    return rx.vstack(
        rx.cond(EventDetailState.registered_tickets.length() > 0, _registered()),
        rx.cond(EventDetailState.guest_sent_to != "", guest_registered()),
        rx.cond(
            EventDetailState.held,
            _held(),
            rx.fragment(
                rx.cond(EventDetailState.offers_code, _code_box()),
                rx.cond(EventDetailState.can_pick & (EventDetailState.ticket_count > 0), _breakdown()),
            ),
        ),
        width="100%",
        spacing="3",
    )


def tiers_panel() -> rx.Component:
    return rx.box(
        rx.card(
            rx.vstack(
                rx.heading(t("Tickets"), size="5", as_="h2"),
                rx.cond(
                    EventDetailState.tiers.length() > 0,
                    rx.vstack(rx.foreach(EventDetailState.tiers, _tier), spacing="0", width="100%"),
                    rx.text(t("No tickets are available for this event."), color_scheme="gray"),
                ),
                _subtotal(),
                _refund_policy(),
                _checkout(),
                spacing="3",
                width="100%",
            ),
            size="3",
            width="100%",
        ),
        id=TICKETS_ID,
        grid_area="tickets",
        align_self="start",
        scroll_margin_top="80px",
        position=rx.breakpoints(initial="static", md="sticky"),
        top="88px",
        width="100%",
    )


def sticky_ticket_bar() -> rx.Component:
    """Phones only: a bar fixed to the bottom with the lowest price on sale and t("Get tickets"), which
    scrolls to the tickets panel (wide screens show the panel beside the story, so no bar there).
    A spacer of its height ends the page, so the bar never covers the footer's last lines."""
    shown = EventDetailState.on_sale | EventDetailState.held
    bar = rx.hstack(
        rx.vstack(
            rx.text(rx.cond(EventDetailState.held, t("Your order"), t("Tickets")), size="1", color_scheme="gray"),
            rx.text(
                rx.cond(EventDetailState.held, EventDetailState.held.total, EventDetailState.lowest_price),
                weight="bold",
                size="3",
            ),
            spacing="0",
            min_width="0",
        ),
        rx.spacer(),
        rx.button(
            rx.cond(EventDetailState.held, t("View order"), t("Get tickets")),
            size="3",
            on_click=rx.scroll_to(TICKETS_ID),
        ),
        align="center",
        position="fixed",
        bottom="0",
        left="0",
        right="0",
        z_index="20",
        height=BAR_HEIGHT,
        padding_x="16px",
        padding_bottom="env(safe-area-inset-bottom)",
        background=rx.color("gray", 1),
        border_top=f"1px solid {rx.color('gray', 5)}",
        box_shadow="0 -4px 16px rgba(0, 0, 0, 0.08)",
        display=rx.breakpoints(initial="flex", md="none"),
        role="region",
        aria_label=t("Get tickets"),
        data_testid="ticket-bar",
    )
    return rx.cond(
        shown,
        rx.fragment(bar, rx.box(height=BAR_HEIGHT, display=rx.breakpoints(initial="block", md="none"))),
    )


def tier_list_preview(offers: rx.Var) -> rx.Component:
    """The tickets as the event page lists them, with nothing to pick (the creator's preview)."""
    return rx.card(
        rx.vstack(
            rx.heading(t("Tickets"), size="5", as_="h2"),
            rx.foreach(offers, lambda offer: _tier(offer, picking=False)),
            spacing="1",
            width="100%",
        ),
        width="100%",
    )
