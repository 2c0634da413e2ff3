"""The JSON error contract and the per-client rate limits of SPEC §8, over real HTTP."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import col, select

from eventpalour.config import settings
from eventpalour.db import read_only
from eventpalour.models import EmailVerificationCode, User, UserSession
from eventpalour.services.identity.auth import BAD_CREDENTIALS
from tests.api.support import find_user, other_code, session_count, user_count, verification_code
from tests.factories import DEFAULT_PASSWORD, make_user

JSON = {"content-type": "application/json"}
TRACE_MARKERS = ("Traceback", 'File "', "eventpalour/", "site-packages", "Exception")
AUTH_POSTS = ["/api/auth/sign-up", "/api/auth/sign-in", "/api/auth/password/forgot", "/api/auth/password/reset"]


def assert_error_shape(response: httpx.Response) -> dict:
    """A JSON body with `error` (and maybe `details`), and nothing that looks like a stack trace."""
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) <= {"error", "details"}
    assert isinstance(body["error"], str) and body["error"]
    assert not any(marker in response.text for marker in TRACE_MARKERS)
    return body


# --- malformed and invalid bodies --------------------------------------------------------------------------


@pytest.mark.parametrize("path", AUTH_POSTS)
@pytest.mark.parametrize("raw", [b"{not json", b'{"email": "a@example.test", "password": ', b"\xff\xfe"])
def test_post_malformed_json_bad_request(http: httpx.Client, path: str, raw: bytes) -> None:
    response = http.post(path, content=raw, headers=JSON)

    assert response.status_code == 400
    assert assert_error_shape(response) == {"error": "The request body is not valid JSON."}
    assert user_count() == 0


def test_sign_up_missing_fields_unprocessable_with_details(http: httpx.Client) -> None:
    response = http.post("/api/auth/sign-up", json={"fullName": "Nobody"})

    assert response.status_code == 422
    body = assert_error_shape(response)
    assert body["error"] == "Some fields are missing or invalid."
    assert body["details"] == [
        {"path": ["email"], "message": "Field required"},
        {"path": ["password"], "message": "Field required"},
    ]
    assert user_count() == 0


@pytest.mark.parametrize(
    ("payload", "bad_paths"),
    [
        ({"email": 123, "password": DEFAULT_PASSWORD}, [["email"]]),
        ({"email": "typed@example.test", "password": 12345678901}, [["password"]]),
        ({"email": ["typed@example.test"], "password": True}, [["email"], ["password"]]),
        ({"email": "typed@example.test", "password": DEFAULT_PASSWORD, "fullName": {"first": "A"}}, [["fullName"]]),
        ({"email": None, "password": DEFAULT_PASSWORD}, [["email"]]),
    ],
)
def test_sign_up_wrong_types_unprocessable_with_details(
    http: httpx.Client, payload: dict, bad_paths: list[list[str]]
) -> None:
    response = http.post("/api/auth/sign-up", json=payload)

    assert response.status_code == 422
    body = assert_error_shape(response)
    assert [d["path"] for d in body["details"]] == bad_paths
    assert all(isinstance(d["message"], str) and d["message"] for d in body["details"])
    assert user_count() == 0


def test_sign_up_unknown_extra_field_unprocessable(http: httpx.Client) -> None:
    payload = {"email": "sneaky@example.test", "password": DEFAULT_PASSWORD, "isSuperAdmin": True}

    response = http.post("/api/auth/sign-up", json=payload)

    assert response.status_code == 422
    body = assert_error_shape(response)
    assert body["details"] == [{"path": ["isSuperAdmin"], "message": "Extra inputs are not permitted"}]
    assert user_count() == 0
    assert find_user("sneaky@example.test") is None


@pytest.mark.parametrize("payload", [[], "sign me up", 42, None])
def test_sign_up_non_object_body_unprocessable(http: httpx.Client, payload: object) -> None:
    response = http.post("/api/auth/sign-up", json=payload)

    assert response.status_code == 422
    body = assert_error_shape(response)
    assert body["details"] and body["details"][0]["path"] == []
    assert user_count() == 0


def test_sign_in_wrong_types_unprocessable_without_session(http: httpx.Client) -> None:
    user = make_user(email="typed@example.test")

    response = http.post("/api/auth/sign-in", json={"email": user.email, "password": 42})

    assert response.status_code == 422
    assert assert_error_shape(response)["details"][0]["path"] == ["password"]
    assert session_count(user.id) == 1


def test_verify_code_as_number_unprocessable(http: httpx.Client) -> None:
    http.post(
        "/api/auth/sign-up", json={"email": "numeric@example.test", "password": DEFAULT_PASSWORD, "acceptTerms": True}
    )

    response = http.post("/api/auth/verify", json={"code": 123456})

    assert response.status_code == 422
    assert assert_error_shape(response)["details"][0]["path"] == ["code"]
    assert find_user("numeric@example.test").email_verified_at is None


def test_sign_in_nul_in_email_rejected_like_unknown_email(http: httpx.Client) -> None:
    user = make_user(email="nul@example.test")

    response = http.post("/api/auth/sign-in", json={"email": "nul\u0000@example.test", "password": DEFAULT_PASSWORD})

    assert response.status_code == 400
    assert assert_error_shape(response)["error"] == BAD_CREDENTIALS
    assert session_count(user.id) == 1


def test_sign_up_control_characters_in_name_dropped(http: httpx.Client) -> None:
    payload = {
        "email": "ctrl@example.test",
        "password": DEFAULT_PASSWORD,
        "fullName": "Nul\u0000 Name\u001b\tOk",
        "acceptTerms": True,
    }

    response = http.post("/api/auth/sign-up", json=payload)

    assert response.status_code == 201
    assert response.json()["fullName"] == "Nul Name Ok"
    assert find_user("ctrl@example.test").full_name == "Nul Name Ok"


def test_dev_outbox_nul_in_address_unprocessable(http: httpx.Client) -> None:
    response = http.get("/api/dev/outbox", params={"to": "nul\x00@example.test"})

    assert response.status_code == 422
    assert assert_error_shape(response)["details"][0]["path"] == ["query", "to"]


def test_get_unknown_route_not_found_json(http: httpx.Client) -> None:
    response = http.get("/api/does-not-exist")

    assert response.status_code == 404
    assert assert_error_shape(response) == {"error": "There is no API route at /api/does-not-exist."}


def test_get_post_only_route_method_not_allowed_json(http: httpx.Client) -> None:
    response = http.get("/api/auth/sign-in")

    assert response.status_code == 405
    assert assert_error_shape(response) == {"error": "GET is not allowed on /api/auth/sign-in; use POST."}
    assert response.headers["allow"] == "POST"


# --- rate limits ----------------------------------------------------------------------------------------------


def code_attempts(email: str) -> int:
    with read_only() as session:
        query = select(EmailVerificationCode.attempts).join(User, col(User.id) == col(EmailVerificationCode.user_id))
        return session.exec(query.where(User.email == email)).one()


def assert_rate_limited(response: httpx.Response) -> None:
    assert response.status_code == 429
    retry_after = response.headers["retry-after"]
    assert retry_after.isdigit() and 1 <= int(retry_after) <= 60
    body = assert_error_shape(response)
    assert body["error"].startswith("Too many attempts")
    assert "details" not in body


def test_sign_in_over_auth_limit_too_many_requests(http: httpx.Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "rate_limit_auth", "3/minute")
    user = make_user(email="guessed@example.test")
    guesses = [{"email": user.email, "password": f"guess-{n}-wrong"} for n in range(3)]
    attempts = [http.post("/api/auth/sign-in", json=guess) for guess in guesses]

    response = http.post("/api/auth/sign-in", json={"email": user.email, "password": DEFAULT_PASSWORD})

    assert [a.status_code for a in attempts] == [400, 400, 400]
    assert_rate_limited(response)
    assert "set-cookie" not in response.headers
    assert session_count(user.id) == 1  # even the right password opened nothing


def test_verify_over_auth_limit_too_many_requests_and_try_not_counted(
    http: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    http.post(
        "/api/auth/sign-up", json={"email": "brute@example.test", "password": DEFAULT_PASSWORD, "acceptTerms": True}
    )
    monkeypatch.setattr(settings, "rate_limit_auth", "3/minute")
    wrong = other_code(verification_code("brute@example.test"))
    attempts = [http.post("/api/auth/verify", json={"code": wrong}) for _ in range(3)]

    response = http.post("/api/auth/verify", json={"code": wrong})

    assert [a.status_code for a in attempts] == [400, 400, 400]
    assert_rate_limited(response)
    assert code_attempts("brute@example.test") == 3  # the refused check did not spend a try
    assert find_user("brute@example.test").email_verified_at is None


def test_forgot_password_over_auth_limit_too_many_requests(http: httpx.Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "rate_limit_auth", "2/minute")
    for _ in range(2):
        assert http.post("/api/auth/password/forgot", json={"email": "spam@example.test"}).status_code == 202

    response = http.post("/api/auth/password/forgot", json={"email": "spam@example.test"})

    assert_rate_limited(response)


def test_post_over_general_limit_too_many_requests(http: httpx.Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "rate_limit_general", "2/minute")
    assert http.post("/api/auth/sign-out").status_code == 200
    assert http.post("/api/auth/sign-out").status_code == 200

    sign_out = http.post("/api/auth/sign-out")
    sign_up = http.post("/api/auth/sign-up", json={"email": "late@example.test", "password": DEFAULT_PASSWORD})
    malformed = http.post("/api/auth/sign-in", content=b"{oops", headers=JSON)

    assert_rate_limited(sign_out)
    assert_rate_limited(sign_up)
    assert_rate_limited(malformed)
    assert user_count() == 0


def test_get_over_general_limit_still_served(http: httpx.Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "rate_limit_general", "1/minute")
    http.post("/api/auth/sign-out")
    assert_rate_limited(http.post("/api/auth/sign-out"))

    response = http.get("/api/health")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_sandbox_post_over_general_limit_exempt(http: httpx.Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "rate_limit_general", "1/minute")
    http.post("/api/auth/sign-out")

    response = http.post("/api/sandbox/google/token", data={"grant_type": "authorization_code", "code": "x"})

    assert response.status_code == 401  # reached the sandbox, which wants client credentials
    assert response.json()["error"] == "invalid_client"


# --- behind a reverse proxy (TRUSTED_PROXIES) --------------------------------------------------------------


def sign_out_from(http: httpx.Client, forwarded_for: str) -> httpx.Response:
    return http.post("/api/auth/sign-out", headers={"x-forwarded-for": forwarded_for})


def test_post_limit_behind_trusted_proxy_counts_each_forwarded_client(
    http: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "trusted_proxies", ("127.0.0.1/32",))  # the test client is the proxy
    monkeypatch.setattr(settings, "rate_limit_general", "2/minute")
    assert [sign_out_from(http, "203.0.113.7").status_code for _ in range(2)] == [200, 200]

    other_visitor = sign_out_from(http, "198.51.100.20")
    same_visitor = sign_out_from(http, "203.0.113.7")
    same_visitor_spoofing = sign_out_from(http, "192.0.2.99, 203.0.113.7")  # its own header, then nginx's entry

    assert other_visitor.status_code == 200
    assert_rate_limited(same_visitor)
    assert_rate_limited(same_visitor_spoofing)


def test_post_limit_untrusted_peer_forwarded_header_ignored(
    http: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "trusted_proxies", ("10.0.0.0/8",))  # the test client (127.0.0.1) is not one
    monkeypatch.setattr(settings, "rate_limit_general", "2/minute")
    assert [sign_out_from(http, f"203.0.113.{n}").status_code for n in (1, 2)] == [200, 200]

    response = sign_out_from(http, "203.0.113.3")

    assert_rate_limited(response)


def test_sign_in_behind_trusted_proxy_limited_and_recorded_per_forwarded_client(
    http: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = make_user(email="proxied@example.test")
    monkeypatch.setattr(settings, "trusted_proxies", ("127.0.0.1/32",))
    monkeypatch.setattr(settings, "rate_limit_auth", "1/minute")
    wrong = {"email": user.email, "password": "wrong-password-1"}
    right = {"email": user.email, "password": DEFAULT_PASSWORD}
    assert http.post("/api/auth/sign-in", json=wrong, headers={"x-forwarded-for": "203.0.113.7"}).status_code == 400

    refused = http.post("/api/auth/sign-in", json=right, headers={"x-forwarded-for": "203.0.113.7"})
    other = http.post("/api/auth/sign-in", json=right, headers={"x-forwarded-for": "2001:db8::5"})

    assert_rate_limited(refused)
    assert other.status_code == 200
    with read_only() as session:
        addresses = set(session.exec(select(UserSession.ip).where(UserSession.user_id == user.id)).all())
    assert "2001:db8::5" in addresses
