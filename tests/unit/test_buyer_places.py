"""Buyers by country and city (#22 §1): read from Paystack's verify response at settle (the billing
address when present, else the card or wallet's country), kept on the order, counted per day in the
buyer-place rollup through the same deltas as the sales (and recounted the same by the rebuild), and
shown by the analytics service, ranked, with unknown places named as such."""

from __future__ import annotations

import pytest
from sqlmodel import select

from eventpalour.db import read_only, transaction
from eventpalour.integrations.paystack import VerifyResult
from eventpalour.models import BuyerPlaceDay, Order, Ticket
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.finance import analytics, rollups
from eventpalour.services.finance.analytics_csv import TABLES as ANALYTICS_TABLES
from eventpalour.services.sales import checkout, payments, refunds
from eventpalour.services.sales.buyer_places import BuyerPlace, buyer_place
from tests.factories import add_member, approve_kyc, make_event, make_organizer, make_user, make_workspace

CARD_KE = {"channel": "card", "authorization": {"channel": "card", "country_code": "KE"}}


def _verify(**data) -> dict:
    return {"channel": "card", "authorization": {"country_code": "NG"}, **data}


@pytest.mark.parametrize(
    ("data", "place"),
    [
        ({"authorization": {"country_code": "ng"}}, BuyerPlace("NG", "")),  # the card's country
        (_verify(billing_address={"country": "KE", "city": "  Nairobi "}), BuyerPlace("KE", "Nairobi")),
        (
            _verify(customer={"metadata": {"billing_address": {"country_code": "GHA", "city": "Accra"}}}),
            BuyerPlace("GH", "Accra"),
        ),
        (_verify(metadata={"billing": {"country": "ZA", "city": "Cape Town"}}), BuyerPlace("ZA", "Cape Town")),
        (_verify(billing_address={"country": "Atlantis", "city": "Poseidonia"}), BuyerPlace("NG", "")),  # no such code
        ({"authorization": {}}, BuyerPlace("", "")),  # an untouched transaction
        ({"authorization": {"country_code": "XX"}, "metadata": ""}, BuyerPlace("", "")),
        ({"authorization": None, "customer": None, "metadata": 0}, BuyerPlace("", "")),
    ],
)
def test_the_place_comes_from_the_billing_address_else_the_card(data, place):
    assert buyer_place(data) == place


@pytest.fixture
def shop():
    owner = make_organizer(two_factor=True)  # refunds need two-factor (#20 §1)
    workspace = make_workspace(owner)
    approve_kyc(workspace.id)
    tiers = [TierInput(name="Regular", price=150000, quantity=50, max_per_order=5)]
    paid = make_event(owner, workspace.id, publish=True, pricing="paid", currency="KES", tiers=tiers, title="Jazz")
    free = make_event(owner, workspace.id, publish=True, title="Open Rehearsal")
    return owner, workspace, paid, free


def _sell(event, owner, quantity: int, raw: dict) -> str:
    tier_id = get_tiers(actor=owner.summary, event_id=event.id)[0].id
    held = checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={tier_id: quantity})
    if held.reference:
        payments.settle(
            held.reference, VerifyResult("success", held.amount, held.currency, 3000, None, held.reference, raw)
        )
    return held.order_id


def _place_rows(workspace_id: str) -> list[tuple]:
    rollups.fold_all_rollups()
    with read_only() as session:
        rows = session.exec(select(BuyerPlaceDay).where(BuyerPlaceDay.workspace_id == workspace_id)).all()
        return sorted((r.event_id, r.day, r.country, r.city, r.paid_orders, r.tickets_issued) for r in rows)


def test_settle_keeps_the_place_and_the_rollup_counts_it_as_the_rebuild_does(shop):
    owner, workspace, paid, free = shop
    kenyan = _sell(paid, owner, 2, CARD_KE)
    _sell(paid, owner, 1, CARD_KE | {"billing_address": {"country": "KE", "city": "Mombasa"}})
    _sell(paid, owner, 3, {"channel": "mobile_money", "authorization": {"country_code": "TZ"}})
    refunded = _sell(paid, owner, 1, {"channel": "card", "authorization": {"country_code": "UG"}})
    with read_only() as session:
        tickets = list(session.exec(select(Ticket.id).where(Ticket.order_id == refunded)).all())
    refunds.process_refund(actor=owner.summary, order_id=refunded, amount=None, ticket_ids=tickets, reason="Sick")
    _sell(free, owner, 1, {})  # a free registration: nobody paid, so nowhere known
    cancelled = _sell(free, owner, 1, {})
    refunds.cancel_free_order(actor=owner.summary, order_id=cancelled, reason="Double booked")
    with read_only() as session:
        order = session.get(Order, kenyan)
        assert (order.buyer_country, order.buyer_city) == ("KE", "")

    live = _place_rows(workspace.id)
    assert sorted((country, city, orders, tickets) for _e, _d, country, city, orders, tickets in live) == [
        ("", "", 1, 1),  # the kept registration; the cancelled one was taken back
        ("KE", "", 1, 2),
        ("KE", "Mombasa", 1, 1),
        ("TZ", "", 1, 3),
        ("UG", "", 1, 1),  # a refund leaves the sale where it was paid from (as "paid orders" do)
    ]
    with transaction() as session:
        rollups.rebuild_rollups(session.connection(), workspace.id)
    assert _place_rows(workspace.id) == live

    seen = analytics.workspace_analytics(
        actor=owner.summary, workspace_id=workspace.id, window=analytics.analytics_window("7")
    )
    countries = [(p.country_label, p.paid_orders, p.tickets) for p in seen.countries]
    assert countries == [("Kenya", 2, 3), ("Tanzania", 1, 3), ("Uganda", 1, 1), ("Unknown", 1, 1)]
    assert [(p.country_label, p.city_label, p.paid_orders) for p in seen.cities] == [("Kenya", "Mombasa", 1)]
    one = analytics.workspace_analytics(
        actor=owner.summary, workspace_id=workspace.id, window=analytics.analytics_window("7", event_id=free.id)
    )
    assert [(p.country_label, p.paid_orders) for p in one.countries] == [("Unknown", 1)]


def test_moderators_see_where_buyers_are_from_too(shop):
    owner, workspace, paid, _free = shop
    _sell(paid, owner, 1, CARD_KE)
    moderator = make_user()
    add_member(workspace.id, moderator, "moderator")
    seen = analytics.workspace_analytics(
        actor=moderator.summary, workspace_id=workspace.id, window=analytics.analytics_window("30")
    )
    assert not seen.can_view_money
    assert [(p.country, p.paid_orders, p.tickets) for p in seen.countries] == [("KE", 1, 1)]


def test_each_csv_reads_only_its_table_and_shows_what_the_page_shows(shop):
    owner, workspace, paid, free = shop
    _sell(paid, owner, 2, CARD_KE | {"billing_address": {"country": "KE", "city": "Kisumu"}})
    _sell(paid, owner, 1, {"channel": "ussd", "authorization": {"country_code": "NG"}})
    _sell(free, owner, 1, {})
    window = analytics.analytics_window("30")
    whole = analytics.workspace_analytics(actor=owner.summary, workspace_id=workspace.id, window=window)
    for name, write in ANALYTICS_TABLES.items():
        alone = analytics.workspace_analytics(
            actor=owner.summary, workspace_id=workspace.id, window=window, tables=frozenset({name})
        )
        assert write(alone) == write(whole), name
    only_places = analytics.workspace_analytics(
        actor=owner.summary, workspace_id=workspace.id, window=window, tables=frozenset({"countries"})
    )
    assert only_places.top_events == [] and only_places.tiers == [] and only_places.money == []
