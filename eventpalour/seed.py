"""Demo data for a fresh database (`make run`): only when there are no users yet, so it never
touches real data, and never in production (every demo account shares a published password, and
the organizers' KYC is approved). Prints the demo accounts it created.

Events are made through the same services as the organizer's forms (create_event, change_status),
and every ticket shown as sold is an order the demo attendees placed through checkout and paid at
the Paystack sandbox (sales.settle_payment with what verify would answer), so billing, attendee lists,
check-in counters and the tiers' counters all agree. Two things the services rightly refuse are set
directly, each in one small helper below: KYC approval and the blue badge (admin decisions), and
events in the past (the services only accept future dates). In development a platform super admin
comes too (admin.grant_demo_super_admin).
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from PIL import Image, ImageChops, ImageDraw
from sqlmodel import func, select

from eventpalour.config import settings
from eventpalour.db import read_only, transaction
from eventpalour.models import AccountType, Event, EventStatus, KycStatus, OrderStatus, User, Workspace
from eventpalour.models.types import utcnow
from eventpalour.seed_data import ATTENDEES, EVENTS, ORGANIZERS, ZONES, DemoEvent, DemoSale, DemoTier
from eventpalour.services import admin, events, identity, platform, sales, workspaces
from eventpalour.services.events import EventInput, PartnerInput, TierInput
from eventpalour.services.identity import UserSummary

DEMO_PASSWORD = "eventpalour-demo"
DEMO_ACCOUNTS = (
    *((email, name, AccountType.ATTENDEE) for email, name in ATTENDEES),
    *((o.email, o.name, AccountType.ORGANIZER) for o in ORGANIZERS),
)
DEMO_ADMIN_EMAIL = "admin@eventpalour.demo"
DEMO_ADMIN_NAME = "Imani Admin"


def database_is_empty() -> bool:
    with read_only() as session:
        return session.exec(select(func.count()).select_from(User)).one() == 0


def _demo_account(email: str, name: str, account_type: AccountType | None) -> UserSummary:
    """A verified, onboarded account with the demo password, signed up like anyone else."""
    result = identity.sign_up(email=email, password=DEMO_PASSWORD, accept_terms=True, full_name=name)
    with transaction() as session:
        user = session.get(User, result.user.id)
        user.email_verified_at = utcnow()
        user.account_type = account_type
    return identity.current_user(identity.exchange_grant(grant=result.grant, binder=result.binder))


def seed_demo_accounts() -> dict[str, UserSummary]:
    """Create the demo attendees and organizers; returns them by email."""
    return {email: _demo_account(email, name, account_type) for email, name, account_type in DEMO_ACCOUNTS}


def seed_demo_admin() -> UserSummary:
    """A platform super admin, so a newcomer can see the admin side (development only)."""
    account = _demo_account(DEMO_ADMIN_EMAIL, DEMO_ADMIN_NAME, AccountType.ATTENDEE)
    admin.grant_demo_super_admin(account.id)
    return account


def seed_workspaces(accounts: dict[str, UserSummary]) -> dict[str, str]:
    """One workspace per demo organizer, KYC approved so paid events publish; returns ids by owner email."""
    ids = {}
    for organizer in ORGANIZERS:
        data = workspaces.WorkspaceInput(name=organizer.workspace, description=organizer.about)
        workspace = workspaces.create_workspace(actor=accounts[organizer.email], data=data)
        with transaction() as session:  # admin decisions, which have no service yet
            row = session.get(Workspace, workspace.id)
            row.kyc_status, row.verified = KycStatus.APPROVED, organizer.verified
        ids[organizer.email] = workspace.id
    return ids


def _local(day: date, clock: str) -> str:
    return datetime.combine(day, time.fromisoformat(clock)).strftime("%Y-%m-%dT%H:%M")


def _banner(colors: tuple[str, str]) -> bytes:
    """A 1200×600 diagonal gradient with a few soft circles, as a JPEG."""
    width, height = 1200, 600
    down = Image.linear_gradient("L").resize((width, height))
    mask = ImageChops.add(down, down.rotate(90, expand=True).resize((width, height)), scale=2)
    image = Image.composite(
        Image.new("RGB", (width, height), colors[1]), Image.new("RGB", (width, height), colors[0]), mask
    )
    overlay = Image.new("RGBA", (width, height))
    draw = ImageDraw.Draw(overlay)
    for x, y, r in ((980, 120, 220), (160, 520, 160), (620, 300, 90)):
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 255, 40))
    image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def _tier_input(tier: DemoTier, today: date, clock: str) -> TierInput:
    opens = _local(today + timedelta(days=tier.sales_start_in_days), clock) if tier.sales_start_in_days else ""
    return TierInput(
        name=tier.name,
        description=tier.description,
        price=tier.price * 100,
        quantity=tier.quantity,
        max_per_order=tier.max_per_order,
        sales_start_local=opens,
    )


def seed_event(
    demo: DemoEvent, actor: UserSummary, workspace_id: str, buyers: dict[str, UserSummary] | None = None
) -> Event:
    """Create and publish one demo event through the services, sell its demo tickets to `buyers`,
    then apply its outcome."""
    country, zone_name = ZONES[demo.city]
    today = datetime.now(ZoneInfo(zone_name)).date()
    # A past demo event is made as far ahead as it should lie behind, then moved back (_move_to_past).
    start = today + timedelta(days=abs(demo.days))
    end = datetime.combine(start, time.fromisoformat(demo.start)) + timedelta(hours=demo.hours)
    banner = ""
    if demo.banner:
        banner = platform.store_upload(
            actor=actor, bucket="EVENTS", folder="demo", filename="banner.jpg", data=_banner(demo.banner)
        ).url
    data = EventInput(
        title=demo.title,
        description=demo.description,
        category=demo.category,
        type=demo.type,
        pricing="paid" if any(t.price for t in demo.tiers) else "free",
        venue=demo.venue,
        city=demo.city,
        country=country,
        online_link=f"https://meet.example.com/{demo.title.lower().replace(' ', '-')}" if demo.platform else "",
        meeting_platform=demo.platform,
        start_local=_local(start, demo.start),
        end_local=end.strftime("%Y-%m-%dT%H:%M"),
        timezone=zone_name,
        banner_url=banner,
        currency=demo.currency,
        partners=tuple(PartnerInput(name=name) for name in demo.partners),
    )
    tier_inputs = [_tier_input(t, today, demo.start) for t in demo.tiers]
    event = events.create_event(actor=actor, workspace_id=workspace_id, data=data, tiers=tier_inputs)
    events.change_status(actor=actor, event_id=event.id, action="publish")
    tier_ids = {tier.name: tier.id for tier in events.get_tiers(actor=actor, event_id=event.id)}
    for sale in demo.sales:
        _sell(sale, (buyers or {})[sale.buyer], event.id, tier_ids)
    if demo.outcome == "cancel":
        events.change_status(actor=actor, event_id=event.id, action="cancel")
    if demo.outcome == "past":
        _move_to_past(event.id, days=2 * abs(demo.days))
    return event


def _sell(sale: DemoSale, buyer: UserSummary, event_id: str, tier_ids: dict[str, str]) -> None:
    """Check out as the buyer does: hold the seats; a paid order is then paid at the Paystack
    sandbox and settled with verify's answer (the checkout page's Pay button, without a browser)."""
    quantities = {tier_ids[name]: count for name, count in sale.tickets.items()}
    booking = sales.book_ticket(actor=buyer, event_id=event_id, quantities=quantities)
    if booking.status == OrderStatus.COMPLETED:  # free: registered at once
        return
    from eventpalour.sandbox import paystack as paystack_sandbox  # loaded only with the sandbox on

    verified = paystack_sandbox.paid_at_checkout(
        reference=booking.reference,
        email=buyer.email,
        amount=booking.amount,
        currency=booking.currency,
        order_id=booking.order_id,
    )
    outcome = sales.settle_payment(booking.reference, verified)
    if not outcome.has_tickets:
        raise RuntimeError(f"Demo order {booking.reference} did not complete: {outcome.message}")


def _move_to_past(event_id: str, *, days: int) -> None:
    """Shift a finished demo event back by `days` and mark it completed (the services refuse past dates)."""
    with transaction() as session:
        event = session.get(Event, event_id)
        event.start_at -= timedelta(days=days)
        event.end_at -= timedelta(days=days)
        event.status, event.is_listed = EventStatus.COMPLETED, False


def seed_catalogue(accounts: dict[str, UserSummary]) -> int:
    """The demo workspaces, their events and the demo attendees' orders; returns how many events were made.

    Paid demo orders need the Paystack sandbox: with real Paystack keys the demo sells nothing paid."""
    workspace_ids = seed_workspaces(accounts)
    for demo in EVENTS:
        if not settings.paystack_sandbox:
            demo = replace(demo, sales=tuple(s for s in demo.sales if _free(demo, s)))
        seed_event(demo, accounts[demo.organizer], workspace_ids[demo.organizer], accounts)
    return len(EVENTS)


def _free(demo: DemoEvent, sale: DemoSale) -> bool:
    prices = {tier.name: tier.price for tier in demo.tiers}
    return all(prices[name] == 0 for name in sale.tickets)


def main() -> None:
    if settings.is_production:
        print("APP_ENV=production: no demo data (its accounts share a published password).")
        return
    if not database_is_empty():
        print("Database already has data; not seeding.")
        return
    accounts = seed_demo_accounts()
    demo_admin = seed_demo_admin()
    count = seed_catalogue(accounts)
    for email in accounts:
        print(f"Demo account: {email} / {DEMO_PASSWORD}")
    print(f"Demo platform super admin (/admin): {demo_admin.email} / {DEMO_PASSWORD}")
    print(
        f"  its two-factor secret (development only): {admin.DEMO_ADMIN_TOTP_SECRET}; add it to an authenticator"
        f" app, or print a code: python -c \"import pyotp; print(pyotp.TOTP('{admin.DEMO_ADMIN_TOTP_SECRET}').now())\""
    )
    print(f"Demo events: {count}")


if __name__ == "__main__":
    main()
