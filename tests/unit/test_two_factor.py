"""Two-factor sign-in (#20 §1): TOTP windows and replay, recovery codes used once, the sign-in's second
step and its failure budget, trusted browsers, and the actions that require it."""

from __future__ import annotations

import time
from dataclasses import replace

import pyotp
import pytest
from sqlmodel import select

from eventpalour.config import settings
from eventpalour.db import read_only
from eventpalour.models import AdminLevel, RecoveryCode, TwoFactorCredential, UserSession
from eventpalour.services import admin, platform
from eventpalour.services.finance import withdrawals
from eventpalour.services.identity import auth, two_factor
from eventpalour.services.platform import (
    Conflict,
    NotAuthenticated,
    RateLimited,
    SecondFactorRequired,
    ValidationFailed,
)
from tests.billing_support import insert_order
from tests.factories import DEFAULT_PASSWORD, make_admin, make_event, make_organizer, make_user, make_workspace

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NOW = 1_800_000_000.0  # a step boundary is every 30 s: 1_800_000_000 / 30 = 60_000_000 exactly


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The codes' clock, moved by the test: `clock[0] += 30` is the next step."""
    now = [time.time()]
    monkeypatch.setattr(two_factor, "_now", lambda: now[0])
    return now


def code_at(secret: str, moment: float) -> str:
    return pyotp.TOTP(secret).at(moment)


# --- the code itself ---------------------------------------------------------------------------------------


def test_a_code_counts_one_step_either_side_of_now_and_no_further() -> None:
    step = int(NOW // 30)
    for offset, expected in ((-60, None), (-30, step - 1), (0, step), (29, step), (30, step + 1), (60, None)):
        assert two_factor.matching_step(SECRET, code_at(SECRET, NOW + offset), at=NOW) == expected, offset


def test_codes_are_six_digits_spaces_allowed() -> None:
    code = code_at(SECRET, NOW)
    assert two_factor.matching_step(SECRET, f" {code[:3]} {code[3:]} ", at=NOW) == int(NOW // 30)
    for wrong in ("", "12345", "1234567", "abcdef", str((int(code) + 1) % 1_000_000).zfill(6)):
        assert two_factor.matching_step(SECRET, wrong, at=NOW) is None


# --- set-up ------------------------------------------------------------------------------------------------------


def test_setup_stores_the_secret_sealed_and_recovery_codes_hashed(clock: list[float]) -> None:
    user = make_user()
    other_device = auth.password_session(email=user.email, password=user.password).token
    setup = two_factor.start_two_factor_setup(actor=user.summary)
    assert setup.otpauth_uri.startswith("otpauth://totp/") and f"secret={setup.secret}" in setup.otpauth_uri
    assert setup.qr_svg_data_uri.startswith("data:image/svg+xml;base64,")

    with pytest.raises(ValidationFailed) as wrong:
        two_factor.confirm_two_factor_setup(actor=user.summary, code="000000", session_token=user.token)
    assert wrong.value.details[0].path == ("code",)
    assert two_factor.two_factor_status(actor=user.summary).enabled is False

    codes = two_factor.confirm_two_factor_setup(
        actor=user.summary, code=code_at(setup.secret, clock[0]), session_token=user.token
    )
    assert len(codes) == len(set(codes)) == two_factor.RECOVERY_CODE_COUNT
    with read_only() as session:
        credential = session.exec(select(TwoFactorCredential)).one()
        hashes = session.exec(select(RecoveryCode.code_hash)).all()
        sessions = session.exec(select(UserSession).where(UserSession.user_id == user.id)).all()
    assert (
        setup.secret not in credential.secret_sealed
        and platform.unseal(credential.secret_sealed) == setup.secret
        and credential.enabled_at is not None
    )
    assert not {c.replace("-", "") for c in codes} & set(hashes) and len(hashes) == 10
    # This browser passed two-factor; the password-only session on the other device ended.
    assert [s.two_factor_at is not None for s in sessions] == [True]
    assert auth.current_user(other_device) is None
    assert auth.current_user(user.token).second_factor_passed is True
    status = two_factor.two_factor_status(actor=auth.current_user(user.token))
    assert (status.enabled, status.recovery_codes_left, status.this_session_passed) == (True, 10, True)
    with pytest.raises(Conflict, match="already on"):
        two_factor.start_two_factor_setup(actor=user.summary)


# --- sign-in's second step --------------------------------------------------------------------------------


def test_sign_in_asks_for_the_code_and_opens_the_session_only_after_it(clock: list[float]) -> None:
    user = make_user(two_factor=True)
    needed = auth.sign_in(email=user.email, password=user.password)
    assert isinstance(needed, auth.SecondFactorNeeded) and needed.expires_in == 300

    with pytest.raises(ValidationFailed) as wrong:
        auth.complete_second_factor(challenge=needed.challenge, code="123456")
    assert wrong.value.details[0].path == ("code",)

    clock[0] += 30  # the set-up used the step of now
    result = auth.complete_second_factor(challenge=needed.challenge, code=code_at(user.totp_secret, clock[0]))
    token = auth.exchange_grant(grant=result.grant, binder=result.binder)
    assert auth.current_user(token).second_factor_passed is True


def test_the_same_code_is_refused_the_second_time(clock: list[float]) -> None:
    user = make_user(two_factor=True)
    clock[0] += 30
    code = code_at(user.totp_secret, clock[0])
    first = auth.sign_in(email=user.email, password=user.password)
    auth.complete_second_factor(challenge=first.challenge, code=code)

    again = auth.sign_in(email=user.email, password=user.password)
    with pytest.raises(ValidationFailed, match="just used"):
        auth.complete_second_factor(challenge=again.challenge, code=code)
    # An older step's code is refused too, even inside the drift window.
    with pytest.raises(ValidationFailed, match="just used"):
        auth.complete_second_factor(challenge=again.challenge, code=code_at(user.totp_secret, clock[0] - 30))
    assert auth.complete_second_factor(challenge=again.challenge, code=code_at(user.totp_secret, clock[0] + 30))


def test_a_recovery_code_signs_in_once() -> None:
    user = make_user()
    setup = two_factor.start_two_factor_setup(actor=user.summary)
    codes = two_factor.confirm_two_factor_setup(
        actor=user.summary, code=pyotp.TOTP(setup.secret).now(), session_token=user.token
    )
    needed = auth.sign_in(email=user.email, password=user.password)
    assert auth.complete_second_factor(challenge=needed.challenge, code=codes[0].upper().replace("-", " "))

    again = auth.sign_in(email=user.email, password=user.password)
    with pytest.raises(ValidationFailed, match="not right"):
        auth.complete_second_factor(challenge=again.challenge, code=codes[0])
    assert auth.complete_second_factor(challenge=again.challenge, code=codes[1])
    status = two_factor.two_factor_status(actor=user.summary)
    assert status.recovery_codes_left == 8


def test_wrong_codes_spend_the_sign_in_failure_budget(monkeypatch: pytest.MonkeyPatch, clock: list[float]) -> None:
    user = make_user(two_factor=True)
    monkeypatch.setattr(settings, "rate_limit_signin_account", "2/15minutes")
    needed = auth.sign_in(email=user.email, password=user.password)
    for _ in range(2):
        with pytest.raises(ValidationFailed):
            auth.complete_second_factor(challenge=needed.challenge, code="000000")
    clock[0] += 30
    with pytest.raises(RateLimited, match="Too many wrong codes"):
        auth.complete_second_factor(challenge=needed.challenge, code=code_at(user.totp_secret, clock[0]))
    # The same budget as wrong passwords: the password step is refused too.
    with pytest.raises(RateLimited, match="Too many failed sign-ins"):
        auth.sign_in(email=user.email, password=user.password)


def test_a_forged_or_stale_challenge_signs_nobody_in(clock: list[float]) -> None:
    user = make_user(two_factor=True)
    needed = auth.sign_in(email=user.email, password=user.password)
    clock[0] += 30
    code = code_at(user.totp_secret, clock[0])
    with pytest.raises(NotAuthenticated):
        auth.complete_second_factor(challenge=needed.challenge + "x", code=code)
    two_factor.turn_off_two_factor(actor=auth.current_user(user.token), code=code)
    with pytest.raises(NotAuthenticated, match="took too long"):
        auth.complete_second_factor(challenge=needed.challenge, code=code_at(user.totp_secret, clock[0] + 30))


def test_a_trusted_browser_skips_the_code_until_two_factor_is_set_up_anew(clock: list[float]) -> None:
    user = make_user(two_factor=True)
    needed = auth.sign_in(email=user.email, password=user.password)
    clock[0] += 30
    result = auth.complete_second_factor(
        challenge=needed.challenge, code=code_at(user.totp_secret, clock[0]), trust_browser=True
    )
    opened = auth.exchange_browser_grant(grant=result.grant, binder=result.binder)
    assert opened.trusted_browser

    trusted = auth.sign_in(email=user.email, password=user.password, trusted_browser=opened.trusted_browser)
    assert isinstance(trusted, auth.SignInResult)
    assert auth.current_user(auth.exchange_grant(grant=trusted.grant, binder=trusted.binder)).second_factor_passed
    # Another account cannot use this browser's trust, and a forged cookie is just ignored.
    other = make_user(two_factor=True)
    assert isinstance(
        auth.sign_in(email=other.email, password=other.password, trusted_browser=opened.trusted_browser),
        auth.SecondFactorNeeded,
    )
    assert isinstance(
        auth.sign_in(email=user.email, password=user.password, trusted_browser=opened.trusted_browser[:-2]),
        auth.SecondFactorNeeded,
    )
    # Off and on again: a new authenticator, so the old trust is void.
    me = auth.current_user(opened.token)
    two_factor.turn_off_two_factor(actor=me, code=code_at(user.totp_secret, clock[0] + 30))
    setup = two_factor.start_two_factor_setup(actor=me)
    two_factor.confirm_two_factor_setup(actor=me, code=code_at(setup.secret, clock[0]), session_token=opened.token)
    again = auth.sign_in(email=user.email, password=user.password, trusted_browser=opened.trusted_browser)
    assert isinstance(again, auth.SecondFactorNeeded)


def test_without_trust_asked_no_cookie_is_given(clock: list[float]) -> None:
    user = make_user(two_factor=True)
    needed = auth.sign_in(email=user.email, password=user.password)
    clock[0] += 30
    result = auth.complete_second_factor(challenge=needed.challenge, code=code_at(user.totp_secret, clock[0]))
    assert auth.exchange_browser_grant(grant=result.grant, binder=result.binder).trusted_browser is None


# --- managing it ------------------------------------------------------------------------------------------------


def test_new_recovery_codes_need_an_app_code_and_void_the_old_ones(clock: list[float]) -> None:
    user = make_user()
    setup = two_factor.start_two_factor_setup(actor=user.summary)
    old = two_factor.confirm_two_factor_setup(
        actor=user.summary, code=code_at(setup.secret, clock[0]), session_token=user.token
    )
    with pytest.raises(ValidationFailed):
        two_factor.regenerate_recovery_codes(actor=user.summary, code=old[0])
    clock[0] += 30
    new = two_factor.regenerate_recovery_codes(actor=user.summary, code=code_at(setup.secret, clock[0]))
    assert not set(new) & set(old)
    needed = auth.sign_in(email=user.email, password=user.password)
    with pytest.raises(ValidationFailed):
        auth.complete_second_factor(challenge=needed.challenge, code=old[1])
    assert auth.complete_second_factor(challenge=needed.challenge, code=new[1])


def test_turning_off_takes_a_recovery_code_and_unmarks_every_session(clock: list[float]) -> None:
    user = make_user()
    setup = two_factor.start_two_factor_setup(actor=user.summary)
    codes = two_factor.confirm_two_factor_setup(
        actor=user.summary, code=code_at(setup.secret, clock[0]), session_token=user.token
    )
    with pytest.raises(ValidationFailed):
        two_factor.turn_off_two_factor(actor=user.summary, code="")
    two_factor.turn_off_two_factor(actor=user.summary, code=codes[3])
    assert auth.current_user(user.token).second_factor_passed is False
    assert isinstance(auth.sign_in(email=user.email, password=user.password), auth.SignInResult)
    with read_only() as session:
        assert session.exec(select(RecoveryCode)).all() == []
    with pytest.raises(Conflict, match="already off"):
        two_factor.turn_off_two_factor(actor=user.summary, code=codes[4])


def test_sessions_list_says_which_passed_two_factor() -> None:
    user = make_user(two_factor=True)
    plain = make_user()
    rows = auth.list_sessions(actor=user.summary, current_token=user.token)
    assert [(r.two_factor, r.is_current) for r in rows] == [(True, True)]
    assert [r.two_factor for r in auth.list_sessions(actor=plain.summary, current_token=None)] == [False]


# --- where it is required ----------------------------------------------------------------------------------


@pytest.mark.parametrize("level", list(AdminLevel))
def test_every_admin_level_needs_a_session_that_passed_two_factor(level: AdminLevel) -> None:
    without = make_admin(level, two_factor=False)
    with pytest.raises(SecondFactorRequired) as refused:
        admin.check_admin(actor=without.summary, capability=admin.AdminCapability.VIEW_DASHBOARD)
    assert refused.value.reason == "admin" and refused.value.code == "second_factor_required"
    assert "Platform admins must turn on two-factor" in refused.value.message

    assert admin.check_admin(actor=make_admin(level).summary, capability=admin.AdminCapability.VIEW_DASHBOARD) == level


def test_an_enrolled_admin_on_a_password_only_session_is_told_to_sign_in_again() -> None:
    boss = make_admin("super_admin")
    # A session opened before two-factor was on (set-up ends them; this is the summary one would give).
    unmarked = replace(boss.summary, second_factor_passed=False)
    with pytest.raises(SecondFactorRequired, match="sign in again with your authenticator code"):
        admin.check_admin(actor=unmarked, capability=admin.AdminCapability.VIEW_DASHBOARD)


def test_withdrawals_and_refunds_need_two_factor_of_the_owner() -> None:
    from eventpalour.services.sales import refunds

    owner = make_organizer()
    ws = make_workspace(owner)
    order_id = insert_order(make_event(owner, ws.id), make_user().id, subtotal=100000, provider_fee=2900)
    data = withdrawals.WithdrawalInput(
        amount="500", method="bank", bank_name="KCB", account_number="1234567890", account_name="Jazz"
    )
    with pytest.raises(SecondFactorRequired) as refused:
        withdrawals.request_withdrawal(actor=owner.summary, workspace_id=ws.id, data=data)
    assert refused.value.reason == "withdrawal"
    with pytest.raises(SecondFactorRequired) as refused:
        refunds.process_refund(actor=owner.summary, order_id=order_id, amount=None, ticket_ids=[], reason="Asked")
    assert refused.value.reason == "refund"
    assert withdrawals.list_withdrawals(actor=owner.summary, workspace_id=ws.id) == []


def test_the_default_password_still_signs_in_accounts_without_two_factor() -> None:
    user = make_user()
    assert isinstance(auth.sign_in(email=user.email, password=DEFAULT_PASSWORD), auth.SignInResult)
