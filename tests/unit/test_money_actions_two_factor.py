"""Which money actions need two-factor (#20 §1) and how pages learn it before the click.

Cancelling an event that holds paid orders refunds every one of them, so it asks for two-factor like
a refund; cancelling a free registration or an event with no money moves nothing and does not. The
services' `SecondFactorNeed` flags (event details, the Orders tab, billing) say what the refusal would
say, and the state hands them to the page."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlmodel import select

from eventpalour import routes
from eventpalour.db import read_only
from eventpalour.integrations.paystack import VerifyResult
from eventpalour.models import Event, Refund, Ticket
from eventpalour.services import finance, identity
from eventpalour.services.events import lifecycle
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.platform import PermissionDenied, SecondFactorRequired
from eventpalour.services.sales import checkout, order_lists, payments, refunds
from eventpalour.state.billing import BillingState
from eventpalour.state.event_orders import EventOrdersState
from eventpalour.state.events import EventManageState
from tests.factories import (
    add_member,
    approve_kyc,
    make_event,
    make_organizer,
    make_user,
    make_workspace,
    with_two_factor,
)
from tests.state_support import run_handler, state_for


@pytest.fixture
def shop():
    """An owner without two-factor, a published paid event with one paid order, and a free event
    with one registration."""
    owner = make_organizer()
    ws = make_workspace(owner)
    approve_kyc(ws.id)
    paid = make_event(
        owner, ws.id, publish=True, pricing="paid", tiers=[TierInput(name="Regular", price=150000, quantity=5)]
    )
    free = make_event(owner, ws.id, publish=True, title="Free", tiers=[TierInput(name="Entry", price=0, quantity=5)])
    regular = get_tiers(actor=owner.summary, event_id=paid.id)[0].id
    bought = checkout.book_ticket(actor=make_user().summary, event_id=paid.id, quantities={regular: 1})
    payments.settle(bought.reference, VerifyResult("success", bought.amount, "KES", 100, None, bought.reference, {}))
    entry = get_tiers(actor=owner.summary, event_id=free.id)[0].id
    registered = checkout.book_ticket(actor=make_user().summary, event_id=free.id, quantities={entry: 1})
    return owner, ws, paid, free, bought.order_id, registered.order_id


def _status(event_id: str) -> str:
    with read_only() as session:
        return session.get(Event, event_id).status


def _ticket_statuses(event_id: str) -> list[str]:
    with read_only() as session:
        return [t.status for t in session.exec(select(Ticket).where(Ticket.event_id == event_id))]


def test_cancelling_an_event_with_paid_orders_needs_two_factor_and_changes_nothing(shop):
    owner, _, paid, _, order_id, _ = shop
    details = lifecycle.get_event_by_id(actor=owner.summary, event_id=paid.id)
    need = details.cancel_second_factor
    assert details.actions.can_cancel and need.needed
    assert need.setup_url == routes.two_factor_setup("cancel_event")
    assert need.link_label == "Set up two-factor sign-in"
    with pytest.raises(SecondFactorRequired) as refused:
        lifecycle.change_status(actor=owner.summary, event_id=paid.id, action="cancel")
    assert (refused.value.reason, refused.value.message) == ("cancel_event", need.message)
    assert "cancelling refunds every one of them" in need.message
    assert _status(paid.id) == "active" and _ticket_statuses(paid.id) == ["valid"]
    with read_only() as session:
        assert session.exec(select(Refund)).all() == []

    owner = with_two_factor(owner)
    assert not lifecycle.get_event_by_id(actor=owner.summary, event_id=paid.id).cancel_second_factor.needed
    lifecycle.change_status(actor=owner.summary, event_id=paid.id, action="cancel")
    assert _status(paid.id) == "cancelled" and _ticket_statuses(paid.id) == ["refunded"]
    with read_only() as session:
        assert [r.order_id for r in session.exec(select(Refund))] == [order_id]


def test_an_enrolled_owner_on_a_password_only_session_is_told_to_sign_in_again(shop):
    owner, _, paid, _, _, _ = shop
    password_only = replace(with_two_factor(owner).summary, second_factor_passed=False)
    need = lifecycle.get_event_by_id(actor=password_only, event_id=paid.id).cancel_second_factor
    assert need.needed and need.link_label == "Two-factor settings"
    assert "sign out and sign in again" in need.message
    with pytest.raises(SecondFactorRequired, match="sign out and sign in again"):
        lifecycle.change_status(actor=password_only, event_id=paid.id, action="cancel")


def test_cancelling_what_moves_no_money_needs_no_two_factor(shop):
    owner, _, _, free, _, registration_id = shop
    assert not lifecycle.get_event_by_id(actor=owner.summary, event_id=free.id).cancel_second_factor.needed
    assert refunds.cancel_free_order(actor=owner.summary, order_id=registration_id, reason="Double booking") == 1
    lifecycle.change_status(actor=owner.summary, event_id=free.id, action="cancel")
    assert _status(free.id) == "cancelled"


def test_a_moderator_is_refused_for_the_role_not_for_two_factor(shop):
    owner, ws, paid, _, _, _ = shop
    moderator = make_user()
    add_member(ws.id, moderator, "moderator")
    details = lifecycle.get_event_by_id(actor=moderator.summary, event_id=paid.id)
    assert not details.cancel_second_factor.needed
    assert not order_lists.event_orders(actor=moderator.summary, event_id=paid.id).refund_second_factor.needed
    with pytest.raises(PermissionDenied, match="admin"):
        lifecycle.change_status(actor=moderator.summary, event_id=paid.id, action="cancel")


def test_the_orders_tab_and_billing_say_ahead_what_the_refusal_would(shop):
    owner, ws, paid, _, order_id, _ = shop
    refund_need = order_lists.event_orders(actor=owner.summary, event_id=paid.id).refund_second_factor
    withdrawal_need = finance.billing_overview(actor=owner.summary, workspace_id=ws.id).withdrawal_second_factor
    assert refund_need.needed and refund_need.setup_url == routes.two_factor_setup("refund")
    assert withdrawal_need.needed and withdrawal_need.setup_url == routes.two_factor_setup("withdrawal")
    with pytest.raises(SecondFactorRequired) as refused:
        refunds.process_refund(actor=owner.summary, order_id=order_id, amount=None, ticket_ids=[], reason="Asked")
    assert refused.value.message == refund_need.message

    owner = with_two_factor(owner)
    assert not order_lists.event_orders(actor=owner.summary, event_id=paid.id).refund_second_factor.needed
    assert not finance.billing_overview(actor=owner.summary, workspace_id=ws.id).withdrawal_second_factor.needed


@pytest.mark.parametrize("reason", sorted(identity.TWO_FACTOR_REASONS))
def test_the_flag_and_the_refusal_say_the_same(reason):
    user = make_user()
    with read_only() as session:
        need = identity.second_factor_need(session, user.summary, reason)
        with pytest.raises(SecondFactorRequired) as refused:
            identity.require_second_factor(session, user.summary, reason)
    assert need.needed and (refused.value.message, refused.value.reason) == (need.message, reason)


async def test_the_pages_states_carry_the_flags(shop):
    owner, ws, paid, _, _, _ = shop
    path = f"/workspace/{ws.id}/events/{paid.short_id}"
    manage = state_for(EventManageState, token=owner.token, path=path)
    await run_handler(manage, "load_event")
    assert manage.cancel_second_factor.needed and manage.actions.can_cancel
    orders = state_for(EventOrdersState, token=owner.token, path=path)
    await run_handler(orders, "load_orders")
    assert orders.refund_second_factor.needed and orders.order_rows[0].can_refund
    billing = state_for(BillingState, token=owner.token, path=f"/workspace/{ws.id}/billing")
    await run_handler(billing, "load_billing")
    assert billing.withdrawal_second_factor.needed
    assert billing.withdrawal_second_factor.setup_url == routes.two_factor_setup("withdrawal")
