"""The "Edit answers" dialog (#19 §3) of the event's Orders tab and of the buyer's order list: an
order's answers to the attendee questions and its attendees' names, prefilled as they stand and
saved through `sales.edit_order_answers`, which checks them as checkout does; its field errors come
back under each field."""

from __future__ import annotations

import reflex as rx

from eventpalour.services import sales
from eventpalour.services.platform import DomainError
from eventpalour.state.base import AuthState, call_service
from eventpalour.state.checkout_answers import NAME_FIELD, CheckoutAnswersMixin
from eventpalour.state.event_orders import EventOrdersState
from eventpalour.state.orders import OrdersState


class OrderAnswersState(CheckoutAnswersMixin, AuthState):
    answers_open: bool = False
    answers_busy: bool = False
    answers_reference: str = ""
    answers_refusal: str = ""  # why they cannot be changed now ("" when they can)
    _answers_order: str = ""
    _answers_mine: bool = False  # opened from the buyer's order list (else the event's Orders tab)

    def _fill(self, form: sales.OrderAnswersForm) -> None:
        """Lay the form out for the order's tickets and put the stored answers in its fields."""
        self._questions = list(form.questions)
        quantities: dict[str, int] = {}
        names: dict[str, str] = {}
        for tier_id, tier_name in form.seats:
            quantities[tier_id] = quantities.get(tier_id, 0) + 1
            names[tier_id] = tier_name
        self.answer_values, self.answer_picks, self.answer_errors = {}, {}, {}
        self._arrange_answers(quantities, names)
        values = dict.fromkeys(self.answer_values, "")
        picks: dict[str, list[str]] = {key: [] for key in self.answer_picks}
        stored = {f"o.{q}": v for q, v in form.answers.order.items()}
        seat_of: dict[str, int] = {}
        for ticket in form.answers.tickets:
            seat = seat_of.get(ticket.tier_id, 0)
            seat_of[ticket.tier_id] = seat + 1
            prefix = f"t.{ticket.tier_id}.{seat}."
            stored[prefix + NAME_FIELD] = ticket.name
            stored.update({prefix + q: v for q, v in ticket.answers.items()})
        for key, value in stored.items():
            if isinstance(value, str):
                values[key] = value
            else:  # a multiple choice: the options picked
                picks[key] = list(value)
        self.answer_values, self.answer_picks = values, picks
        self.answers_reference = form.reference
        self.answers_refusal = self._t(form.edit_refusal) if form.edit_refusal else ""

    @rx.event
    async def open_my_answers(self, order_id: str):
        """The buyer's own order, from /account/orders."""
        self._answers_mine = True
        async for event in self._open(order_id):
            yield event

    @rx.event
    async def open_answers(self, order_id: str):
        """An order of the event, from its Orders tab."""
        self._answers_mine = False
        async for event in self._open(order_id):
            yield event

    async def _open(self, order_id: str):
        try:
            actor = await self.require_user()
            form = await call_service(sales.order_answers_form, actor=actor, order_id=order_id)
        except DomainError as error:
            yield self.show_error(error)
            return
        self._answers_order = order_id
        self._fill(form)
        self.answers_open = True

    @rx.event
    def set_answers_open(self, is_open: bool) -> None:
        self.answers_open = is_open
        if not is_open:
            self.answer_errors = {}

    @rx.event
    async def save_answers(self):
        self.answers_busy = True
        yield
        try:
            actor = await self.require_user()
            form = await call_service(
                sales.edit_order_answers,
                actor=actor,
                order_id=self._answers_order,
                answers=self._attendee_answers() or sales.AttendeeAnswers(),
            )
        except DomainError as error:
            self.answers_busy = False
            if self._show_answer_problems(error.details):
                yield rx.toast.error(self._t("Please check the answers marked below."))
                return
            yield self.show_error(error)
            return
        self.answers_busy, self.answers_open = False, False
        self._fill(form)
        yield rx.toast.success(self._t("Answers of order {reference} saved.").format(reference=form.reference))
        yield OrdersState.load_orders if self._answers_mine else EventOrdersState.load_orders
