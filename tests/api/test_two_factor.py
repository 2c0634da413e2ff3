"""Two-factor sign-in over real HTTP (#20 §1): set-up, the 202 challenge and POST /api/auth/2fa, the
trusted-browser cookie, Google sign-in's second step, and /api/admin refusing admins without it."""

from __future__ import annotations

import time
from http.cookies import SimpleCookie

import httpx
import pyotp
import pytest

from eventpalour import routes
from eventpalour.cookies import CHALLENGE_COOKIE, SESSION_COOKIE, TRUSTED_BROWSER_COOKIE
from eventpalour.integrations.tls import outbound_tls
from eventpalour.services.identity import two_factor
from tests.api.support import session_cookie, session_count, with_session
from tests.api.test_google import google_sign_in
from tests.factories import make_admin, make_user


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The codes' clock (the server runs in this process): `clock[0] += 30` is the next step."""
    now = [time.time()]
    monkeypatch.setattr(two_factor, "_now", lambda: now[0])
    return now


def set_cookie(response: httpx.Response, name: str) -> SimpleCookie | None:
    for header in response.headers.get_list("set-cookie"):
        jar = SimpleCookie()
        jar.load(header)
        if name in jar:
            return jar[name]
    return None


def sign_in(http: httpx.Client, email: str, password: str) -> httpx.Response:
    return http.post("/api/auth/sign-in", json={"email": email, "password": password})


def test_set_up_through_the_api_then_sign_in_needs_the_code(api_url: str, clock: list[float]) -> None:
    user = make_user()
    with with_session(httpx.Client(base_url=api_url, verify=outbound_tls()), user.token) as owner:
        setup = owner.post("/api/auth/2fa/setup")
        assert setup.status_code == 200, setup.text
        secret = setup.json()["secret"]
        assert setup.json()["otpauthUri"].startswith("otpauth://totp/")

        wrong = owner.post("/api/auth/2fa/confirm", json={"code": "000000"})
        assert wrong.status_code == 400 and wrong.json()["details"][0]["path"] == ["code"]
        confirmed = owner.post("/api/auth/2fa/confirm", json={"code": pyotp.TOTP(secret).at(clock[0])})
        assert confirmed.status_code == 200, confirmed.text
        assert len(confirmed.json()["recoveryCodes"]) == 10
        assert owner.get("/api/auth/me").json()["secondFactorPassed"] is True
        [listed] = owner.get("/api/auth/sessions").json()
        assert listed["twoFactor"] is True and listed["current"] is True

    with httpx.Client(base_url=api_url, verify=outbound_tls()) as browser:
        first = sign_in(browser, user.email, user.password)
        assert first.status_code == 202, first.text
        body = first.json()
        assert body["secondFactorRequired"] is True and body["expiresIn"] == 300
        assert session_cookie(first) is None and session_count(user.id) == 1

        clock[0] += 30
        done = browser.post(
            "/api/auth/2fa", json={"challenge": body["challenge"], "code": pyotp.TOTP(secret).at(clock[0])}
        )
        assert done.status_code == 200, done.text
        assert done.json()["secondFactorPassed"] is True and session_cookie(done)
        assert set_cookie(done, TRUSTED_BROWSER_COOKIE) is None


def test_second_step_refuses_wrong_replayed_and_stale_codes(
    api_url: str, http: httpx.Client, clock: list[float]
) -> None:
    user = make_user(two_factor=True)
    challenge = sign_in(http, user.email, user.password).json()["challenge"]

    wrong = http.post("/api/auth/2fa", json={"challenge": challenge, "code": "12345x"})
    assert wrong.status_code == 400
    assert wrong.json() == {
        "error": two_factor.WRONG_CODE,
        "details": [{"path": ["code"], "message": two_factor.WRONG_CODE}],
    }
    clock[0] += 30
    code = pyotp.TOTP(user.totp_secret).at(clock[0])
    assert http.post("/api/auth/2fa", json={"challenge": challenge, "code": code}).status_code == 200
    replayed = http.post("/api/auth/2fa", json={"challenge": challenge, "code": code})
    assert replayed.status_code == 400 and "just used" in replayed.json()["error"]
    forged = http.post("/api/auth/2fa", json={"challenge": challenge[:-3] + "abc", "code": code})
    assert forged.status_code == 401
    missing = http.post("/api/auth/2fa", json={"code": code})
    assert missing.status_code == 422


def test_trust_this_browser_sets_a_signed_cookie_that_skips_the_code(api_url: str, clock: list[float]) -> None:
    user = make_user(two_factor=True)
    with httpx.Client(base_url=api_url, verify=outbound_tls()) as browser:
        challenge = sign_in(browser, user.email, user.password).json()["challenge"]
        clock[0] += 30
        done = browser.post(
            "/api/auth/2fa",
            json={"challenge": challenge, "code": pyotp.TOTP(user.totp_secret).at(clock[0]), "trustBrowser": True},
        )
        trusted = set_cookie(done, TRUSTED_BROWSER_COOKIE)
        assert trusted is not None and trusted["httponly"] and int(trusted["max-age"]) == 30 * 24 * 3600
        browser.cookies.delete(SESSION_COOKIE)

        again = sign_in(browser, user.email, user.password)
        assert again.status_code == 200 and again.json()["secondFactorPassed"] is True
    with httpx.Client(base_url=api_url, verify=outbound_tls()) as elsewhere:
        assert sign_in(elsewhere, user.email, user.password).status_code == 202


def test_google_sign_in_asks_for_the_code_too(api_url: str, clock: list[float]) -> None:
    user = make_user(two_factor=True)
    with httpx.Client(base_url=api_url, follow_redirects=False, timeout=10, verify=outbound_tls()) as browser:
        answer = google_sign_in(browser, user.email, next_path="/my-tickets")
        assert answer.status_code == 303
        assert answer.headers["location"].endswith(routes.with_next(routes.SIGN_IN, "/my-tickets"))
        assert session_cookie(answer) is None
        challenge = set_cookie(answer, CHALLENGE_COOKIE)
        assert challenge is not None and challenge["httponly"]

        clock[0] += 30
        done = browser.post(
            "/api/auth/2fa", json={"challenge": challenge.value, "code": pyotp.TOTP(user.totp_secret).at(clock[0])}
        )
        assert done.status_code == 200 and done.json()["secondFactorPassed"] is True


def test_admin_routes_answer_admins_without_two_factor_with_a_specific_code(api_url: str) -> None:
    without = make_admin("moderator", two_factor=False)
    with with_session(httpx.Client(base_url=api_url, verify=outbound_tls()), without.token) as client:
        refused = client.get("/api/admin/metrics")
        assert refused.status_code == 403
        assert refused.json()["code"] == "second_factor_required"
        assert "Platform admins must turn on two-factor" in refused.json()["error"]
    with with_session(httpx.Client(base_url=api_url, verify=outbound_tls()), make_admin("moderator").token) as client:
        assert client.get("/api/admin/metrics").status_code == 200


def test_turning_off_takes_a_recovery_code(api_url: str, clock: list[float]) -> None:
    user = make_user()
    with with_session(httpx.Client(base_url=api_url, verify=outbound_tls()), user.token) as owner:
        secret = owner.post("/api/auth/2fa/setup").json()["secret"]
        codes = owner.post("/api/auth/2fa/confirm", json={"code": pyotp.TOTP(secret).at(clock[0])}).json()[
            "recoveryCodes"
        ]
        renewed = owner.post("/api/auth/2fa/recovery-codes", json={"code": codes[0]})
        assert renewed.status_code == 400  # new recovery codes need the app's code
        off = owner.post("/api/auth/2fa/disable", json={"code": codes[0]})
        assert off.status_code == 200 and off.json() == {"twoFactor": False}
        assert owner.get("/api/auth/me").json()["secondFactorPassed"] is False
    with httpx.Client(base_url=api_url, verify=outbound_tls()) as browser:
        assert sign_in(browser, user.email, user.password).status_code == 200


def test_use_another_account_forgets_a_google_challenge(api_url: str) -> None:
    with httpx.Client(base_url=api_url, follow_redirects=False, verify=outbound_tls()) as browser:
        browser.cookies.set(CHALLENGE_COOKIE, "waiting", domain=browser.base_url.host, path="/")
        answer = browser.get(routes.API_TWO_FACTOR_CANCEL, params={"next": "/my-tickets"})
        assert answer.status_code == 303
        assert answer.headers["location"].endswith(routes.with_next(routes.SIGN_IN, "/my-tickets"))
        cleared = set_cookie(answer, CHALLENGE_COOKIE)
        assert cleared is not None and cleared.value == "" and int(cleared["max-age"]) == 0
