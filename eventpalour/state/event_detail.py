"""/e/{short_id}: one event's public page and the ticket quantities a visitor is picking.

The quantities only shape the subtotal shown here; checkout re-applies every rule (tier on sale,
per-order cap, seats left) inside its own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import reflex as rx

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.models import EventType
from eventpalour.models.types import utcnow
from eventpalour.services import events, sales, tickets
from eventpalour.services.events import (
    STATUS_NOTES,
    PublicEvent,
    PublicPartner,
    PublicTier,
    map_url,
    online_label,
    place_of,
)
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import (
    N_,
    DomainError,
    NotFound,
    ValidationFailed,
    event_schedule,
    format_money,
    gettext,
    price_from_label,
    price_label,
    render_markdown,
    said,
    ticket_count_words,
)
from eventpalour.services.sales import (
    Discount,
    HeldOrder,
    PriceLine,
    SaleState,
    clamp_quantity,
    price_lines,
    price_of,
)
from eventpalour.services.tickets import HolderAnnouncement, TicketView
from eventpalour.services.workspaces import initials_of
from eventpalour.state.base import AuthState, call_service, navigate_hard
from eventpalour.state.checkout_answers import CheckoutAnswersMixin
from eventpalour.state.event_dates import DateChoice, series_date_choices
from eventpalour.state.guest_checkout import GuestCheckoutMixin


@dataclass(frozen=True)
class EventPage:
    """The event as its page shows it. Built from PublicEvent, which has no meeting link, so it cannot
    leak here."""

    title: str
    # The description's Markdown as HTML, rendered here (no author HTML, no javascript: links): the
    # page then ships no Markdown renderer (react-markdown and remark, 43 KB gzip on a slow phone).
    description_html: str
    category: str
    schedule: str
    zone: str
    venue: str  # "" for an online event, like `place` and `map_url`
    place: str
    map_url: str
    online: str  # "" for an in-person event
    banner_url: str
    status_note: str
    note_tone: str
    note_icon: str
    organizer: str
    organizer_url: str  # the organizer's public page, /o/{slug}
    organizer_logo_url: str
    organizer_initials: str
    verified: bool
    share_url: str


def _said(text: str, language: str) -> str:
    """A service's sentence (empty when there is none) in the reader's language."""
    return gettext(language, text) if text else ""


def event_page(event: PublicEvent, language: str = "en") -> EventPage:
    place = place_of(event)
    in_person = event.type != EventType.ONLINE
    return EventPage(
        title=event.title,
        description_html=render_markdown(event.description),
        category=event.category,
        schedule=event_schedule(event.start_at, event.end_at, event.timezone, language),
        zone=event.timezone.replace("_", " "),
        venue=event.venue if in_person else "",
        place=place if in_person else "",
        map_url=map_url(f"{event.venue}, {place}") if in_person and place else "",
        online=_said(online_label(event), language),
        banner_url=event.banner_url,
        status_note=_said(STATUS_NOTES.get(event.status, ""), language),
        note_tone="red" if event.is_cancelled else "amber" if event.is_postponed else "gray",
        note_icon="circle-x" if event.is_cancelled else "info",
        organizer=event.organizer_name,
        organizer_url=routes.organizer_url(event.organizer_slug),
        organizer_logo_url=event.organizer_logo_url,
        organizer_initials=initials_of(event.organizer_name),
        verified=event.organizer_verified,
        share_url=settings.app_url + routes.event_url(event.short_id),
    )


@dataclass(frozen=True)
class TierOffer:
    """A tier in the tickets panel: the service's tier, its price in words, "Only 3 left" when few are,
    and whether its quantity can be picked (it is on sale now)."""

    tier: PublicTier
    price: str
    left: str
    on_sale: bool
    sale_label: str = ""  # "On sale", "Imeuzwa yote", "Ventes dès le 5 déc., 18:00": the tier's sale words


def tier_offer(tier: PublicTier, currency: str, language: str = "en") -> TierOffer:
    on_sale = tier.sale_state == SaleState.ON_SALE
    left = tier.available if on_sale else None
    return TierOffer(
        tier=tier,
        price=price_label(tier.price, currency, language),
        left=gettext(language, "Only {count} left").format(count=left) if left is not None and left <= 10 else "",
        on_sale=on_sale,
        sale_label=said(language, tier.sale_label),
    )


@dataclass(frozen=True)
class Hold:
    """The visitor's order holding seats while they pay: its total and ticket count in words."""

    order: HeldOrder
    total: str
    count: str
    discount: str = ""  # "code HALF: − KES 750.00", or "" without a discount


def hold_of(order: HeldOrder, language: str = "en") -> Hold:
    off = format_money(order.discount, order.currency, language)
    discount = gettext(language, "code {code}: − {amount}").format(code=order.discount_code, amount=off)
    return Hold(
        order=order,
        total=format_money(order.amount, order.currency, language) if order.amount else gettext(language, "Free"),
        count=ticket_count_words(order.ticket_count, language),
        discount=discount if order.discount_code and order.discount else "",  # an access code takes nothing off
    )


def waitlist_spot_words(spot: sales.WaitlistSpot | None, language: str = "en") -> str:
    """ "You're number 2 on the waitlist, for 1 ticket." in `language` (empty when not in line)."""
    if spot is None:
        return ""
    return gettext(language, "You're number {position} on the waitlist, for {tickets}.").format(
        position=spot.position, tickets=ticket_count_words(spot.quantity, language)
    )


def _place_and_view(
    *, actor: UserSummary, event_id: str, **order: Any
) -> tuple[sales.PlacedOrder, tickets.BuyerEventView]:
    """The order, then what the buyer has here with it (the hold's countdown, free tickets), in the
    same trip to a worker thread."""
    placed = sales.place_order(actor=actor, event_id=event_id, **order)
    return placed, tickets.buyer_event_view(actor=actor, event_short_id=event_id)


class EventDetailState(GuestCheckoutMixin, CheckoutAnswersMixin, AuthState):
    """The event in the URL as anyone may see it, and the visitor's picked quantities per tier."""

    event: EventPage | None = None  # None until loaded, and for a missing event
    tiers: list[TierOffer] = []
    partners: list[PublicPartner] = []
    quantities: dict[str, int] = {}
    max_quantities: dict[str, int] = {}
    subtotal_label: str = ""
    ticket_count: int = 0
    loaded: bool = False
    missing: bool = False
    price_rows: list[PriceLine] = []  # tickets × n, platform fee (when passed on), total
    total_label: str = ""
    # The order as picked costs nothing (a free event, or a code taking it all): "Register", not
    # "Checkout". A flag, since the label itself is in the reader's language.
    total_is_free: bool = False
    is_checking_out: bool = False
    registered_tickets: list[TicketView] = []
    announcements: list[HolderAnnouncement] = []  # sent ones that reached the visitor's tickets
    held: Hold | None = None
    held_seconds: int = 0
    is_paying: bool = False
    is_free: bool = False
    lowest_price: str = ""  # the sticky bar's price: of the tiers on sale now ("From KES 1,500.00", "Free")
    # "Have a code?": what is typed, the code applied (normalized), its "20% off", or why not (the
    # discount line itself is one of price_rows).
    code_input: str = ""
    applied_code: str = ""
    code_label: str = ""
    code_error: str = ""
    is_applying_code: bool = False
    has_locked_tiers: bool = False  # hidden tiers a code could unlock: "Have a code?" shows on free events too
    _discount: Discount | None = None
    # The event's refund policy in words (a summary line, then the organizer's text); empty when free.
    refund_policy: list[str] = []
    # Waitlists of sold-out tiers (#19 §4), per tier id of every tier shown: whether the visitor may
    # join now, their place in line in words ("" when not waiting), the most seats one may ask for,
    # and a problem with what they asked.
    waitlist_joinable: dict[str, bool] = {}
    waitlist_spots: dict[str, str] = {}
    waitlist_max: dict[str, int] = {}
    waitlist_errors: dict[str, str] = {}
    joining_tier: str = ""
    date_choices: list[DateChoice] = []  # the other dates of the event's series (#22 §3), to pick one
    # SMS tickets (#23 §3): the event asks for a phone at checkout; what was typed and its problem.
    asks_sms_phone: bool = False
    sms_phone: str = ""
    sms_phone_error: str = ""
    _prices: dict[str, int] = {}
    _currency: str = ""
    _fee_mode: str = "absorb"

    @rx.var
    def page_title(self) -> str:
        if self.missing:
            return self._t(N_("Event not found"))
        return self.event.title if self.event else self._t(N_("Event"))

    @rx.var
    def can_pick(self) -> bool:
        """Quantities can be picked unless an order is being paid or the visitor is registered (free)."""
        return not self.held and not (self.is_free and self.registered_tickets)

    @rx.var
    def on_sale(self) -> bool:
        return any(offer.on_sale for offer in self.tiers)

    @rx.var
    def offers_code(self) -> bool:
        """ "Have a code?" shows while picking: for paid tickets on sale (discounts), where hidden
        tiers remain to unlock, and while a code is applied (so it can be removed)."""
        codes_matter = (self.on_sale and not self.is_free) or self.has_locked_tiers or bool(self.applied_code)
        return self.can_pick and codes_matter

    def _short_id(self) -> str:
        return self.router.url.path.rstrip("/").rsplit("/", 1)[-1]

    @rx.event
    async def load_event(self):
        """on_load: the event and its tiers as of now, or the not-found message; the event's queue
        instead while its waiting room is active and this browser holds no admission (#18).

        The page's only load event (pages/event_detail.py: resolves_user): every path that stays on
        the page resolves the visitor, for the navbar as `AuthState.load_user` would."""
        self.loaded, self.missing = False, False
        if queue := await self._queue_for_door():
            return navigate_hard(queue)
        # A shared link `?code=XYZ` (or the code applied before a reload) applies at once, and shows
        # the hidden tiers it unlocks.
        shared = str(self.router.url.query_parameters.get("code") or self.applied_code)[:100]
        try:
            event = await self._public_event(shared)
        except (NotFound, ValidationFailed):  # no such event, or an id no event can have (a NUL in it)
            await self.current_user()  # the navbar's user, on the not-found page too
            self.event, self.tiers, self.partners, self.missing, self.loaded = None, [], [], True, True
            self.date_choices = []
            self.refund_policy = []
            return
        self.event = event_page(event, self._language())
        self.refund_policy = list(event.refund_policy_in(self._language()))
        self.asks_sms_phone = event.asks_sms_phone
        self._show_tiers(event)
        self.partners = list(event.partners)  # a copy: the page data may be shared (get_public_event)
        self._questions = list(event.questions)
        self._show_guest_terms(event.guest_terms)
        self.date_choices = await series_date_choices(event.short_id, self._language()) if event.in_series else []
        self.registered_tickets, self.is_checking_out, self.is_paying = [], False, False
        self.quantities = self._picked_in_url()
        self._total()
        await self._load_mine()
        self.loaded = True
        if shared and not self.held:
            self.code_input = shared
            await self._apply_code()

    async def _queue_for_door(self) -> str | None:
        """The event's queue when its waiting room wants this browser there first (nearly every
        event has no room: known from this process's memory, with no trip to a worker thread)."""
        if sales.known_without_room(self._short_id()):
            return None
        try:
            return await call_service(
                sales.needs_queue, event_ref=self._short_id(), browser_cookie=self._queue_cookie(), door=True
            )
        except ValidationFailed:  # an id no event can have: the lookup below says "not found"
            return None

    async def _public_event(self, code: str) -> PublicEvent:
        """The event as anyone may see it (with the tiers `code` unlocks): from this process's memory
        when it is there, sparing the load a trip to a worker thread; else read there."""
        short_id = self._short_id()
        if (recent := events.recent_public_event(short_id, code)) is not None:
            return recent
        return await call_service(events.get_public_event, short_id=short_id, code=code)

    def _show_tiers(self, event: PublicEvent) -> None:
        """The tiers offered to this visitor (with the hidden ones their code unlocks) and their prices."""
        language = self._language()
        self.tiers = [tier_offer(tier, event.currency, language) for tier in event.tiers]
        self.has_locked_tiers = event.has_locked_tiers
        self.max_quantities = {tier.id: tier.max_quantity for tier in event.tiers}
        self._prices = {tier.id: tier.price for tier in event.tiers}
        self.is_free = not any(self._prices.values())
        selling = [offer.tier.price for offer in self.tiers if offer.on_sale and not offer.tier.unlocked]
        self.lowest_price = price_from_label(min(selling), max(selling), event.currency, language) if selling else ""
        self._currency, self._fee_mode = event.currency, event.fee_mode

    async def _reload_tiers(self) -> None:
        """After a code is applied or removed: the tiers it unlocks appear (or go), picks kept where
        the tier is still offered."""
        try:
            event = await self._public_event(self.applied_code)
        except DomainError:
            return
        self._show_tiers(event)
        self.quantities = {
            tier_id: clamp_quantity(self.quantities.get(tier_id, 0), most)
            for tier_id, most in self.max_quantities.items()
        }
        await self._load_waitlists()

    def _picked_in_url(self) -> dict[str, int]:
        """Every tier at 0, or at what the link asks for (`?tiers=<id>:2`, as sign-in sends a buyer
        back after signing up mid-checkout), cut to what one order of the tier may take now."""
        wanted = routes.picked_quantities(self.router.url.query_parameters.get("tiers"))
        return {tier_id: clamp_quantity(wanted.get(tier_id, 0), most) for tier_id, most in self.max_quantities.items()}

    async def _load_mine(self) -> None:
        """What the signed-in visitor already has here: tickets, and an order being paid (read in the
        session lookup's trip to a worker thread)."""
        await self._show_view(await self.call_as_visitor(tickets.buyer_event_view, event_short_id=self._short_id()))

    async def _show_view(self, mine: tickets.BuyerEventView | None) -> None:
        if mine is None:  # signed out: nothing of theirs here (no reads for the many of a rush)
            self.registered_tickets, self.announcements, self.held, self.held_seconds = [], [], None, 0
        else:
            self.registered_tickets, self.announcements = mine.tickets, mine.announcements
            self._show_hold(mine.hold)
        await self._load_waitlists()

    async def _load_waitlists(self) -> None:
        """Which sold-out tiers the visitor may wait for, and where they stand in line."""
        views: dict[str, sales.TierWaitlist] = {}
        if any(offer.tier.waitlist for offer in self.tiers):  # none has one: nothing to ask
            user = await self.current_user()
            views = await call_service(sales.event_waitlists, actor=user, event_id=self._short_id())
        shown = [offer.tier.id for offer in self.tiers]
        self.waitlist_joinable = {t: t in views and views[t].can_join for t in shown}
        self.waitlist_spots = {
            t: waitlist_spot_words(views[t].spot, self._language()) if t in views else "" for t in shown
        }
        self.waitlist_max = {t: views[t].max_quantity if t in views else 1 for t in shown}
        self.waitlist_errors = dict.fromkeys(shown, "")

    @rx.event
    async def join_waitlist(self, form_data: dict[str, str]):
        """ "Join the waitlist" of a sold-out tier, for the seats asked (signed-out visitors sign in first)."""
        tier_id = str(form_data.get("tier_id", ""))[:16]
        user = await self.current_user()
        if user is None:
            yield rx.redirect(routes.with_next(routes.SIGN_IN, routes.event_url(self._short_id())))
            return
        typed = str(form_data.get("quantity", "")).strip()
        if not typed.isdigit():
            self.waitlist_errors = {**self.waitlist_errors, tier_id: "Enter how many tickets you want."}
            return
        self.joining_tier = tier_id
        yield
        try:
            await self._limit("general", user)  # as POST /api/events/{id}/waitlist
            spot = await call_service(
                sales.join_waitlist, actor=user, event_id=self._short_id(), tier_id=tier_id, quantity=int(typed)
            )
        except DomainError as error:
            self.joining_tier = ""
            field = next((d.in_language(self._language()) for d in error.details if d.path[:1] == ("quantity",)), "")
            if field:
                self.waitlist_errors = {**self.waitlist_errors, tier_id: field}
                return
            yield self.show_error(error)
            await self._load_waitlists()
            return
        self.joining_tier = ""
        await self._load_waitlists()
        yield rx.toast.success(
            self._t("You're on the waitlist: number {position} in line. We'll email you.").format(
                position=spot.position
            )
        )

    @rx.event
    async def leave_waitlist(self, tier_id: str):
        user = await self.current_user()
        try:
            await call_service(sales.leave_waitlist, actor=user, event_id=self._short_id(), tier_id=tier_id)
        except DomainError as error:
            yield self.show_error(error)
        else:
            yield rx.toast.success(self._t("You left the waitlist."))
        await self._load_waitlists()

    def _show_hold(self, hold: sales.HeldOrder | None) -> None:
        """The visitor's order for this event that still holds seats, shown with its countdown."""
        if hold is None:
            self.held, self.held_seconds = None, 0
            return
        self.held = hold_of(hold, self._language())
        self.held_seconds = max(0, int((hold.expires_at - utcnow()).total_seconds()))
        if hold.is_waitlist_offer:
            # A waitlist offer skipped the checkout form: its claim asks the questions for its tickets.
            self._arrange_answers(hold.quantities, {offer.tier.id: offer.tier.name for offer in self.tiers})

    def _held_order_id(self) -> str:
        return self.held.order.order_id if self.held else ""

    def _total(self) -> None:
        self.ticket_count = sum(self.quantities.values())
        self._arrange_answers(self.quantities, {offer.tier.id: offer.tier.name for offer in self.tiers})
        price = price_of(self._prices, self.quantities, self._fee_mode, self._discount)
        language = self._language()
        free = gettext(language, "Free")
        self.subtotal_label = format_money(price.subtotal, self._currency, language) if price.subtotal else free
        self.total_label = format_money(price.amount, self._currency, language) if price.amount else free
        self.total_is_free = not price.amount
        self.price_rows = list(
            price_lines(
                tickets=self.ticket_count,
                subtotal=price.subtotal,
                platform_fee=price.platform_fee,
                amount=price.amount,
                currency=self._currency,
                discount=price.discount,
                discount_code=self.applied_code,
                language=language,
            )
        )

    @rx.event
    def change_quantity(self, tier_id: str, step: int) -> None:
        """The − / + buttons: one step, kept between 0 and what one order of the tier may take."""
        if tier_id not in self.max_quantities:
            return
        wanted = self.quantities.get(tier_id, 0) + (1 if step > 0 else -1)
        self.quantities = {**self.quantities, tier_id: clamp_quantity(wanted, self.max_quantities[tier_id])}
        self._total()

    async def _apply_code(self) -> None:
        """Judge the typed code for this event and the picked tickets (sales.quote_code)."""
        self.code_error = ""
        try:
            quote = await call_service(
                sales.quote_code, event_id=self._short_id(), code=self.code_input, quantities=self.quantities
            )
        except DomainError as problem:
            is_field = isinstance(problem, ValidationFailed) and problem.details
            self.code_error = (problem.details[0] if is_field else problem).in_language(self._language())
            self.applied_code, self.code_label, self._discount = "", "", None
            if any(offer.tier.unlocked for offer in self.tiers):
                await self._reload_tiers()
        else:
            self.applied_code, self.code_label, self._discount = quote.code, quote.label, quote.discount
            self.code_input = quote.code
            if quote.unlocks - {offer.tier.id for offer in self.tiers}:
                await self._reload_tiers()
        self._total()

    @rx.event
    async def apply_code(self, form_data: dict[str, str] | None = None):
        """The Apply button of "Have a code?" (the form's `code` field, else what was typed)."""
        self.code_input = str((form_data or {}).get("code", self.code_input))[:100]
        if not self.code_input.strip():
            self.code_error = self._t(N_("Enter a code."))
            return
        self.is_applying_code = True
        yield
        await self._apply_code()
        self.is_applying_code = False
        if self.applied_code:
            yield rx.toast.success(
                self._t("Code {code} applied: {label}.").format(code=self.applied_code, label=self.code_label)
            )

    @rx.event
    async def remove_code(self) -> None:
        self.code_input, self.applied_code, self.code_label, self.code_error, self._discount = "", "", "", "", None
        if any(offer.tier.unlocked for offer in self.tiers):
            await self._reload_tiers()
        self._total()

    @rx.event
    def set_sms_phone(self, value: str) -> None:
        self.sms_phone, self.sms_phone_error = value[:40], ""

    @rx.event
    def set_code_input(self, value: str) -> None:
        self.code_input = value[:100]
        self.code_error = ""

    @rx.event
    async def checkout(self):
        """Hold the picked tickets: free ones are issued at once; paid ones are held while the buyer pays.

        The Paystack transaction is started here, so a provider outage shows now (and releases the
        seats) rather than after the buyer has read the countdown.
        """
        user = await self.current_user()
        if user is None:
            # Back to this event with the same tickets picked, through sign-up, verification and onboarding.
            back = routes.event_url(self._short_id(), self.quantities)
            if self.applied_code:
                back += ("&" if "?" in back else "?") + urlencode({"code": self.applied_code})
            yield rx.redirect(routes.with_next(routes.SIGN_IN, back))
            return
        self.is_checking_out = True
        yield
        try:
            await self._limit("general", user)  # as POST /api/checkout/orders, and per account as well
            placed, mine = await call_service(
                _place_and_view,
                actor=user,
                event_id=self._short_id(),
                quantities=self.quantities,
                code=self.applied_code or None,
                answers=self._attendee_answers(),
                phone=self.sms_phone if self.asks_sms_phone else None,
                queue_cookie=self._queue_cookie(),
            )
        except DomainError as error:
            self.is_checking_out = False
            phone_problem = next(
                (d.in_language(self._language()) for d in error.details if d.path[:1] == (sales.SMS_PHONE_FIELD,)), ""
            )
            if phone_problem:
                # Nothing was held: the buyer fixes the number and checks out again, tickets still picked.
                self.sms_phone_error = phone_problem
                yield rx.toast.error(self._t("Please check the phone number for SMS tickets."))
                return
            if self._show_answer_problems(error.details):
                # Nothing was held: the buyer fixes the answers and checks out again, tickets still picked.
                yield rx.toast.error(self._t(N_("Please check the answers marked below.")))
                return
            code_problem = next((d.in_language(self._language()) for d in error.details if d.path[:1] == ("code",)), "")
            if code_problem:
                # The code stopped applying (used up meanwhile, expired, …): say so where it was typed.
                self.code_error, self.applied_code, self.code_label, self._discount = code_problem, "", "", None
                self._total()
            yield self.show_error(error)
            yield EventDetailState.load_event
            return
        self.is_checking_out = False
        self.quantities = dict.fromkeys(self.max_quantities, 0)
        self.code_input, self.applied_code, self.code_label, self._discount = "", "", "", None
        if any(offer.tier.unlocked for offer in self.tiers):
            await self._reload_tiers()
        self._clear_answers()
        self.sms_phone, self.sms_phone_error = "", ""
        self._total()
        await self._show_view(mine)
        if placed.authorization_url is None:
            yield rx.toast.success(self._t("You're registered! Your tickets are below and in your email."))
            return
        yield rx.toast.info(self._t("Your tickets are held. Pay before the timer runs out."))

    @rx.event
    async def pay(self):
        """Go to Paystack's checkout for the held order (the same transaction if it was started).
        A waitlist offer is claimed instead: its answers first, then registered (free) or paid."""
        self.is_paying = True
        yield
        offer = self.held is not None and self.held.order.is_waitlist_offer
        try:
            if offer:
                claimed = await self.call_as_user(
                    sales.claim_waitlist_offer, order_id=self._held_order_id(), answers=self._attendee_answers()
                )
                url = claimed.authorization_url
            else:
                url = await self.call_as_user(sales.start_payment, order_id=self._held_order_id())
        except DomainError as error:
            self.is_paying = False
            if offer and self._show_answer_problems(error.details):
                # Nothing was saved and the seats stay held: the person fixes the answers and claims again.
                yield rx.toast.error(self._t("Please check the answers marked below."))
                return
            yield self.show_error(error)
            yield EventDetailState.load_event
            return
        if url is None:  # a free offer: registered now
            self.is_paying = False
            self._clear_answers()
            yield rx.toast.success(self._t("You're registered! Your tickets are below and in your email."))
            yield EventDetailState.load_event
            return
        yield navigate_hard(url)

    @rx.event
    async def cancel_hold(self):
        """Give the held seats back now instead of letting the timer run out."""
        user = await self.current_user()
        try:
            await call_service(sales.cancel_order, actor=user, order_id=self._held_order_id())
        except DomainError as error:
            yield self.show_error(error)
        else:
            yield rx.toast.success(self._t("Order cancelled. The tickets are released."))
        yield EventDetailState.load_event

    @rx.event
    async def hold_expired(self):
        """The countdown reached zero: give the seats back now (not at the next housekeeping pass)."""
        user = await self.current_user()
        order_id = self._held_order_id()
        self.held, self.held_seconds = None, 0
        try:
            await call_service(sales.cancel_order, actor=user, order_id=order_id)
        except DomainError:
            pass  # already paid, cancelled or expired elsewhere: the reload shows which
        yield rx.toast.warning(self._t("Your hold expired and the tickets were released."))
        yield EventDetailState.load_event

    @rx.event
    def copy_link(self) -> list[rx.event.EventSpec]:
        return [rx.set_clipboard(self.event.share_url if self.event else ""), rx.toast.success(self._t("Link copied."))]
