"""The two-factor handlers of the sign-in and account pages and the admin shell, driven as a browser's
websocket would (#20 §1)."""

from __future__ import annotations

import time

import pyotp
import pytest

from eventpalour import routes
from eventpalour.services.identity import auth, two_factor
from eventpalour.state.account import AccountState
from eventpalour.state.admin import AdminState
from eventpalour.state.auth import SignInState
from tests.factories import make_admin, make_user
from tests.state_support import run_handler, state_for


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [time.time()]
    monkeypatch.setattr(two_factor, "_now", lambda: now[0])
    return now


def flat(emitted: list) -> list:
    out = []
    for item in emitted:
        out.extend(item if isinstance(item, list) else [item])
    return [item for item in out if item is not None]


def redirected_to(spec) -> str:  # an rx.redirect EventSpec
    return {name._js_expr: value._var_value for name, value in spec.args}["path"]


async def test_sign_in_form_asks_for_the_code_then_signs_in(clock: list[float]) -> None:
    user = make_user(two_factor=True)
    form = state_for(SignInState, token=None, path="/auth/sign-in")

    emitted = flat(await run_handler(form, "submit", {"email": user.email, "password": user.password}))
    assert form.needs_code and form._challenge and not form.is_submitting
    assert not any("window.location.assign" in str(item) for item in emitted)  # no session yet

    await run_handler(form, "submit_code", {"code": "000000"})
    assert form.field_errors == {"code": two_factor.WRONG_CODE} and form.needs_code

    clock[0] += 30
    code = pyotp.TOTP(user.totp_secret).at(clock[0])
    emitted = flat(await run_handler(form, "submit_code", {"code": code, "trust_browser": "on"}))
    assert any("/api/auth/session" in str(item) for item in emitted)  # the grant's exchange
    assert not form.needs_code and form._challenge == ""


async def test_account_page_sets_up_two_factor_and_shows_the_codes_once(clock: list[float]) -> None:
    user = make_user()
    page = state_for(AccountState, token=user.token, path="/account")
    await run_handler(page, "load")
    assert not page.two_factor_enabled and [s.two_factor for s in page.sessions] == [False]

    await run_handler(page, "start_two_factor")
    assert page.setup_secret and page.setup_qr.startswith("data:image/svg+xml;base64,")
    await run_handler(page, "confirm_two_factor", {"setup_code": "000000"})
    assert set(page.field_errors) == {"setup_code"} and not page.two_factor_enabled

    code = pyotp.TOTP(page.setup_secret).at(clock[0])
    await run_handler(page, "confirm_two_factor", {"setup_code": code})
    assert page.two_factor_enabled and len(page.recovery_codes) == 10 and page.setup_secret == ""
    assert [(s.two_factor, s.is_current) for s in page.sessions] == [(True, True)]

    await run_handler(page, "load")  # shown once: a new visit does not show them again
    assert page.recovery_codes == [] and page.recovery_codes_left == 10


async def test_admin_shell_sends_an_admin_without_two_factor_to_set_it_up() -> None:
    without = make_admin("support", two_factor=False)
    shell = state_for(AdminState, token=without.token, path="/admin")
    emitted = flat(await run_handler(shell, "enter_admin"))
    assert not shell.admin_allowed
    assert [redirected_to(e) for e in emitted if "redirect" in str(e)] == [routes.two_factor_setup("admin")]

    passed = make_admin("support")
    allowed = state_for(AdminState, token=passed.token, path="/admin")
    await run_handler(allowed, "enter_admin")
    assert allowed.admin_allowed
    assert auth.current_user(passed.token).second_factor_passed
