"""Hidden tiers and access codes (#19 §2): a hidden tier is offered (shown, bookable, priced) only
with a valid code that unlocks it; a code may unlock, discount, or both; its uses count as for a
discount code (services/sales/discounts.py, discount_codes.py, events/discovery.py)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from eventpalour.db import read_only
from eventpalour.integrations.paystack import VerifyResult
from eventpalour.models import DiscountCode, Event, Order
from eventpalour.services.events.discovery import cards_for, get_public_event
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.platform.errors import Conflict, ValidationFailed
from eventpalour.services.sales import checkout, discount_codes, payments
from eventpalour.services.sales.discount_codes import CodeForm, CodeInput
from eventpalour.services.sales.discounts import LOCKED_TIER
from eventpalour.services.sales.order_lists import event_orders
from eventpalour.state.discount_codes import EventCodesState
from eventpalour.state.event_detail import EventDetailState
from eventpalour.state.events import EventManageState
from tests.factories import approve_kyc, make_event, make_organizer, make_user, make_workspace
from tests.state_support import run_handler, state_for


@pytest.fixture
def gala():
    owner = make_organizer()
    ws = make_workspace(owner)
    approve_kyc(ws.id)
    event = make_event(
        owner,
        ws.id,
        publish=True,
        pricing="paid",
        fee_mode="absorb",
        tiers=[
            TierInput(name="Regular", price=100000, quantity=20),
            TierInput(name="VIP Lounge", price=50000, quantity=5, hidden=True),
            TierInput(name="Staff", price=10000, quantity=5, hidden=True),
        ],
    )
    tiers = {t.name: t.id for t in get_tiers(actor=owner.summary, event_id=event.id)}
    return owner, event, tiers


def _access(owner, event, tiers, **changes) -> discount_codes.CodeRow:
    data = {"code": "vip", "kind": None, "value": None, "unlock_tier_ids": (tiers["VIP Lounge"],), **changes}
    return discount_codes.create_code(actor=owner.summary, event_id=event.id, data=CodeInput(**data))


def _fields(problem: ValidationFailed) -> dict[str, str]:
    return {detail.path[-1]: detail.message for detail in problem.details}


def _uses(code_id: str) -> tuple[int, int]:
    with read_only() as session:
        code = session.get(DiscountCode, code_id)
        return code.uses_held, code.uses_sold


def test_a_hidden_tier_is_off_the_page_and_the_from_price(gala):
    owner, event, tiers = gala
    page = get_public_event(event.short_id)
    assert [t.name for t in page.tiers] == ["Regular"] and page.has_locked_tiers
    with read_only() as session:
        [card] = cards_for(session, [session.get(Event, event.id)])
    assert (card.min_price, card.max_price) == (100000, 100000)  # the cheaper hidden tiers are not quoted
    # The organizer's tier list still has every tier, marked hidden.
    assert {t.name: t.hidden for t in get_tiers(actor=owner.summary, event_id=event.id)} == {
        "Regular": False,
        "VIP Lounge": True,
        "Staff": True,
    }


def test_a_code_shows_only_the_hidden_tiers_it_unlocks(gala):
    owner, event, tiers = gala
    _access(owner, event, tiers)
    page = get_public_event(event.short_id, code=" vip ")
    assert [(t.name, t.unlocked) for t in page.tiers] == [("Regular", False), ("VIP Lounge", True)]
    assert page.has_locked_tiers  # Staff stays hidden
    assert [t.name for t in get_public_event(event.short_id, code="nope").tiers] == ["Regular"]
    # An inactive code unlocks nothing.
    row = discount_codes.list_codes(actor=owner.summary, event_id=event.id)[0]
    discount_codes.set_code_active(actor=owner.summary, event_id=event.id, code_id=row.id, active=False)
    assert [t.name for t in get_public_event(event.short_id, code="vip").tiers] == ["Regular"]


def test_checkout_of_a_hidden_tier_needs_the_unlocking_code(gala):
    owner, event, tiers = gala
    row = _access(owner, event, tiers, max_uses=1)
    _access(owner, event, tiers, code="crew", unlock_tier_ids=(tiers["Staff"],))
    buyer = make_user()
    with pytest.raises(ValidationFailed) as locked:
        checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tiers["VIP Lounge"]: 1})
    assert [(d.path, d.message) for d in locked.value.details] == [(("quantities", tiers["VIP Lounge"]), LOCKED_TIER)]
    with pytest.raises(ValidationFailed) as other_code:  # a code that unlocks another hidden tier
        checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tiers["VIP Lounge"]: 1}, code="crew")
    assert _fields(other_code.value) == {"code": "This code does not apply to the tickets you picked."}
    with read_only() as session:
        assert session.exec(select(Order).where(Order.buyer_id == buyer.id)).first() is None  # nothing changed

    held = checkout.book_ticket(actor=buyer.summary, event_id=event.id, quantities={tiers["VIP Lounge"]: 2}, code="Vip")
    assert (held.amount, held.discount, held.code) == (100000, 0, "VIP")
    assert _uses(row.id) == (1, 0)
    payments.settle(held.reference, VerifyResult("success", held.amount, "KES", 100, None, held.reference, {}))
    assert _uses(row.id) == (0, 1)
    # The uses limit holds as for a discount code.
    with pytest.raises(ValidationFailed) as used_up:
        checkout.book_ticket(
            actor=make_user().summary, event_id=event.id, quantities={tiers["VIP Lounge"]: 1}, code="vip"
        )
    assert _fields(used_up.value) == {"code": "This code has been used up."}
    # The Orders tab lists the hidden tier's order like any other.
    rows = event_orders(actor=owner.summary, event_id=event.id).rows
    assert [(r.reference, r.discount_code) for r in rows] == [(held.reference, "VIP")]


def test_an_access_code_may_carry_a_discount(gala):
    owner, event, tiers = gala
    _access(owner, event, tiers, code="SPONSOR", kind="percent", value=50, tier_ids=(tiers["VIP Lounge"],))
    quote = discount_codes.quote_code(event_id=event.short_id, code="sponsor", quantities={})
    assert (quote.label, quote.unlocks) == ("50% off, unlocks VIP Lounge", frozenset({tiers["VIP Lounge"]}))
    held = checkout.book_ticket(
        actor=make_user().summary, event_id=event.id, quantities={tiers["VIP Lounge"]: 1}, code="sponsor"
    )
    assert (held.amount, held.discount) == (25000, 25000)


def test_an_access_only_code_does_not_apply_to_public_tickets_alone(gala):
    owner, event, tiers = gala
    _access(owner, event, tiers)
    # On the page it applies (the hidden tier it unlocks is then shown) whatever is picked so far...
    quote = discount_codes.quote_code(event_id=event.short_id, code="vip", quantities={tiers["Regular"]: 1})
    assert quote.discount is None and quote.label == "unlocks VIP Lounge" and quote.price.discount == 0
    # ...but an order of public tickets only has nothing to use it on.
    with pytest.raises(ValidationFailed) as refused:
        checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={tiers["Regular"]: 1}, code="vip")
    assert _fields(refused.value) == {"code": "This code does not apply to the tickets you picked."}


def test_code_terms_validate_the_unlocked_tiers(gala):
    owner, event, tiers = gala
    with pytest.raises(ValidationFailed) as nothing:
        _access(owner, event, tiers, unlock_tier_ids=())
    assert _fields(nothing.value) == {
        "unlock_tier_ids": "Choose the hidden tickets this code unlocks, or give it a discount."
    }
    with pytest.raises(ValidationFailed) as public:
        _access(owner, event, tiers, unlock_tier_ids=(tiers["Regular"],))
    assert _fields(public.value) == {"unlock_tier_ids": "Choose hidden tickets of this event to unlock."}
    row = _access(owner, event, tiers, unlock_tier_ids=(tiers["Staff"], tiers["VIP Lounge"]))
    assert (row.kind, row.value, row.label, row.tiers_label, row.unlocks_label) == (
        None,
        None,
        "No discount",
        "",
        "Staff, VIP Lounge",
    )
    form = discount_codes.form_of(row, "KES", "Africa/Nairobi")
    assert (form.kind, form.value, set(form.unlock_tier_ids)) == ("none", "", {tiers["Staff"], tiers["VIP Lounge"]})
    assert "Staff, VIP Lounge" in discount_codes.codes_csv(actor=owner.summary, event_id=event.id)
    made = discount_codes.bulk_create_from_form(
        actor=owner.summary, event_id=event.id, count="3", prefix="guest-", form=form
    )
    assert len(made) == 3 and all(r.unlock_tier_ids == row.unlock_tier_ids and r.max_uses == 1 for r in made)


def test_a_code_is_deleted_only_while_no_order_carries_it(gala):
    owner, event, tiers = gala
    unused = _access(owner, event, tiers, code="typo")
    used = _access(owner, event, tiers)
    assert unused.can_delete and used.can_delete
    checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={tiers["VIP Lounge"]: 1}, code="vip")
    assert discount_codes.delete_code(actor=owner.summary, event_id=event.id, code_id=unused.id) == "TYPO"
    [left] = discount_codes.list_codes(actor=owner.summary, event_id=event.id)
    assert left.code == "VIP" and not left.can_delete
    with pytest.raises(Conflict) as refused:
        discount_codes.delete_code(actor=owner.summary, event_id=event.id, code_id=used.id)
    assert refused.value.message == "This code has been used, so it stays on record. Deactivate it instead."
    assert [r.code for r in discount_codes.list_codes(actor=owner.summary, event_id=event.id)] == ["VIP"]


async def test_event_page_unlocks_by_link_and_by_typed_code(gala):
    owner, event, tiers = gala
    _access(owner, event, tiers)
    buyer = make_user()
    state = state_for(EventDetailState, token=buyer.token, path=f"/e/{event.short_id}?code=vip")
    await run_handler(state, "load_event")
    assert [o.tier.name for o in state.tiers] == ["Regular", "VIP Lounge"] and state.applied_code == "VIP"
    assert state.lowest_price == "KES 1,000.00"  # the sticky bar's "from" leaves the unlocked tier out
    await run_handler(state, "change_quantity", tiers["VIP Lounge"], 1)
    await run_handler(state, "checkout")
    with read_only() as session:
        order = session.exec(select(Order).where(Order.buyer_id == buyer.id)).one()
    assert (order.amount, order.discount_amount) == (50000, 0)

    other = state_for(EventDetailState, token=make_user().token, path=f"/e/{event.short_id}")
    await run_handler(other, "load_event")
    assert [o.tier.name for o in other.tiers] == ["Regular"] and other.offers_code
    await run_handler(other, "apply_code", {"code": "vip"})
    assert [o.tier.name for o in other.tiers] == ["Regular", "VIP Lounge"]
    await run_handler(other, "change_quantity", tiers["VIP Lounge"], 1)
    await run_handler(other, "remove_code")
    assert [o.tier.name for o in other.tiers] == ["Regular"] and other.quantities == {tiers["Regular"]: 0}


async def test_codes_tab_makes_an_access_code_and_deletes_it(gala):
    owner, event, tiers = gala
    path = f"/workspace/{event.workspace_id}/events/{event.short_id}"
    manage = state_for(EventManageState, token=owner.token, path=path)
    await run_handler(manage, "load_event")
    state = await manage.get_state(EventCodesState)
    await run_handler(state, "load_codes")
    assert {t.name for t in state.hidden_choices} == {"VIP Lounge", "Staff"}
    await run_handler(state, "new_code")
    await run_handler(state, "set_form_field", "code", "backstage")
    await run_handler(state, "set_form_field", "kind", "none")
    await run_handler(state, "save_code")
    assert state.field_errors == {
        "unlock_tier_ids": "Choose the hidden tickets this code unlocks, or give it a discount."
    }
    await run_handler(state, "toggle_unlock", tiers["Staff"], True)
    await run_handler(state, "save_code")
    assert state.field_errors == {} and not state.form_open
    await run_handler(state, "load_codes")
    [line] = state.code_lines
    assert (line.code, line.label, line.unlocks, line.can_delete) == ("BACKSTAGE", "No discount", "Staff", True)
    await run_handler(state, "delete_code", line.id)
    await run_handler(state, "load_codes")
    assert state.code_lines == []
    assert CodeForm().kind == "percent"
