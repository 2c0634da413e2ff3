"""Guest checkout (#24 §1) over real HTTP and through the services, with the Paystack sandbox as the
provider: a buyer with a name and an email, the same sales rules keyed by that email, the signed link
to the tickets, and the claim into an account once the email is verified."""

from __future__ import annotations

import re
import time
from dataclasses import replace
from unittest import mock

import httpx
import pytest
from sqlmodel import col, func, select

from eventpalour.config import settings
from eventpalour.db import read_only, transaction
from eventpalour.integrations import paystack
from eventpalour.models import Order, OutboxEmail, Ticket, TicketTier, User
from eventpalour.services import admin as admin_service
from eventpalour.services import events, platform, sales
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.identity import auth, password_reset, verification
from eventpalour.services.platform import Conflict, NotFound, PermissionDenied, RateLimited, ValidationFailed
from eventpalour.services.sales import guest_links
from tests.api.support import verification_code
from tests.factories import (
    approve_kyc,
    make_admin,
    make_event,
    make_organizer,
    make_user,
    make_workspace,
    unique_email,
)

GUEST_ORDERS = "/api/checkout/guest-orders"
LINK = re.compile(r"/tickets/guest/(\S+)")


def _event(pricing: str, tier: TierInput, **options: bool):
    owner = make_organizer()
    workspace = make_workspace(owner)
    approve_kyc(workspace.id)
    event = make_event(owner, workspace.id, publish=True, pricing=pricing, tiers=[tier])
    if options:
        events.set_buyer_options(
            actor=owner.summary,
            event_id=event.id,
            requires_account=options.get("requires_account", False),
            asks_phone=options.get("asks_phone", False),
        )
    return event, get_tiers(actor=owner.summary, event_id=event.id)[0].id


@pytest.fixture
def paid_tier(api_url: str):
    return _event("paid", TierInput(name="VIP", price=250000, quantity=3, max_per_order=3))


@pytest.fixture
def free_tier(api_url: str):
    return _event("free", TierInput(name="General", price=0, quantity=10))


def _guest(email: str, name: str = "Wanjiru Kamau", phone: str = "") -> dict[str, str]:
    return {"name": name, "email": email, "phone": phone}


def _buy(http: httpx.Client, event, tier_id: str, guest: dict[str, str], n: int = 1) -> httpx.Response:
    return http.post(GUEST_ORDERS, json={"eventId": event.short_id, "quantities": {tier_id: n}, "guest": guest})


def _guest_row(email: str) -> User | None:
    with read_only() as session:
        return session.exec(select(User).where(User.email == email, col(User.is_guest).is_(True))).first()


def _tickets_of(user_id: str) -> list[Ticket]:
    with read_only() as session:
        return list(session.exec(select(Ticket).where(Ticket.holder_id == user_id)).all())


def _confirmation(email: str) -> OutboxEmail:
    with read_only() as session:
        rows = session.exec(
            select(OutboxEmail).where(OutboxEmail.to_email == email, OutboxEmail.kind == "order_confirmation")
        ).all()
    assert len(rows) == 1, rows
    return rows[0]


def _link_token(message: OutboxEmail) -> str:
    found = LINK.search(message.text_body)
    assert found, message.text_body
    assert f"href='{settings.app_url}/tickets/guest/{found.group(1)}'" in message.html_body
    return found.group(1)


def test_a_guest_pays_in_the_sandbox_and_the_email_links_to_the_tickets(http: httpx.Client, sandbox, paid_tier):
    event, tier_id = paid_tier
    email = unique_email("guest")
    response = _buy(http, event, tier_id, _guest(email.upper()), n=2)  # the address is kept lower-cased
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "processing" and body["amount"] == 500000
    assert body["authorization_url"].startswith(paystack.sandbox_base_url() + "/checkout/")
    guest = _guest_row(email)
    assert guest is not None and guest.full_name == "Wanjiru Kamau" and guest.password_hash is None
    hook = sandbox.post(f"/_test/transactions/{body['reference']}/pay", json={"wait_for_webhook": True})
    assert hook.status_code == 200, hook.text
    with read_only() as session:
        order = session.get(Order, body["order_id"])
        tier = session.get(TicketTier, tier_id)
    assert (order.status, order.buyer_id) == ("completed", guest.id)
    assert (tier.sold, tier.held) == (2, 0)
    assert len(_tickets_of(guest.id)) == 2
    view = sales.guest_order(_link_token(_confirmation(email)))
    assert view.reference == body["reference"] and view.can_claim and view.event.title == event.title
    assert len(view.tickets) == 2 and all(t.qr_data_uri.startswith("data:image/svg+xml") for t in view.tickets)
    assert view.email.endswith("@example.test") and email not in view.email


def test_a_guest_registers_for_a_free_event_once_per_email(http: httpx.Client, free_tier):
    event, tier_id = free_tier
    email = unique_email("guest")
    first = _buy(http, event, tier_id, _guest(email))
    assert first.status_code == 201, first.text
    assert first.json()["status"] == "completed" and first.json()["authorization_url"] is None
    assert len(sales.guest_order(_link_token(_confirmation(email))).tickets) == 1
    again = _buy(http, event, tier_id, _guest(email, name="Another Name"))
    assert again.status_code == 409 and "already registered" in again.json()["error"]
    with read_only() as session:
        orders = session.exec(select(func.count()).select_from(Order).where(Order.event_id == event.id)).one()
    assert orders == 1


def test_a_guests_emails_follow_the_language_of_their_checkout(http: httpx.Client, api_url: str):
    """A guest has no account setting: the language they checked out in is kept on their row, and
    the confirmation and a cancelled registration's email are written in it (#23 §1)."""
    owner = make_organizer()
    workspace = make_workspace(owner)
    approve_kyc(workspace.id)
    event = make_event(
        owner, workspace.id, publish=True, pricing="free", tiers=[TierInput(name="General", price=0, quantity=10)]
    )
    tier_id = get_tiers(actor=owner.summary, event_id=event.id)[0].id
    email = unique_email("mgeni")
    placed = http.post(
        GUEST_ORDERS,
        json={"eventId": event.short_id, "quantities": {tier_id: 1}, "guest": _guest(email)},
        headers={"Accept-Language": "sw-KE,sw;q=0.9,en;q=0.5"},
    )
    assert placed.status_code == 201, placed.text
    assert _guest_row(email).language == "sw"
    assert _confirmation(email).subject == f"Umesajiliwa: {event.title}"

    sales.cancel_free_order(actor=owner.summary, order_id=placed.json()["order_id"], reason="Ukumbi umejaa")

    with read_only() as session:
        [cancelled] = session.exec(
            select(OutboxEmail).where(OutboxEmail.to_email == email, OutboxEmail.kind == "registration_cancelled")
        ).all()
    assert cancelled.subject == f"Usajili wako wa {event.title} umeghairiwa"
    assert "Ukumbi umejaa" in cancelled.text_body


def test_a_second_hold_for_the_same_email_and_event_is_refused(http: httpx.Client, paid_tier):
    event, tier_id = paid_tier
    email = unique_email("guest")
    assert _buy(http, event, tier_id, _guest(email)).status_code == 201
    second = _buy(http, event, tier_id, _guest(email), n=2)
    assert second.status_code == 409 and "A payment with this email is in progress" in second.json()["error"]
    with read_only() as session:
        assert session.get(TicketTier, tier_id).held == 1
    # Another email is another buyer: it may hold seats beside the first.
    assert _buy(http, event, tier_id, _guest(unique_email("other"))).status_code == 201


def test_an_event_requiring_accounts_refuses_guests_and_writes_nothing(http: httpx.Client, api_url: str):
    event, tier_id = _event("free", TierInput(name="General", price=0, quantity=10), requires_account=True)
    email = unique_email("guest")
    response = _buy(http, event, tier_id, _guest(email))
    assert response.status_code == 403 and response.json()["error"] == sales.ACCOUNT_REQUIRED
    assert _guest_row(email) is None
    # The core refuses a guest buyer too, whatever path reaches it.
    guest = replace(make_user(verified=False).summary, is_guest=True)
    with pytest.raises(PermissionDenied):
        sales.place_order(actor=guest, event_id=event.id, quantities={tier_id: 1})


def test_bad_guest_details_get_field_errors_and_nothing_is_written(http: httpx.Client, api_url: str):
    event, tier_id = _event("free", TierInput(name="General", price=0, quantity=10), asks_phone=True)
    response = _buy(http, event, tier_id, _guest("not-an-email", name="  ", phone=""))
    assert response.status_code == 400, response.text
    fields = {tuple(d["path"]) for d in response.json()["details"]}
    assert fields == {("name",), ("email",), ("phone",)}, response.json()
    email = unique_email("guest")
    bad_phone = _buy(http, event, tier_id, _guest(email, phone="12ab"))
    assert bad_phone.status_code == 400 and _guest_row(email) is None
    good = _buy(http, event, tier_id, _guest(email, phone="0712 345 678"))
    assert good.status_code == 201, good.text
    assert _guest_row(email).phone == "+254712345678"


def test_guest_checkouts_are_rate_limited_per_email(api_url: str, free_tier, monkeypatch):
    event, tier_id = free_tier
    monkeypatch.setattr(settings, "rate_limit_guest_checkout", "2/hour")
    email = unique_email("guest")
    buyer = sales.GuestBuyer(name="Amani", email=email)
    sales.place_guest_order(guest=buyer, event_id=event.id, quantities={tier_id: 1})
    with pytest.raises(Conflict):
        sales.place_guest_order(guest=buyer, event_id=event.id, quantities={tier_id: 1})
    with pytest.raises(RateLimited):
        sales.place_guest_order(guest=buyer, event_id=event.id, quantities={tier_id: 1})


def test_signing_up_with_the_email_claims_the_guest_orders_on_verification(api_url: str, free_tier, paid_tier):
    event, tier_id = free_tier
    email = unique_email("guest")
    placed = sales.place_guest_order(
        guest=sales.GuestBuyer(name="Amani", email=email), event_id=event.id, quantities={tier_id: 1}
    )
    guest_id = _guest_row(email).id
    token = _link_token(_confirmation(email))
    # The guest's email is not an account: signing in with it fails, signing up with it is allowed.
    with pytest.raises(ValidationFailed):
        auth.sign_in(email=email, password="whatever-password-1")
    signed_up = auth.sign_up(email=email, password="a-long-enough-password-9", accept_terms=True)
    account = signed_up.user
    assert account.id != guest_id and _tickets_of(account.id) == []  # not before the address is proven
    verification.verify_email(actor=account, code=verification_code(email))
    with read_only() as session:
        assert session.get(Order, placed.booking.order_id).buyer_id == account.id
    assert len(_tickets_of(account.id)) == 1 and _tickets_of(guest_id) == []
    with transaction() as session:  # once claimed, nothing is left to claim
        assert sales.claim_guest_orders(session.connection(), user_id=account.id, email=email) == 0
    view = sales.guest_order(token)  # the emailed link still shows the tickets, now the account's
    assert len(view.tickets) == 1 and not view.can_claim


def test_an_existing_account_claims_guest_orders_when_it_signs_in(api_url: str, paid_tier, free_tier):
    account = make_user()
    event, tier_id = paid_tier
    own = sales.place_order(actor=account.summary, event_id=event.id, quantities={tier_id: 1})
    as_guest = sales.place_guest_order(
        guest=sales.GuestBuyer(name="Me", email=account.email), event_id=event.id, quantities={tier_id: 1}
    )
    free_event, free_tier_id = free_tier
    free = sales.place_guest_order(
        guest=sales.GuestBuyer(name="Me", email=account.email), event_id=free_event.id, quantities={free_tier_id: 1}
    )
    signed_in = auth.sign_in(email=account.email, password=account.password)
    auth.exchange_grant(grant=signed_in.grant, binder=signed_in.binder)
    with read_only() as session:
        stored = {o.id: o for o in session.exec(select(Order).where(col(Order.buyer_id) == account.id)).all()}
        tier = session.get(TicketTier, tier_id)
    assert set(stored) == {own.booking.order_id, as_guest.booking.order_id, free.booking.order_id}
    # One open hold per buyer and event holds for the account too: the guest's hold was given back.
    assert stored[as_guest.booking.order_id].status == "cancelled" and tier.held == 1
    assert len(_tickets_of(account.id)) == 1


def test_a_forged_altered_foreign_or_expired_link_is_refused(api_url: str, free_tier):
    event, tier_id = free_tier
    placed = sales.place_guest_order(
        guest=sales.GuestBuyer(name="Amani", email=unique_email("guest")), event_id=event.id, quantities={tier_id: 1}
    )
    order_id = placed.booking.order_id
    token = guest_links.guest_link_token(order_id)
    assert sales.guest_order(token).reference == placed.booking.reference
    forged = [
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # the signature altered
        platform.sign_value({"order": order_id}, purpose="trusted-browser"),  # a token of another purpose
        "not-a-token",
        "",
    ]
    for bad in forged:
        with pytest.raises(NotFound):
            sales.guest_order(bad)
    old = time.time() - guest_links.GUEST_LINK_DAYS * 24 * 3600 - 60
    with mock.patch("itsdangerous.timed.time.time", return_value=old):
        expired = guest_links.guest_link_token(order_id)
    with pytest.raises(NotFound):
        sales.guest_order(expired)


def test_guest_buyers_are_not_accounts_anywhere_an_account_is_looked_up(api_url: str, free_tier):
    """A guest's row is found by no account lookup: not by sign-in, a password reset, nor in the
    admins' user list (invitations and transfers ask `account_email` the same way)."""
    event, tier_id = free_tier
    email = unique_email("guest")
    sales.place_guest_order(
        guest=sales.GuestBuyer(name="Amani", email=email), event_id=event.id, quantities={tier_id: 1}
    )
    assert _guest_row(email) is not None
    admin = make_admin("support")
    assert admin_service.search_users(actor=admin.summary, filters=admin_service.UserFilters(search=email)).total == 0
    with pytest.raises(ValidationFailed):
        auth.sign_in(email=email, password="any-password-at-all-1")
    password_reset.request_password_reset(email=email)
    assert not [m for m in _outbox(email) if m.kind == "password_reset"]


def _outbox(email: str) -> list[OutboxEmail]:
    with read_only() as session:
        return list(session.exec(select(OutboxEmail).where(OutboxEmail.to_email == email)).all())
