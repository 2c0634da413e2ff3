"""Email + password accounts over HTTP: sign-up, sign-in/out, verification, reset, grants, admins (SPEC §2)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest
from sqlmodel import select

from eventpalour.db import read_only
from eventpalour.integrations.tls import outbound_tls
from eventpalour.models import (
    EmailVerificationCode,
    OutboxEmail,
    PasswordResetToken,
    SignInGrant,
    UserSession,
    UserStatus,
)
from eventpalour.models.types import utcnow
from eventpalour.services.identity import auth
from eventpalour.services.identity.auth import BAD_CREDENTIALS
from tests.api.support import (
    find_user,
    other_code,
    reset_token,
    session_cookie,
    session_count,
    update_rows,
    update_user,
    user_count,
    verification_code,
    with_binder,
    with_session,
)
from tests.factories import DEFAULT_PASSWORD, latest_email, make_user

NEW_PASSWORD = "brand-new-secret-77"


def sign_up(http: httpx.Client, email: str, password: str = DEFAULT_PASSWORD, full_name: str = "Amani Otieno"):
    return http.post(
        "/api/auth/sign-up", json={"email": email, "password": password, "fullName": full_name, "acceptTerms": True}
    )


def sign_in(http: httpx.Client, email: str, password: str = DEFAULT_PASSWORD):
    return http.post("/api/auth/sign-in", json={"email": email, "password": password})


def code_rows(user_id: str) -> list[EmailVerificationCode]:
    with read_only() as session:
        query = select(EmailVerificationCode).where(EmailVerificationCode.user_id == user_id)
        return sorted(session.exec(query).all(), key=lambda row: row.created_at)


def outbox_count(email: str) -> int:
    with read_only() as session:
        return len(session.exec(select(OutboxEmail).where(OutboxEmail.to_email == email.lower())).all())


# --- sign-up ---------------------------------------------------------------------------------------


def test_sign_up_valid_details_creates_signed_in_account(http: httpx.Client) -> None:
    response = sign_up(http, "Amani@Example.test")

    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "amani@example.test"
    assert body["fullName"] == "Amani Otieno"
    assert body["emailVerified"] is False
    assert body["accountType"] is None
    assert body["id"] and body["username"]
    assert "password" not in str(body).lower()
    cookie = session_cookie(response)
    assert cookie is not None and cookie.value
    assert cookie["httponly"] is True
    assert cookie["samesite"].lower() == "lax"
    assert not cookie["secure"]  # plain http in tests; Secure comes with an https APP_URL
    assert cookie["path"] == "/"
    assert cookie["max-age"] == str(30 * 24 * 3600)
    user = find_user("amani@example.test")
    assert user is not None and user.id == body["id"]
    assert user.password_hash and DEFAULT_PASSWORD not in user.password_hash
    assert session_count(user.id) == 1
    assert len(verification_code("amani@example.test")) == 6
    assert http.get("/api/auth/me").json()["id"] == user.id


def test_sign_up_existing_email_conflict_with_details(http: httpx.Client) -> None:
    make_user(email="taken@example.test")

    response = sign_up(http, "TAKEN@example.test")

    assert response.status_code == 409
    body = response.json()
    assert "already exists" in body["error"]
    assert body["details"] == [{"path": ["email"], "message": "This email is already registered."}]
    assert session_cookie(response) is None
    assert user_count() == 1


def test_sign_up_short_password_rejected_with_details(http: httpx.Client) -> None:
    response = sign_up(http, "short@example.test", password="abc")

    assert response.status_code == 400
    body = response.json()
    assert body["details"] == [{"path": ["password"], "message": "Use at least 8 characters."}]
    assert user_count() == 0


def test_sign_up_invalid_email_rejected_with_details(http: httpx.Client) -> None:
    response = sign_up(http, "not-an-email")

    assert response.status_code == 400
    assert response.json()["details"][0]["path"] == ["email"]
    assert user_count() == 0


def test_sign_up_same_email_concurrently_one_account_rest_conflict(api_url: str) -> None:
    def submit(email: str) -> int:
        payload = {"email": email, "password": DEFAULT_PASSWORD, "acceptTerms": True}
        return httpx.post(f"{api_url}/api/auth/sign-up", json=payload, verify=outbound_tls()).status_code

    # A double-submitted form: on PostgreSQL both requests pass the "is it taken?" check, so only the
    # unique index catches the second one. A few rounds make that interleaving all but certain.
    for round_number in range(3):
        email = f"double-click-{round_number}@example.test"
        with ThreadPoolExecutor(max_workers=6) as pool:
            statuses = sorted(pool.map(submit, [email] * 6))

        assert statuses == [201, 409, 409, 409, 409, 409]
        assert find_user(email) is not None
    assert user_count() == 3


# --- sign-in / me / sign-out ---------------------------------------------------------------------------


def test_sign_in_correct_password_opens_session(http: httpx.Client) -> None:
    user = make_user(email="kip@example.test")

    response = sign_in(http, "  KIP@example.test ")

    assert response.status_code == 200
    assert response.json()["id"] == user.id
    cookie = session_cookie(response)
    assert cookie is not None and cookie["httponly"] is True and cookie["samesite"].lower() == "lax"
    assert session_count(user.id) == 2  # make_user's session plus this one
    assert find_user(user.email).last_sign_in_at is not None


def test_sign_in_wrong_password_rejected(http: httpx.Client) -> None:
    user = make_user(email="kip@example.test")

    response = sign_in(http, user.email, "not-the-password")

    assert response.status_code == 400
    assert response.json()["error"] == BAD_CREDENTIALS
    assert session_cookie(response) is None
    assert session_count(user.id) == 1


def test_sign_in_unknown_email_same_error_as_wrong_password(http: httpx.Client) -> None:
    user = make_user(email="kip@example.test")
    wrong_password = sign_in(http, user.email, "not-the-password")

    response = sign_in(http, "nobody@example.test", "not-the-password")

    assert response.status_code == 400
    assert response.json() == wrong_password.json()
    assert response.json()["error"] == BAD_CREDENTIALS
    assert session_count() == 1


@pytest.mark.parametrize("status", [UserStatus.SUSPENDED, UserStatus.BLOCKED])
def test_sign_in_suspended_or_blocked_user_forbidden(http: httpx.Client, api_url: str, status: UserStatus) -> None:
    user = make_user(email="gone@example.test")
    update_user(user.id, status=status)

    response = sign_in(http, user.email)

    assert response.status_code == 403
    assert status.value in response.json()["error"]
    assert session_cookie(response) is None
    assert session_count(user.id) == 1
    # The session it already had stops working at once.
    old_browser = with_session(httpx.Client(base_url=api_url, verify=outbound_tls()), user.token)
    with old_browser:
        assert old_browser.get("/api/auth/me").status_code == 401


def test_me_anonymous_unauthorized(http: httpx.Client) -> None:
    response = http.get("/api/auth/me")

    assert response.status_code == 401
    assert response.json() == {"error": "Please sign in to continue."}


def test_me_signed_in_returns_user(http: httpx.Client) -> None:
    user = make_user(email="wanjiru@example.test", full_name="Wanjiru Kamau", account_type="organizer")

    response = with_session(http, user.token).get("/api/auth/me")

    assert response.status_code == 200
    assert response.json() == {
        "id": user.id,
        "email": "wanjiru@example.test",
        "username": user.summary.username,
        "fullName": "Wanjiru Kamau",
        "avatarUrl": None,
        "accountType": "organizer",
        "emailVerified": True,
        "secondFactorPassed": False,
    }


def test_me_unknown_session_token_unauthorized(http: httpx.Client) -> None:
    response = with_session(http, "forged-token").get("/api/auth/me")

    assert response.status_code == 401
    assert "error" in response.json()


def test_me_expired_session_unauthorized(http: httpx.Client) -> None:
    user = make_user(email="old@example.test")
    update_rows(UserSession, UserSession.user_id == user.id, expires_at=utcnow() - timedelta(seconds=1))

    response = with_session(http, user.token).get("/api/auth/me")

    assert response.status_code == 401
    assert "error" in response.json()


def test_me_idle_session_lifetime_slides_forward(http: httpx.Client) -> None:
    user = make_user(email="regular@example.test")
    earlier = utcnow() - timedelta(hours=2)
    tomorrow = utcnow() + timedelta(days=1)
    update_rows(UserSession, UserSession.user_id == user.id, last_seen_at=earlier, expires_at=tomorrow)

    response = with_session(http, user.token).get("/api/auth/me")

    assert response.status_code == 200
    with read_only() as session:
        row = session.exec(select(UserSession).where(UserSession.user_id == user.id)).one()
    assert row.last_seen_at > earlier
    assert row.expires_at > utcnow() + timedelta(days=29)


def test_sign_out_signed_in_deletes_session_and_cookie(http: httpx.Client, api_url: str) -> None:
    user = make_user(email="leaving@example.test")
    sign_in(http, user.email)
    token = http.cookies.get("ep_session")
    assert session_count(user.id) == 2

    response = http.post("/api/auth/sign-out")

    assert response.status_code == 200
    assert response.json() == {"signedOut": True}
    cookie = session_cookie(response)
    assert cookie is not None and cookie.value == "" and cookie["max-age"] == "0"
    assert http.get("/api/auth/me").status_code == 401
    assert session_count(user.id) == 1  # only make_user's own session is left
    # Replaying the old cookie does not bring the session back: the row is gone.
    with with_session(httpx.Client(base_url=api_url, verify=outbound_tls()), token) as replay:
        assert replay.get("/api/auth/me").status_code == 401


def test_sign_out_anonymous_still_succeeds(http: httpx.Client) -> None:
    response = http.post("/api/auth/sign-out")

    assert response.status_code == 200
    assert response.json() == {"signedOut": True}


# --- email verification ------------------------------------------------------------------------------


def test_verify_correct_code_marks_email_verified(http: httpx.Client) -> None:
    user_id = sign_up(http, "new@example.test").json()["id"]
    code = verification_code("new@example.test")

    response = http.post("/api/auth/verify", json={"code": code})

    assert response.status_code == 200
    assert response.json()["emailVerified"] is True
    assert find_user("new@example.test").email_verified_at is not None
    assert code_rows(user_id)[0].used_at is not None


def test_verify_code_from_dev_outbox_marks_email_verified(http: httpx.Client) -> None:
    sign_up(http, "outbox@example.test")
    emails = http.get("/api/dev/outbox", params={"to": "outbox@example.test"}).json()
    assert [e["kind"] for e in emails] == ["verification_code"]
    code = emails[0]["subject"].rsplit(" ", 1)[-1]
    assert len(code) == 6 and code.isdigit()

    response = http.post("/api/auth/verify", json={"code": code})

    assert response.status_code == 200
    assert response.json()["emailVerified"] is True
    assert find_user("outbox@example.test").email_verified_at is not None


def test_verify_wrong_code_counts_down_tries(http: httpx.Client) -> None:
    user_id = sign_up(http, "typo@example.test").json()["id"]
    wrong = other_code(verification_code("typo@example.test"))

    messages = [http.post("/api/auth/verify", json={"code": wrong}) for _ in range(3)]

    assert [r.status_code for r in messages] == [400, 400, 400]
    assert [r.json()["error"] for r in messages] == [
        "That code is not right. 4 tries left.",
        "That code is not right. 3 tries left.",
        "That code is not right. 2 tries left.",
    ]
    assert messages[0].json()["details"] == [{"path": ["code"], "message": "That code is not right. 4 tries left."}]
    assert code_rows(user_id)[0].attempts == 3
    assert find_user("typo@example.test").email_verified_at is None


def test_verify_five_wrong_tries_kills_code(http: httpx.Client) -> None:
    user_id = sign_up(http, "unlucky@example.test").json()["id"]
    code = verification_code("unlucky@example.test")
    for _ in range(4):
        http.post("/api/auth/verify", json={"code": other_code(code)})

    fifth = http.post("/api/auth/verify", json={"code": other_code(code)})
    right_code_after = http.post("/api/auth/verify", json={"code": code})

    assert fifth.status_code == 400
    assert fifth.json()["error"] == "That code is not right, and it is now used up. Send a new code."
    assert right_code_after.status_code == 400
    assert right_code_after.json()["error"] == "Too many wrong tries for this code. Send a new code."
    assert code_rows(user_id)[0].attempts == 5
    assert find_user("unlucky@example.test").email_verified_at is None


def test_verify_malformed_code_rejected_without_counting(http: httpx.Client) -> None:
    user_id = sign_up(http, "letters@example.test").json()["id"]

    response = http.post("/api/auth/verify", json={"code": "12ab56"})

    assert response.status_code == 400
    assert response.json()["error"] == "Enter the 6-digit code from the email."
    assert code_rows(user_id)[0].attempts == 0


def test_verify_expired_code_rejected(http: httpx.Client) -> None:
    user_id = sign_up(http, "slow@example.test").json()["id"]
    code = verification_code("slow@example.test")
    past = utcnow() - timedelta(seconds=1)
    update_rows(EmailVerificationCode, EmailVerificationCode.user_id == user_id, expires_at=past)

    response = http.post("/api/auth/verify", json={"code": code})

    assert response.status_code == 400
    assert response.json()["error"] == "This code has expired. Send a new code and try again."
    assert find_user("slow@example.test").email_verified_at is None


def test_verify_anonymous_unauthorized(http: httpx.Client) -> None:
    response = http.post("/api/auth/verify", json={"code": "123456"})

    assert response.status_code == 401
    assert "error" in response.json()


def test_resend_code_unverified_replaces_old_code(http: httpx.Client) -> None:
    user_id = sign_up(http, "again@example.test").json()["id"]

    response = http.post("/api/auth/verify/resend")

    assert response.status_code == 200
    assert response.json() == {"sent": True}
    first, second = code_rows(user_id)
    assert first.used_at is not None and second.used_at is None
    assert outbox_count("again@example.test") == 2
    verified = http.post("/api/auth/verify", json={"code": verification_code("again@example.test")})
    assert verified.status_code == 200 and verified.json()["emailVerified"] is True


def test_resend_code_after_dead_code_allows_verification(http: httpx.Client) -> None:
    sign_up(http, "retry@example.test")
    code = verification_code("retry@example.test")
    for _ in range(5):
        http.post("/api/auth/verify", json={"code": other_code(code)})

    http.post("/api/auth/verify/resend")
    response = http.post("/api/auth/verify", json={"code": verification_code("retry@example.test")})

    assert response.status_code == 200
    assert response.json()["emailVerified"] is True
    assert find_user("retry@example.test").email_verified_at is not None


def test_resend_code_already_verified_conflict(http: httpx.Client) -> None:
    user = make_user(email="done@example.test", verified=True)

    response = with_session(http, user.token).post("/api/auth/verify/resend")

    assert response.status_code == 409
    assert response.json()["error"] == "Your email is already verified."
    assert outbox_count(user.email) == 1  # only the sign-up email


# --- password reset ------------------------------------------------------------------------------------


def test_forgot_password_known_email_accepted_and_emailed(http: httpx.Client, api_url: str) -> None:
    user = make_user(email="forgetful@example.test")

    response = http.post("/api/auth/password/forgot", json={"email": "Forgetful@example.test"})

    assert response.status_code == 202
    assert response.json() == {"accepted": True}
    message = latest_email(user.email, "password_reset")
    assert message is not None
    assert f"{api_url}/auth/reset/" in message.text_body
    assert reset_token(user.email)


def test_forgot_password_unknown_email_same_answer_without_email(http: httpx.Client) -> None:
    response = http.post("/api/auth/password/forgot", json={"email": "ghost@example.test"})

    assert response.status_code == 202
    assert response.json() == {"accepted": True}
    assert outbox_count("ghost@example.test") == 0


def test_reset_password_valid_token_changes_password(http: httpx.Client) -> None:
    user = make_user(email="reset@example.test")
    http.post("/api/auth/password/forgot", json={"email": user.email})

    response = http.post("/api/auth/password/reset", json={"token": reset_token(user.email), "password": NEW_PASSWORD})

    assert response.status_code == 200
    assert response.json() == {"reset": True}
    assert sign_in(http, user.email, DEFAULT_PASSWORD).status_code == 400
    assert sign_in(http, user.email, NEW_PASSWORD).status_code == 200


def test_reset_password_reused_token_not_found(http: httpx.Client) -> None:
    user = make_user(email="twice@example.test")
    http.post("/api/auth/password/forgot", json={"email": user.email})
    token = reset_token(user.email)
    http.post("/api/auth/password/reset", json={"token": token, "password": NEW_PASSWORD})

    response = http.post("/api/auth/password/reset", json={"token": token, "password": "third-password-99"})

    assert response.status_code == 404
    assert "not valid" in response.json()["error"]
    assert sign_in(http, user.email, NEW_PASSWORD).status_code == 200


def test_reset_password_unknown_token_not_found(http: httpx.Client) -> None:
    response = http.post("/api/auth/password/reset", json={"token": "made-up", "password": NEW_PASSWORD})

    assert response.status_code == 404
    assert "error" in response.json()


def test_reset_password_expired_token_not_found(http: httpx.Client) -> None:
    user = make_user(email="late@example.test")
    http.post("/api/auth/password/forgot", json={"email": user.email})
    update_rows(PasswordResetToken, PasswordResetToken.user_id == user.id, expires_at=utcnow() - timedelta(seconds=1))

    response = http.post("/api/auth/password/reset", json={"token": reset_token(user.email), "password": NEW_PASSWORD})

    assert response.status_code == 404
    assert response.json()["error"] == "This reset link has expired. Ask for a new one."
    assert sign_in(http, user.email, DEFAULT_PASSWORD).status_code == 200


def test_reset_password_valid_token_ends_every_session(http: httpx.Client, api_url: str) -> None:
    user = make_user(email="stolen@example.test")
    sign_in(http, user.email)
    assert session_count(user.id) == 2
    http.post("/api/auth/password/forgot", json={"email": user.email})

    response = http.post("/api/auth/password/reset", json={"token": reset_token(user.email), "password": NEW_PASSWORD})

    assert response.status_code == 200
    assert http.get("/api/auth/me").status_code == 401
    with with_session(httpx.Client(base_url=api_url, verify=outbound_tls()), user.token) as other_device:
        assert other_device.get("/api/auth/me").status_code == 401
    assert session_count(user.id) == 0


def test_reset_password_weak_password_keeps_token_usable(http: httpx.Client) -> None:
    user = make_user(email="weak@example.test")
    http.post("/api/auth/password/forgot", json={"email": user.email})
    token = reset_token(user.email)

    response = http.post("/api/auth/password/reset", json={"token": token, "password": "12345678"})

    assert response.status_code == 400
    assert response.json()["details"] == [{"path": ["password"], "message": "The password cannot be only digits."}]
    assert http.post("/api/auth/password/reset", json={"token": token, "password": NEW_PASSWORD}).status_code == 200


# --- sign-in grants (form sign-in hands the browser to GET /api/auth/session) -----------------------------


def test_exchange_grant_bad_grant_redirects_to_sign_in(http: httpx.Client, api_url: str) -> None:
    response = http.get("/api/auth/session", params={"grant": "bad"})

    assert response.status_code == 303
    assert response.headers["location"] == f"{api_url}/auth/sign-in?error=expired"
    assert session_cookie(response) is None
    assert session_count() == 0


def test_exchange_grant_valid_grant_sets_cookie_and_continues(http: httpx.Client, api_url: str) -> None:
    user = make_user(email="form@example.test")
    result = auth.sign_in(email=user.email, password=DEFAULT_PASSWORD)

    response = with_binder(http, result).get("/api/auth/session", params={"grant": result.grant, "next": "/account"})

    assert response.status_code == 303
    assert response.headers["location"] == f"{api_url}/account"
    cookie = session_cookie(response)
    assert cookie is not None and cookie["httponly"] is True
    assert http.get("/api/auth/me").json()["id"] == user.id
    assert session_count(user.id) == 2


def test_exchange_grant_used_twice_redirects_to_sign_in(http: httpx.Client, api_url: str) -> None:
    user = make_user(email="replay@example.test")
    result = auth.sign_in(email=user.email, password=DEFAULT_PASSWORD)
    with_binder(http, result).get("/api/auth/session", params={"grant": result.grant})

    response = with_binder(http, result).get("/api/auth/session", params={"grant": result.grant})  # same browser

    assert response.status_code == 303
    assert response.headers["location"] == f"{api_url}/auth/sign-in?error=expired"
    assert session_count(user.id) == 2


def test_exchange_grant_older_than_a_minute_redirects_to_sign_in(http: httpx.Client, api_url: str) -> None:
    user = make_user(email="slowpoke@example.test")
    result = auth.sign_in(email=user.email, password=DEFAULT_PASSWORD)
    update_rows(SignInGrant, SignInGrant.user_id == user.id, expires_at=utcnow() - timedelta(seconds=1))

    response = with_binder(http, result).get("/api/auth/session", params={"grant": result.grant})

    assert response.status_code == 303
    assert response.headers["location"] == f"{api_url}/auth/sign-in?error=expired"
    assert session_cookie(response) is None
    assert session_count(user.id) == 1


@pytest.mark.parametrize(
    "next_path",
    ["//evil.example/steal", "https://evil.example/", "/api/auth/me", "/\t/evil.example", "/\\evil.example"],
)
def test_exchange_grant_unsafe_next_goes_home(http: httpx.Client, api_url: str, next_path: str) -> None:
    user = make_user(email="safe@example.test")
    result = auth.sign_in(email=user.email, password=DEFAULT_PASSWORD)

    response = with_binder(http, result).get("/api/auth/session", params={"grant": result.grant, "next": next_path})

    assert response.status_code == 303
    assert response.headers["location"] == f"{api_url}/"


# --- super admin -----------------------------------------------------------------------------------------


def test_check_super_admin_anonymous_unauthorized(http: httpx.Client) -> None:
    response = http.get("/api/auth/check-super-admin")

    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"error": "Please sign in to continue."}


def test_check_super_admin_normal_user_false(http: httpx.Client) -> None:
    user = make_user(email="regular@example.test")

    response = with_session(http, user.token).get("/api/auth/check-super-admin")

    assert response.status_code == 200
    assert response.json() == {"isSuperAdmin": False}


def test_check_super_admin_listed_verified_email_true(http: httpx.Client) -> None:
    sign_up(http, "Boss@EventPalour.test")
    http.post("/api/auth/verify", json={"code": verification_code("boss@eventpalour.test")})

    response = http.get("/api/auth/check-super-admin")

    assert response.status_code == 200
    assert response.json() == {"isSuperAdmin": True}
    assert find_user("boss@eventpalour.test").email_verified_at is not None


def test_check_super_admin_listed_unverified_email_false(http: httpx.Client) -> None:
    sign_up(http, "boss@eventpalour.test")

    response = http.get("/api/auth/check-super-admin")

    assert response.status_code == 200
    assert response.json() == {"isSuperAdmin": False}
    assert find_user("boss@eventpalour.test").email_verified_at is None


def test_check_super_admin_listed_email_verified_later_signs_in_true(http: httpx.Client) -> None:
    user = make_user(email="boss@eventpalour.test", verified=False)
    update_user(user.id, email_verified_at=utcnow())

    sign_in(http, user.email)
    response = http.get("/api/auth/check-super-admin")

    assert response.status_code == 200
    assert response.json() == {"isSuperAdmin": True}
