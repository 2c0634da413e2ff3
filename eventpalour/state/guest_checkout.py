"""The event page's "Continue as guest" (#24 §1): a signed-out buyer checks out with a name and an
email (and a phone when the organizer asks) instead of signing in. Mixed into EventDetailState, whose
picked quantities, code and attendee answers it checks out, through the same service rules
(sales.place_guest_order → the sales core)."""

from __future__ import annotations

import reflex as rx

from eventpalour.services import sales
from eventpalour.services.platform import N_, DomainError
from eventpalour.state.base import call_service, navigate_hard

# The service's field (a path of one name) → the form's input name, unique on the event page.
GUEST_FIELDS = {"name": "guest_name", "email": "guest_email", "phone": "guest_phone"}
_GUEST_PATHS = {(name,) for name in GUEST_FIELDS}


class GuestCheckoutMixin(rx.State, mixin=True):
    guests_welcome: bool = False  # the event takes guest buyers (no "Buyers must have an account")
    guest_asks_phone: bool = False
    guest_open: bool = False  # "Continue as guest" was chosen: the name/email form shows
    guest_errors: dict[str, str] = {}
    guest_sent_to: str = ""  # after a free guest registration: where the tickets were emailed

    @rx.var
    def offers_guest_checkout(self) -> bool:
        """Signed out, at an event that takes guests: "Continue as guest" beside sign-in."""
        return self.guests_welcome and not self.user_id

    def _show_guest_terms(self, terms: sales.GuestTerms | None) -> None:
        """What the event asks of guests (it comes with the event page's data, events.get_public_event)."""
        self.guests_welcome = bool(terms and terms.allows_guests)
        self.guest_asks_phone = bool(terms and terms.asks_phone)
        self.guest_errors, self.guest_sent_to = {}, ""

    @rx.event
    def open_guest_form(self) -> None:
        self.guest_open, self.guest_errors = True, {}

    @rx.event
    def close_guest_form(self) -> None:
        self.guest_open, self.guest_errors = False, {}

    @rx.event
    async def checkout_as_guest(self, form_data: dict[str, str]):
        """Hold the picked tickets for a guest: free ones are issued and emailed at once; paid ones go
        straight to Paystack (a guest has no account page to come back to the held order from)."""
        guest = sales.GuestBuyer(
            name=str(form_data.get("guest_name", ""))[:1000],
            email=str(form_data.get("guest_email", ""))[:1000],
            phone=str(form_data.get("guest_phone", ""))[:100],
            language=self._language(),
        )
        self.guest_errors, self.is_checking_out = {}, True
        yield
        try:
            await self._limit("auth")  # as POST /api/checkout/guest-orders: a signed-out form that writes
            placed = await call_service(
                sales.place_guest_order,
                guest=guest,
                event_id=self._short_id(),
                quantities=self.quantities,
                code=self.applied_code or None,
                answers=self._attendee_answers(),
                queue_cookie=self._queue_cookie(),
            )
        except DomainError as error:
            self.is_checking_out = False
            language = self._language()
            fields = {
                GUEST_FIELDS[d.path[0]]: d.in_language(language) for d in error.details if d.path[:1] in _GUEST_PATHS
            }
            if fields:
                self.guest_errors = fields
                yield rx.toast.error(self._t(N_("Please check the fields marked below.")))
                return
            if self._show_answer_problems(error.details):
                yield rx.toast.error(self._t(N_("Please check the answers marked below.")))
                return
            yield self.show_error(error)
            return
        if placed.authorization_url is not None:
            yield navigate_hard(placed.authorization_url)
            return
        self.is_checking_out, self.guest_open = False, False
        self.guest_sent_to = guest.email.strip()
        self.quantities = dict.fromkeys(self.max_quantities, 0)
        self._clear_answers()
        self._total()
        yield rx.toast.success(self._t("You're registered! We emailed your tickets."))
