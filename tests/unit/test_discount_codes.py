"""Discount codes (#19): the rules of a code, its price, and its uses held, sold and given back
with the order's seats (services/sales/discounts.py, discount_codes.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import func, select

from eventpalour.db import read_only
from eventpalour.integrations.paystack import VerifyResult
from eventpalour.models import DiscountCode, Order
from eventpalour.models.types import utcnow
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.platform.errors import NotFound, PermissionDenied, ValidationFailed
from eventpalour.services.sales import checkout, discount_codes, open_order, payments, refunds
from eventpalour.services.sales.discount_codes import CodeInput
from eventpalour.services.sales.fees import Discount, price_of
from eventpalour.state.discount_codes import EventCodesState
from eventpalour.state.event_detail import EventDetailState, hold_of
from eventpalour.state.events import EventManageState
from tests.factories import add_member, approve_kyc, make_event, make_organizer, make_user, make_workspace
from tests.state_support import run_handler, state_for


@pytest.fixture
def shop():
    owner = make_organizer(two_factor=True)
    ws = make_workspace(owner)
    approve_kyc(ws.id)
    event = make_event(
        owner,
        ws.id,
        publish=True,
        pricing="paid",
        fee_mode="pass_on",
        tiers=[
            TierInput(name="Regular", price=100000, quantity=20, max_per_order=5),
            TierInput(name="VIP", price=500000, quantity=5),
        ],
    )
    tiers = {t.name: t.id for t in get_tiers(actor=owner.summary, event_id=event.id)}
    return owner, event, tiers


def _code(code_id: str) -> DiscountCode:
    with read_only() as session:
        return session.get(DiscountCode, code_id)


def _make(owner, event, **changes) -> discount_codes.CodeRow:
    data = {"code": "early20", "kind": "percent", "value": 20, **changes}
    return discount_codes.create_code(actor=owner.summary, event_id=event.id, data=CodeInput(**data))


def _fields(problem: ValidationFailed) -> dict[str, str]:
    return {detail.path[-1]: detail.message for detail in problem.details}


def test_price_of_discounts_before_the_fee():
    prices = {"a": 100000, "b": 50000}
    plain = price_of(prices, {"a": 2, "b": 1}, "pass_on")
    assert (plain.subtotal, plain.discount, plain.platform_fee) == (250000, 0, plain.platform_fee)
    off = price_of(prices, {"a": 2, "b": 1}, "pass_on", Discount(percent=True, value=20, tier_ids=frozenset({"a"})))
    assert off.discount == 40000 and off.subtotal == 250000
    assert off.platform_fee == price_of({"x": 210000}, {"x": 1}, "pass_on").platform_fee  # on the discounted 210000
    assert off.amount == 210000 + off.platform_fee and off.fee_passed_on
    fixed = price_of(prices, {"b": 1}, "absorb", Discount(percent=False, value=90000))
    assert (fixed.discount, fixed.amount, fixed.platform_fee) == (50000, 0, 0)  # never below zero


def test_create_validates_every_field(shop):
    owner, event, tiers = shop
    with pytest.raises(ValidationFailed) as bad:
        _make(owner, event, code="ab", kind="percent", value=101, max_uses=0, per_buyer_limit=0, tier_ids=("nope",))
    assert set(_fields(bad.value)) == {"code", "value", "max_uses", "per_buyer_limit", "tier_ids"}
    row = _make(owner, event, code=" Early20 ", tier_ids=(tiers["VIP"],), max_uses=10)
    assert (row.code, row.label, row.tiers_label, row.uses_label) == ("EARLY20", "20% off", "VIP", "0 of 10")
    with pytest.raises(ValidationFailed) as again:
        _make(owner, event, code="EARLY20")
    assert _fields(again.value) == {"code": "This event already has this code."}
    with pytest.raises(ValidationFailed) as dates:
        _make(owner, event, code="LATER", valid_from=utcnow(), valid_until=utcnow() - timedelta(days=1))
    assert "valid_until" in _fields(dates.value)
    assert [c.code for c in discount_codes.list_codes(actor=owner.summary, event_id=event.id)] == ["EARLY20"]


def test_only_moderators_and_above_manage_codes(shop):
    owner, event, _ = shop
    member = make_user()
    add_member(event.workspace_id, member, "member")
    with pytest.raises(PermissionDenied):
        discount_codes.list_codes(actor=member.summary, event_id=event.id)
    moderator = make_user()
    add_member(event.workspace_id, moderator, "moderator")
    _make(moderator, event)
    with pytest.raises(NotFound):
        discount_codes.set_code_active(actor=owner.summary, event_id=event.id, code_id="missing", active=False)


def test_checkout_applies_the_code_and_holds_a_use(shop):
    owner, event, tiers = shop
    row = _make(owner, event, max_uses=5)
    buyer = make_user()
    held = checkout.book_ticket(
        actor=buyer.summary, event_id=event.id, quantities={tiers["Regular"]: 2}, code="early20"
    )
    expected = price_of({tiers["Regular"]: 100000}, {tiers["Regular"]: 2}, "pass_on", Discount(True, 20))
    assert (held.amount, held.discount, held.code) == (expected.amount, 40000, "EARLY20")
    with read_only() as session:
        order = session.get(Order, held.order_id)
    assert (order.discount_code_id, order.discount_amount, order.subtotal) == (row.id, 40000, 200000)
    assert (_code(row.id).uses_held, _code(row.id).uses_sold) == (1, 0)
    payments.settle(held.reference, VerifyResult("success", held.amount, "KES", 100, None, held.reference, {}))
    assert (_code(row.id).uses_held, _code(row.id).uses_sold) == (0, 1)


def test_a_use_comes_back_on_expiry_cancel_and_failure(shop):
    owner, event, tiers = shop
    row = _make(owner, event, max_uses=3)
    first = checkout.book_ticket(
        actor=make_user().summary, event_id=event.id, quantities={tiers["VIP"]: 1}, code="EARLY20"
    )
    second_buyer = make_user()
    second = checkout.book_ticket(
        actor=second_buyer.summary, event_id=event.id, quantities={tiers["VIP"]: 1}, code="EARLY20"
    )
    third = checkout.book_ticket(
        actor=make_user().summary, event_id=event.id, quantities={tiers["VIP"]: 1}, code="EARLY20"
    )
    assert _code(row.id).uses_held == 3
    with pytest.raises(ValidationFailed) as used_up:
        checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={tiers["VIP"]: 1}, code="early20")
    assert _fields(used_up.value) == {"code": "This code has been used up."}
    assert checkout.expire_holds(now=first.expires_at + timedelta(seconds=1)) == 3
    assert _code(row.id).uses_held == 0
    again = checkout.book_ticket(
        actor=second_buyer.summary, event_id=event.id, quantities={tiers["VIP"]: 1}, code="EARLY20"
    )
    checkout.cancel_order(actor=second_buyer.summary, order_id=again.order_id)
    assert _code(row.id).uses_held == 0
    failing = checkout.book_ticket(
        actor=make_user().summary, event_id=event.id, quantities={tiers["VIP"]: 1}, code="EARLY20"
    )
    payments.settle(failing.reference, VerifyResult("failed", failing.amount, "KES", None, None, failing.reference, {}))
    assert (_code(row.id).uses_held, _code(row.id).uses_sold) == (0, 0)
    assert second.order_id != third.order_id


def test_a_replaced_hold_moves_its_use(shop):
    owner, event, tiers = shop
    row = _make(owner, event, max_uses=1)
    buyer = make_user()
    checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tiers["VIP"]: 1}, code="EARLY20")
    # The buyer checks out again (the first payment never started): the new order takes the one use.
    checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tiers["VIP"]: 2}, code="EARLY20")
    assert _code(row.id).uses_held == 1


def test_code_refusals_are_field_errors(shop):
    owner, event, tiers = shop
    _make(owner, event, code="VIPONLY", tier_ids=(tiers["VIP"],))
    _make(owner, event, code="SOON", valid_from=utcnow() + timedelta(days=1))
    _make(owner, event, code="OVER", valid_until=utcnow() - timedelta(minutes=1))
    off = _make(owner, event, code="OFF")
    discount_codes.set_code_active(actor=owner.summary, event_id=event.id, code_id=off.id, active=False)
    cases = {
        "NOPE": "This code is not valid for this event.",
        "VIPONLY": "This code does not apply to the tickets you picked.",
        "SOON": "This code is not valid yet.",
        "OVER": "This code has expired.",
        "off": "This code is not valid for this event.",
    }
    buyer = make_user()
    for code, message in cases.items():
        with pytest.raises(ValidationFailed) as refused:
            checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tiers["Regular"]: 1}, code=code)
        assert _fields(refused.value) == {"code": message}, code
    with read_only() as session:
        assert session.exec(select(func.count()).select_from(Order)).one() == 0


def test_per_buyer_limit_counts_paid_orders(shop):
    owner, event, tiers = shop
    _make(owner, event, code="ONCE", per_buyer_limit=1)
    buyer = make_user()
    held = checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tiers["Regular"]: 1}, code="ONCE")
    payments.settle(held.reference, VerifyResult("success", held.amount, "KES", 100, None, held.reference, {}))
    with pytest.raises(ValidationFailed) as twice:
        checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tiers["Regular"]: 1}, code="ONCE")
    assert "code" in _fields(twice.value)
    checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={tiers["Regular"]: 1}, code="ONCE")


def test_a_full_code_makes_a_paid_tier_free_at_once(shop):
    owner, event, tiers = shop
    row = _make(owner, event, code="COMP", kind="percent", value=100, max_uses=2)
    buyer = make_user()
    done = checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tiers["VIP"]: 1}, code="comp")
    assert (done.status, done.amount, done.discount) == ("completed", 0, 500000)
    assert (_code(row.id).uses_held, _code(row.id).uses_sold) == (0, 1)
    placed = payments.place_order(
        actor=make_user().summary, event_id=event.id, quantities={tiers["VIP"]: 1}, code="COMP"
    )
    assert placed.authorization_url is None and placed.booking.status == "completed"
    # Cancelling the free registration gives its use back.
    refunds.cancel_free_order(actor=owner.summary, order_id=done.order_id, reason="Duplicate")
    assert (_code(row.id).uses_held, _code(row.id).uses_sold) == (0, 1)


def test_bulk_codes_and_csv(shop):
    owner, event, _ = shop
    made = discount_codes.bulk_create_codes(
        actor=owner.summary,
        event_id=event.id,
        count=50,
        prefix="vip-",
        template=CodeInput(code="", kind="fixed", value=50000),
    )
    assert len({r.code for r in made}) == 50 and all(r.code.startswith("VIP-") and r.max_uses == 1 for r in made)
    lines = discount_codes.codes_csv(actor=owner.summary, event_id=event.id).splitlines()
    assert lines[0].startswith("code,discount") and len(lines) == 51 and "KES 500.00 off" in lines[1]
    with pytest.raises(ValidationFailed) as bad:
        discount_codes.bulk_create_codes(
            actor=owner.summary,
            event_id=event.id,
            count=0,
            prefix="x y",
            template=CodeInput(code="", kind="fixed", value=0),
        )
    assert set(_fields(bad.value)) == {"count", "prefix", "value"}


def test_quote_shows_the_discount_and_total(shop):
    owner, event, tiers = shop
    _make(owner, event)
    quote = discount_codes.quote_code(event_id=event.short_id, code="early20", quantities={tiers["Regular"]: 1})
    assert quote.price.discount == 20000 and quote.discount_text == "KES 200.00" and quote.code == "EARLY20"
    with pytest.raises(ValidationFailed):
        discount_codes.quote_code(event_id=event.short_id, code="zzz", quantities={tiers["Regular"]: 1})


async def test_event_page_applies_a_shared_code_and_checks_out_with_it(shop):

    owner, event, tiers = shop
    _make(owner, event, code="HALF", value=50)
    buyer = make_user()
    state = state_for(EventDetailState, token=buyer.token, path=f"/e/{event.short_id}?code=half")
    await run_handler(state, "load_event")
    assert (state.applied_code, state.code_label, state.code_error) == ("HALF", "50% off", "")
    await run_handler(state, "change_quantity", tiers["Regular"], 1)
    price = price_of({tiers["Regular"]: 100000}, {tiers["Regular"]: 1}, "pass_on", Discount(True, 50))
    assert ("Discount (HALF)", "− KES 500.00") in [(line.label, line.value) for line in state.price_rows]
    assert state.total_label == f"KES {price.amount / 100:,.2f}"
    await run_handler(state, "checkout")
    with read_only() as session:
        order = session.exec(select(Order).where(Order.buyer_id == buyer.id)).one()
    assert (order.discount_amount, order.amount) == (50000, price.amount)
    # A held order says which code it carries (the hold the event page shows while the buyer pays).
    holder = make_user()
    checkout.book_ticket(actor=holder.summary, event_id=event.id, quantities={tiers["Regular"]: 1}, code="half")
    held = hold_of(open_order(actor=holder.summary, event_short_id=event.short_id))
    assert held.discount == "code HALF: − KES 500.00"

    other = state_for(EventDetailState, token=make_user().token, path=f"/e/{event.short_id}")
    await run_handler(other, "load_event")
    await run_handler(other, "apply_code", {"code": "nope"})
    assert other.code_error == "This code is not valid for this event." and other.applied_code == ""


async def test_codes_tab_creates_edits_deactivates_and_bulk_creates(shop):

    owner, event, tiers = shop
    path = f"/workspace/{event.workspace_id}/events/{event.short_id}"
    manage = state_for(EventManageState, token=owner.token, path=path)
    await run_handler(manage, "load_event")
    state = await manage.get_state(EventCodesState)
    await run_handler(state, "load_codes")
    assert state.codes_loaded and state.code_lines == [] and {t.name for t in state.tier_choices} == set(tiers)

    await run_handler(state, "new_code")
    for name, value in (("code", "x"), ("value", "150"), ("max_uses", "ten")):
        await run_handler(state, "set_form_field", name, value)
    await run_handler(state, "save_code")
    assert set(state.field_errors) == {"value", "max_uses", "code"}, state.field_errors

    for name, value in (
        ("code", "vip10"),
        ("value", "10"),
        ("max_uses", "5"),
        ("valid_until_local", "2099-01-01T12:00"),
    ):
        await run_handler(state, "set_form_field", name, value)
    await run_handler(state, "toggle_tier", tiers["VIP"], True)
    await run_handler(state, "save_code")
    assert state.field_errors == {} and not state.form_open
    await run_handler(state, "load_codes")
    [line] = state.code_lines
    assert (line.code, line.label, line.tiers, line.uses, line.status) == (
        "VIP10",
        "10% off",
        "VIP",
        "0 of 5",
        "Active",
    )

    await run_handler(state, "edit_code", line.id)
    assert (state.form.value, state.form.valid_until_local, state.form.tier_ids) == (
        "10",
        "2099-01-01T12:00",
        (tiers["VIP"],),
    )
    await run_handler(state, "set_form_field", "kind", "fixed")
    await run_handler(state, "set_form_field", "value", "250.50")
    await run_handler(state, "save_code")
    await run_handler(state, "load_codes")
    assert state.code_lines[0].label == "KES 250.50 off"

    await run_handler(state, "set_active", line.id, False)
    await run_handler(state, "load_codes")
    assert state.code_lines[0].status == "Inactive" and state.code_lines[0].can_activate

    await run_handler(state, "set_bulk_open", True)
    await run_handler(state, "set_bulk_field", "count", "20")
    await run_handler(state, "set_bulk_field", "prefix", "guest-")
    await run_handler(state, "set_form_field", "value", "100")
    await run_handler(state, "bulk_create")
    await run_handler(state, "load_codes")
    assert len(state.code_lines) == 21 and state.csv_url.endswith(f"/{event.short_id}/discount-codes.csv")


def test_orders_lists_and_email_show_the_code_and_discount(shop):
    from eventpalour.services.sales import list_my_orders
    from eventpalour.services.sales.order_lists import event_orders
    from tests.factories import latest_email

    owner, event, tiers = shop
    _make(owner, event, code="SAVE", kind="fixed", value=30000)
    buyer = make_user()
    held = checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tiers["Regular"]: 1}, code="save")
    payments.settle(held.reference, VerifyResult("success", held.amount, "KES", 100, None, held.reference, {}))
    [mine] = list_my_orders(actor=buyer.summary)
    assert ("Discount (SAVE)", "− KES 300.00") in [(line.label, line.value) for line in mine.price_lines]
    [row] = event_orders(actor=owner.summary, event_id=event.id).rows
    assert (row.discount_code, row.discount) == ("SAVE", 30000)
    email = latest_email(buyer.email, "order_confirmation")
    assert "Discount (SAVE): − KES 300.00" in email.text_body and "Discount (SAVE)" in email.html_body


def test_billing_lists_and_exports_the_code_of_a_sale(shop):
    from eventpalour.services.finance import TransactionFilter, list_transactions, transactions_csv

    owner, event, tiers = shop
    _make(owner, event, code="SAVE", kind="fixed", value=30000)
    held = checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={tiers["VIP"]: 1}, code="save")
    payments.settle(held.reference, VerifyResult("success", held.amount, "KES", 100, None, held.reference, {}))
    [sale] = list_transactions(actor=owner.summary, workspace_id=event.workspace_id, filters=TransactionFilter()).rows
    assert (sale.discount_code, sale.discount) == ("SAVE", 30000)
    exported = transactions_csv(actor=owner.summary, workspace_id=event.workspace_id, filters=TransactionFilter())
    header, line = exported.splitlines()
    assert header.endswith("discount_code,discount") and line.endswith(",SAVE,300.00")


def test_a_full_refund_gives_the_use_back(shop):
    from eventpalour.services.sales import paystack_refunds

    owner, event, tiers = shop
    row = _make(owner, event, code="BACK", max_uses=1)
    held = checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={tiers["VIP"]: 1}, code="back")
    payments.settle(held.reference, VerifyResult("success", held.amount, "KES", 100, None, held.reference, {}))
    assert _code(row.id).uses_sold == 1
    refund = refunds.process_refund(
        actor=owner.summary, order_id=held.order_id, amount=None, ticket_ids=[], reason="Ill"
    )
    # Paystack reports the refund processed (services/sales/paystack_refunds.py applies its answer).
    paystack_refunds._apply(refund.id, "processed")
    assert _code(row.id).uses_sold == 0
    with read_only() as session:
        assert session.get(Order, held.order_id).status == "refunded"


def test_the_attendee_csv_names_each_ticket_s_code(shop):
    from eventpalour.services.tickets.attendees import AttendeeFilters, attendees_csv

    owner, event, tiers = shop
    _make(owner, event, code="COMP", value=100)
    checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={tiers["VIP"]: 1}, code="comp")
    _, text = attendees_csv(actor=owner.summary, event_id=event.id, filters=AttendeeFilters())
    header, line = text.splitlines()
    assert header.endswith(",Discount code") and line.endswith(",COMP")
