"""Budgets beside the per-address limits, over real HTTP: failed sign-ins per account (from any number
of addresses) and emails per recipient per hour (reset, verification code, invitation)."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import func, select

from eventpalour.config import settings
from eventpalour.db import read_only
from eventpalour.models import OutboxEmail, WorkspaceInvitation
from tests.api.support import reset_token, session_cookie, session_count, with_session
from tests.factories import DEFAULT_PASSWORD, make_organizer, make_user, make_workspace, unique_email

FAILURES = 3


@pytest.fixture
def many_addresses(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test client is a trusted proxy, so each request can come from its own forwarded address."""
    monkeypatch.setattr(settings, "trusted_proxies", ("127.0.0.1/32",))
    monkeypatch.setattr(settings, "rate_limit_auth", "2/minute")  # per address: never reached below
    monkeypatch.setattr(settings, "rate_limit_signin_account", f"{FAILURES}/15minutes")


def sign_in(http: httpx.Client, email: str, password: str, address: str) -> httpx.Response:
    return http.post(
        "/api/auth/sign-in", json={"email": email, "password": password}, headers={"x-forwarded-for": address}
    )


def emails_to(address: str, kind: str) -> int:
    with read_only() as session:
        query = select(func.count()).where(OutboxEmail.to_email == address, OutboxEmail.kind == kind)
        return session.exec(query.select_from(OutboxEmail)).one()


def assert_too_many(response: httpx.Response, *, within: int) -> str:
    assert response.status_code == 429
    assert 60 < int(response.headers["retry-after"]) <= within
    assert set(response.json()) == {"error"}
    return response.json()["error"]


# --- sign-in failures per account ---------------------------------------------------------------------------


def test_sign_in_failures_from_many_addresses_then_right_password_refused(
    http: httpx.Client, many_addresses: None
) -> None:
    user = make_user(email="stuffed@example.test")
    failures = [sign_in(http, user.email, f"guess-{n}-wrong", f"203.0.113.{n}").status_code for n in range(FAILURES)]

    refused = sign_in(http, user.email, DEFAULT_PASSWORD, "198.51.100.77")
    other = make_user(email="bystander@example.test")
    bystander = sign_in(http, other.email, DEFAULT_PASSWORD, "198.51.100.77")

    assert failures == [400] * FAILURES
    message = assert_too_many(refused, within=15 * 60)
    assert message.startswith("Too many failed sign-ins for this email address.")
    assert session_cookie(refused) is None and session_count(user.id) == 1  # only make_user's own session
    assert bystander.status_code == 200


def test_sign_in_failures_unknown_email_refused_alike(http: httpx.Client, many_addresses: None) -> None:
    known = make_user(email="known@example.test")
    answers = {}
    for email in (known.email, "unknown@example.test"):
        steps = [sign_in(http, email, f"guess-{n}-wrong", f"203.0.113.{n}") for n in range(FAILURES + 1)]
        answers[email] = [(r.status_code, r.json()["error"]) for r in steps]

    assert answers[known.email] == answers["unknown@example.test"]
    assert [status for status, _ in answers[known.email]] == [400] * FAILURES + [429]


def test_sign_in_after_password_reset_allowed_again(http: httpx.Client, many_addresses: None) -> None:
    user = make_user(email="forgetful@example.test")
    for n in range(FAILURES):
        sign_in(http, user.email, f"guess-{n}-wrong", f"203.0.113.{n}")
    assert sign_in(http, user.email, DEFAULT_PASSWORD, "203.0.113.50").status_code == 429

    assert http.post("/api/auth/password/forgot", json={"email": user.email}).status_code == 202
    reset = {"token": reset_token(user.email), "password": "a-brand-new-pass-7"}
    assert http.post("/api/auth/password/reset", json=reset).status_code == 200

    assert sign_in(http, user.email, "a-brand-new-pass-7", "203.0.113.51").status_code == 200


# --- emails per recipient per hour --------------------------------------------------------------------------


@pytest.fixture
def five_per_hour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "rate_limit_email_recipient", "5/hour")


def test_password_reset_sixth_email_in_an_hour_not_queued(http: httpx.Client, five_per_hour: None) -> None:
    user = make_user(email="target@example.test")

    answers = [http.post("/api/auth/password/forgot", json={"email": user.email}) for _ in range(6)]

    assert [(a.status_code, a.json()) for a in answers] == [(202, {"accepted": True})] * 6  # nothing revealed
    assert emails_to(user.email, "password_reset") == 5


def test_verification_code_resend_over_budget_too_many_requests(http: httpx.Client, five_per_hour: None) -> None:
    email = unique_email("unverified")
    assert (
        http.post(
            "/api/auth/sign-up", json={"email": email, "password": DEFAULT_PASSWORD, "acceptTerms": True}
        ).status_code
        == 201
    )
    resent = [http.post("/api/auth/verify/resend").status_code for _ in range(5)]

    response = http.post("/api/auth/verify/resend")

    assert resent == [200] * 5
    assert assert_too_many(response, within=3600).startswith(f"Too many emails to {email} in the last hour.")
    assert emails_to(email, "verification_code") == 6  # the sign-up's code and five more


def test_invitations_over_recipient_budget_not_sent(api_url: str, five_per_hour: None) -> None:
    target = "popular@example.test"
    results = []
    for n in range(6):  # six workspaces, so none of them is refused as "already invited"
        owner = make_organizer()
        workspace = make_workspace(owner, name=f"Crew number {n}")
        with httpx.Client(base_url=api_url, timeout=10) as client:
            invited = with_session(client, owner.token).post(
                "/api/workspace/invite", json={"workspaceId": workspace.id, "invitations": [{"email": target}]}
            )
        assert invited.status_code == 200, invited.text
        results.append(invited.json()["results"][0])

    assert [r["status"] for r in results] == ["invited"] * 5 + ["too_many_emails"]
    assert results[-1]["message"].startswith(f"Too many emails to {target} in the last hour.")
    assert emails_to(target, "workspace_invitation") == 5
    with read_only() as session:
        assert len(session.exec(select(WorkspaceInvitation).where(WorkspaceInvitation.email == target)).all()) == 5
