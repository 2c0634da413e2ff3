"""The demo data `make run` seeds: it goes in through the services and shows every public state.

What the demo shows as sold is backed by real orders and tickets (issue #16, item 14), and in
development a platform super admin comes with it; production seeds no demo data at all (item 20).
"""

from collections import Counter

import pyotp
import pytest
from sqlmodel import select

from eventpalour import seed
from eventpalour.config import settings
from eventpalour.db import read_only
from eventpalour.models import Event, Order, OrderItem, OrderStatus, Ticket, TicketStatus, TicketTier, User, Workspace
from eventpalour.seed_data import ORGANIZERS
from eventpalour.services.admin import admins
from eventpalour.services.events.categories import list_categories
from eventpalour.services.events.discovery import DiscoveryFilters, discover_events, get_public_event
from eventpalour.services.finance import billing
from eventpalour.services.identity import auth
from eventpalour.services.tickets import attendees
from eventpalour.services.tickets.attendees import AttendeeFilters


def test_seed_demo_catalogue_covers_the_public_states():
    assert seed.database_is_empty()
    count = seed.seed_catalogue(seed.seed_demo_accounts())

    with read_only() as session:
        statuses = [e.status for e in session.exec(select(Event))]
        short_ids = [e.short_id for e in session.exec(select(Event))]
        verified = [w.name for w in session.exec(select(Workspace).where(Workspace.verified))]
    listed = discover_events(DiscoveryFilters()).cards
    states = {t.sale_state for short_id in short_ids for t in get_public_event(short_id).tiers}
    assert count == len(statuses) >= 20
    assert statuses.count("completed") == 2 and statuses.count("cancelled") == 1
    assert len(listed) == count - 3
    assert {c.currency for c in listed} == {"KES", "USD", "NGN", "GHS", "ZAR"}
    assert {c.type for c in listed} == {"physical", "online", "hybrid"}
    assert {c.pricing for c in listed} == {"free", "paid"}
    assert states == {"on_sale", "sold_out", "not_started", "ended"}
    assert verified == ["Nairobi Sound Collective"]
    assert len(list_categories()) >= 6
    assert sum(1 for c in listed if c.banner_url) >= 5
    assert not seed.database_is_empty()


def test_seeded_sales_are_real_orders_and_tickets():
    """Counters equal rows for every tier (sold = live tickets, held = open holds), every completed
    order has its tickets, and the billing, attendee-list and check-in figures add up to the orders."""
    accounts = seed.seed_demo_accounts()
    seed.seed_catalogue(accounts)

    with read_only() as session:
        tiers = session.exec(select(TicketTier)).all()
        live = Counter(t.tier_id for t in session.exec(select(Ticket).where(Ticket.status == TicketStatus.VALID)))
        holding = Counter()
        for item, order in session.exec(select(OrderItem, Order).join(Order, Order.id == OrderItem.order_id)):
            holding[item.tier_id] += item.quantity if order.holds_active else 0
        orders = session.exec(select(Order)).all()
        items = session.exec(select(OrderItem)).all()
        tickets_per_order = Counter(t.order_id for t in session.exec(select(Ticket)))
        events = {e.id: e for e in session.exec(select(Event))}
        workspaces = {w.owner_id: w.id for w in session.exec(select(Workspace))}

    for tier in tiers:
        assert (tier.sold, tier.held) == (live[tier.id], holding[tier.id]), tier.name
    sold_out = [t for t in tiers if t.quantity is not None and t.sold == t.quantity]
    assert [t.name for t in sold_out] == ["Early Bird"]
    paid = [o for o in orders if o.amount > 0]
    assert len(paid) >= 5 and len(orders) > len(paid)  # paid orders and free registrations
    assert {o.status for o in orders} == {OrderStatus.COMPLETED}
    for order in orders:
        lines = [i for i in items if i.order_id == order.id]
        assert tickets_per_order[order.id] == sum(i.quantity for i in lines)
        assert order.subtotal == sum(i.unit_price * i.quantity for i in lines)

    for organizer in ORGANIZERS:
        owner = accounts[organizer.email]
        mine = [o for o in paid if o.workspace_id == workspaces[owner.id]]
        expected: dict[str, tuple[int, int, int]] = {}
        for o in mine:
            gross, fees, share = expected.get(o.currency, (0, 0, 0))
            expected[o.currency] = (gross + o.amount, fees + o.platform_fee, share + o.organizer_share)
        shown = billing.billing_overview(actor=owner, workspace_id=workspaces[owner.id]).balances
        assert {b.currency: (b.gross, b.platform_fees, b.organizer_share) for b in shown if b.gross} == expected
    for event_id in {o.event_id for o in orders}:
        owner = next(a for a in accounts.values() if workspaces.get(a.id) == events[event_id].workspace_id)
        page = attendees.event_attendees(actor=owner, event_id=event_id, filters=AttendeeFilters())
        sold = sum(t.sold for t in tiers if t.event_id == event_id)
        assert (page.total, page.admissions, page.checked_in) == (sold, sold, 0)


def _admin_account() -> User | None:
    with read_only() as session:
        return session.exec(select(User).where(User.email == seed.DEMO_ADMIN_EMAIL)).first()


def test_development_seed_adds_a_demo_super_admin(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setattr(settings, "app_env", "development")

    seed.main()

    user = _admin_account()
    assert user is not None and user.is_verified
    assert admins.admin_level(user.id) == "super_admin"
    # Every admin signs in with two-factor: the demo admin's development secret is printed with it.
    needed = auth.sign_in(email=seed.DEMO_ADMIN_EMAIL, password=seed.DEMO_PASSWORD)
    code = pyotp.TOTP(admins.DEMO_ADMIN_TOTP_SECRET).now()
    assert auth.complete_second_factor(challenge=needed.challenge, code=code).user.id == user.id
    printed = capsys.readouterr().out
    assert f"{seed.DEMO_ADMIN_EMAIL} / {seed.DEMO_PASSWORD}" in printed and admins.DEMO_ADMIN_TOTP_SECRET in printed


def test_production_seeds_no_demo_data(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    """Not the super admin, nor the demo organizers (approved KYC) and attendees: their password is public."""
    monkeypatch.setattr(settings, "app_env", "production")

    seed.main()

    assert _admin_account() is None
    assert seed.database_is_empty()
    assert "production" in capsys.readouterr().out.lower()
