"""Per-account and per-recipient budgets in the services and the forms that call them."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from eventpalour.config import settings
from eventpalour.db import read_only
from eventpalour.models import OutboxEmail, WorkspaceInvitation
from eventpalour.services.identity import auth
from eventpalour.services.platform.errors import RateLimited, ValidationFailed
from eventpalour.services.workspaces import invitations
from eventpalour.state.auth import ForgotPasswordState, SignInState, VerifyState
from eventpalour.state.members import InviteRow, MembersState
from tests.factories import DEFAULT_PASSWORD, make_organizer, make_user, make_workspace
from tests.state_support import run_handler, state_for


def emails_to(address: str, kind: str) -> int:
    with read_only() as session:
        query = select(func.count()).select_from(OutboxEmail)
        return session.exec(query.where(OutboxEmail.to_email == address, OutboxEmail.kind == kind)).one()


@pytest.fixture
def two_failures(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "rate_limit_signin_account", "2/15minutes")


@pytest.fixture
def two_emails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "rate_limit_email_recipient", "2/hour")


def test_sign_in_failures_counted_per_email_whatever_its_case(two_failures: None) -> None:
    user = make_user()
    for attempt in (user.email.upper(), f"  {user.email}  "):
        with pytest.raises(ValidationFailed):
            auth.sign_in(email=attempt, password="wrong-password-1")

    with pytest.raises(RateLimited) as refused:
        auth.sign_in(email=user.email, password=DEFAULT_PASSWORD)

    assert 14 * 60 < refused.value.retry_after <= 15 * 60
    assert refused.value.message == (
        "Too many failed sign-ins for this email address. Try again in 15 minutes, or reset your password."
    )


def test_sign_in_successes_not_counted(two_failures: None) -> None:
    user = make_user()
    for _ in range(4):
        auth.sign_in(email=user.email, password=DEFAULT_PASSWORD)


async def test_sign_in_form_over_account_budget_shows_the_error(two_failures: None) -> None:
    user = make_user()
    for _ in range(2):
        with pytest.raises(ValidationFailed):
            auth.sign_in(email=user.email, password="wrong-password-1")
    form = state_for(SignInState, token=None, path="/auth/sign-in")

    await run_handler(form, "submit", {"email": user.email, "password": DEFAULT_PASSWORD})

    assert form.form_error.startswith("Too many failed sign-ins for this email address.")
    assert not form.is_submitting


async def test_forgot_form_over_recipient_budget_answers_the_same(two_emails: None) -> None:
    user = make_user()
    answers = []
    for _ in range(3):
        form = state_for(ForgotPasswordState, token=None, path="/auth/forgot")
        await run_handler(form, "submit", {"email": user.email})
        answers.append((form.sent_to, form.form_error, form.field_errors))

    assert answers == [(user.email, "", {})] * 3
    assert emails_to(user.email, "password_reset") == 2


async def test_verify_form_resend_over_budget_toast_and_no_email(two_emails: None) -> None:
    user = make_user(verified=False)
    page = state_for(VerifyState, token=user.token, path="/auth/verify")
    for _ in range(2):
        await run_handler(page, "resend")

    emitted = await run_handler(page, "resend")

    assert f"Too many emails to {user.email} in the last hour." in str(emitted)
    assert emails_to(user.email, "verification_code") == 3  # sign-up's code and two more


def test_resend_invitation_over_budget_refused_and_link_kept(two_emails: None) -> None:
    owner = make_organizer()
    workspace = make_workspace(owner)
    [outcome] = invitations.invite_members(
        actor=owner.summary, workspace_id=workspace.id, invitations=[invitations.InviteRequest("guest@example.test")]
    )
    assert outcome.status == "invited"
    [pending] = invitations.list_pending_invitations(actor=owner.summary, workspace_id=workspace.id)
    invitations.resend_invitation(actor=owner.summary, workspace_id=workspace.id, invitation_id=pending.id)
    with read_only() as session:
        link = session.get(WorkspaceInvitation, pending.id).token_hash

    with pytest.raises(RateLimited) as refused:
        invitations.resend_invitation(actor=owner.summary, workspace_id=workspace.id, invitation_id=pending.id)

    assert refused.value.message.startswith("Too many emails to guest@example.test in the last hour.")
    with read_only() as session:
        assert session.get(WorkspaceInvitation, pending.id).token_hash == link
    assert emails_to("guest@example.test", "workspace_invitation") == 2


async def test_members_form_shows_an_address_over_budget(two_emails: None) -> None:
    owner = make_organizer()
    crews = [make_workspace(owner, name=f"Crew number {n}") for n in range(3)]
    for crew in crews[:2]:
        invitations.invite_members(
            actor=owner.summary, workspace_id=crew.id, invitations=[invitations.InviteRequest("busy@example.test")]
        )
    page = state_for(MembersState, token=owner.token, path=f"/workspace/{crews[2].id}/members")
    page.invite_rows = [InviteRow("busy@example.test"), InviteRow("free@example.test")]

    await run_handler(page, "send_invitations")

    assert [(r.email, r.status, r.color) for r in page.invite_results] == [
        ("busy@example.test", "too_many_emails", "red"),
        ("free@example.test", "invited", "green"),
    ]
    with read_only() as session:
        rows = session.exec(select(WorkspaceInvitation.email).where(WorkspaceInvitation.workspace_id == crews[2].id))
        assert rows.all() == ["free@example.test"]
