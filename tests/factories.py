"""Make rows the way the app makes them: through the services, so tests see real data."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import count

import pyotp
from sqlmodel import select

from eventpalour.db import read_only, transaction
from eventpalour.models import OutboxEmail, User
from eventpalour.models.types import utcnow
from eventpalour.services.identity import auth, two_factor
from eventpalour.services.identity.accounts import UserSummary

DEFAULT_PASSWORD = "correct-horse-42"
_numbers = count(1)


@dataclass
class MadeUser:
    summary: UserSummary
    password: str
    token: str
    totp_secret: str = ""  # set by `with_two_factor`: compute codes with pyotp.TOTP(totp_secret)

    @property
    def id(self) -> str:
        return self.summary.id

    @property
    def email(self) -> str:
        return self.summary.email


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}{next(_numbers)}@example.test"


def make_user(
    *,
    email: str | None = None,
    password: str = DEFAULT_PASSWORD,
    full_name: str = "Test Person",
    verified: bool = True,
    account_type: str | None = "attendee",
    two_factor: bool = False,
) -> MadeUser:
    """A user created through sign-up, optionally verified and onboarded, with a session token;
    `two_factor`: set up through the account page's service, so the session has passed it."""
    result = auth.sign_up(email=email or unique_email(), password=password, accept_terms=True, full_name=full_name)
    with transaction() as session:
        user = session.get(User, result.user.id)
        if verified:
            user.email_verified_at = utcnow()
        user.account_type = account_type
    token = auth.exchange_grant(grant=result.grant, binder=result.binder)
    made = MadeUser(summary=auth.current_user(token), password=password, token=token)
    return with_two_factor(made) if two_factor else made


def with_two_factor(user: MadeUser) -> MadeUser:
    """`user` after turning two-factor on the way the account page does (the secret, then its first
    code): their session counts as having passed it. The step just used cannot be used again."""
    setup = two_factor.start_two_factor_setup(actor=user.summary)
    code = pyotp.TOTP(setup.secret).at(two_factor._now())  # the clock a test may have moved
    two_factor.confirm_two_factor_setup(actor=user.summary, code=code, session_token=user.token)
    return MadeUser(auth.current_user(user.token), user.password, user.token, totp_secret=setup.secret)


def latest_email(to_email: str, kind: str | None = None) -> OutboxEmail | None:
    query = select(OutboxEmail).where(OutboxEmail.to_email == to_email.lower())
    if kind:
        query = query.where(OutboxEmail.kind == kind)
    with read_only() as session:
        rows = session.exec(query).all()
    return max(rows, key=lambda r: r.created_at) if rows else None


def make_organizer(**kwargs) -> MadeUser:
    return make_user(account_type="organizer", **kwargs)


def make_workspace(owner: MadeUser | None = None, name: str = "Nairobi Jazz Society"):
    """A workspace created through the service by `owner` (a new organizer when omitted)."""
    from eventpalour.services.workspaces.records import WorkspaceInput, create_workspace

    owner = owner or make_organizer()
    data = WorkspaceInput(name=name, description="Live jazz every Friday in Nairobi.")
    return create_workspace(actor=owner.summary, data=data)


def add_member(workspace_id: str, user: MadeUser, role: str) -> None:
    """Put `user` into the workspace with `role` directly (setting up a scenario, not testing joining)."""
    from eventpalour.models import WorkspaceMember

    with transaction() as session:
        session.add(WorkspaceMember(workspace_id=workspace_id, user_id=user.id, role=role))


def local(dt) -> str:
    """A UTC datetime as the event form's local wall-clock text in Africa/Nairobi."""
    from zoneinfo import ZoneInfo

    return dt.astimezone(ZoneInfo("Africa/Nairobi")).strftime("%Y-%m-%dT%H:%M")


def event_input(**changes):
    """A valid physical event form, starting in ten days at 18:00 in Nairobi, for three hours.

    A fixed hour, not the run's: an evening starting at the run's time of day crossed midnight in the
    event's zone for runs after 18:00 UTC, and pages then say the end's date too."""
    from datetime import timedelta

    from eventpalour.services.events.event_rules import EventInput

    start = (utcnow() + timedelta(days=10)).replace(hour=15, minute=0, second=0, microsecond=0)  # 18:00 EAT
    values = {
        "title": "Jazz on the Lawn",
        "description": "A wonderful gathering under the stars with good food and friends.",
        "category": "Music",
        "type": "physical",
        "pricing": "free",
        "venue": "Arboretum",
        "city": "Nairobi",
        "country": "Kenya",
        "start_local": local(start),
        "end_local": local(start + timedelta(hours=3)),
        "timezone": "Africa/Nairobi",
    }
    values.update(changes)
    return EventInput(**values)


def make_event(owner: MadeUser, workspace_id: str, *, tiers=None, publish: bool = False, **changes):
    """An event made through the services, with tiers (one free tier by default), optionally published."""
    from eventpalour.services.events import lifecycle as events
    from eventpalour.services.events import tiers as tier_service
    from eventpalour.services.events.event_rules import TierInput

    event = events.create_event(actor=owner.summary, workspace_id=workspace_id, data=event_input(**changes))
    tier_inputs = tiers if tiers is not None else [TierInput(name="General", price=0, quantity=100)]
    tier_service.save_tiers(actor=owner.summary, event_id=event.id, tiers=tier_inputs)
    if publish:
        events.change_status(actor=owner.summary, event_id=event.id, action="publish")
    return event


def make_paid_event(tiers, **changes):
    """A published paid event on sale (its organizer's workspace has approved KYC), and its tiers'
    ids in the order given: the scene of every checkout test."""
    from eventpalour.services.events.tiers import get_tiers

    owner = make_organizer()
    workspace = make_workspace(owner)
    approve_kyc(workspace.id)
    event = make_event(owner, workspace.id, publish=True, pricing="paid", tiers=tiers, **changes)
    return event, [tier.id for tier in get_tiers(actor=owner.summary, event_id=event.id)]


def approve_kyc(workspace_id: str) -> None:
    from eventpalour.models import KycStatus, Workspace

    with transaction() as session:
        session.get(Workspace, workspace_id).kyc_status = KycStatus.APPROVED


def make_admin(level: str, *, two_factor: bool = True, **kwargs) -> MadeUser:
    """A verified user holding the platform admin `level` (granted directly: the scenario, not the grant),
    signed in with two-factor as every admin must be (`two_factor=False` for the refusal)."""
    from eventpalour.models import PlatformAdmin

    user = make_user(two_factor=two_factor, **kwargs)
    with transaction() as session:
        session.add(PlatformAdmin(user_id=user.id, level=level))
    return MadeUser(auth.current_user(user.token), user.password, user.token, totp_secret=user.totp_secret)


def kyc_upload(owner: MadeUser) -> str:
    """A PDF stored in the private KYC bucket by `owner`; returns its key."""
    from eventpalour.services.platform import uploads
    from tests.samples import PDF

    return uploads.store_upload(actor=owner.summary, bucket="KYC", folder="kyc", filename="id.pdf", data=PDF).key


def kyc_input(owner: MadeUser, **changes):
    """A complete, valid KYC filing with an ID document uploaded by `owner`."""
    from eventpalour.services.workspaces.kyc import KycInput

    values = {
        "legal_name": "Amina Wanjiru Otieno",
        "id_number": "12345678",
        "id_document_key": kyc_upload(owner),
        "phone": "+254 712 345678",
        "business_name": "Jazz Nights Ltd",
        "payout_method": "mpesa",
        "payout_account_name": "Amina Otieno",
        "payout_account_number": "+254 712 345678",
        "tax_country": "KE",
        "tax_id": "A123456789B",
    }
    values.update(changes)
    return KycInput(**values)


def blue_ticket_input(**changes):
    from eventpalour.services.workspaces.blue_tickets import BlueTicketInput

    values = {
        "statement": "We have run monthly jazz nights in Nairobi since 2019.",
        "links": ["https://jazz.example.com", "instagram.com/nairobijazz"],
    }
    values.update(changes)
    return BlueTicketInput(**values)
