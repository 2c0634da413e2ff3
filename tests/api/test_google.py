"""Google sign-in end to end against the sign-in sandbox, over real loopback HTTP with one cookie jar.

The browser's part (following redirects, submitting the consent form) is played by an httpx client;
the app's part (discovery, token exchange, JWKS) is authlib talking to the sandbox over the socket.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.cookies import LAST_WORKSPACE_COOKIE
from eventpalour.integrations.google import SANDBOX_PATH, client_settings
from tests.api.support import find_user, read_forms, session_cookie, session_count, update_user, user_count
from tests.factories import DEFAULT_PASSWORD, make_user, make_workspace

START = "/api/auth/oauth/google"


def query_of(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def replace_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(query=urlencode({**query_of(url), **changes})))


def start_google(http: httpx.Client, next_path: str = "/account") -> str:
    """Press "Continue with Google": the app answers with the provider's authorize URL."""
    response = http.get(START, params={"next": next_path})
    assert response.status_code == 302, response.text
    return response.headers["location"]


def consent(
    http: httpx.Client,
    authorize_url: str,
    *,
    email: str,
    name: str = "",
    verified: bool = True,
    action: str = "approve",
) -> str:
    """Open the sandbox's account chooser and submit it; returns where it sends the browser back to."""
    page = http.get(authorize_url)
    assert page.status_code == 200, page.text
    [form] = read_forms(page.text)
    fields = {**form["hidden"], "email": email, "name": name, "action": action}
    if verified:
        fields["email_verified"] = "true"
    answer = http.post(authorize_url, data=fields)
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


def google_sign_in(http: httpx.Client, email: str, next_path: str = "/account", **claims: object) -> httpx.Response:
    """The whole dance; returns the app's answer to the callback."""
    callback = consent(http, start_google(http, next_path), email=email, **claims)
    return http.get(callback)


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def sandbox_code(http: httpx.Client, api_url: str, verifier: str, *, nonce: str = "n-123") -> str:
    """Approve directly at the sandbox, as the app's redirect would, and return the issued code."""
    fields = {
        "client_id": client_settings().client_id,
        "redirect_uri": api_url + routes.API_GOOGLE_CALLBACK,
        "response_type": "code",
        "scope": "openid email profile",
        "state": "state-123",
        "nonce": nonce,
        "code_challenge": s256(verifier),
        "code_challenge_method": "S256",
        "email": "direct@example.test",
        "email_verified": "true",
        "action": "approve",
    }
    answer = http.post(f"{SANDBOX_PATH}/o/oauth2/v2/auth", data=fields)
    assert answer.status_code == 302, answer.text
    return query_of(answer.headers["location"])["code"]


def redeem(http: httpx.Client, api_url: str, code: str, verifier: str, *, secret: str | None = None) -> httpx.Response:
    client = client_settings()
    return http.post(
        f"{SANDBOX_PATH}/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": api_url + routes.API_GOOGLE_CALLBACK,
            "code_verifier": verifier,
        },
        auth=(client.client_id, client.client_secret if secret is None else secret),
    )


# --- the browser flow ---------------------------------------------------------------------------------


def test_google_start_redirects_to_sandbox_with_state_nonce_and_pkce(http: httpx.Client, api_url: str) -> None:
    response = http.get(START, params={"next": "/account"})

    assert response.status_code == 302
    location = response.headers["location"]
    assert location.startswith(f"{api_url}{SANDBOX_PATH}/o/oauth2/v2/auth?")
    query = query_of(location)
    assert query["client_id"] == client_settings().client_id
    assert query["redirect_uri"] == api_url + routes.API_GOOGLE_CALLBACK
    assert query["response_type"] == "code"
    assert set(query["scope"].split()) == {"openid", "email", "profile"}
    assert len(query["state"]) >= 20
    assert len(query["nonce"]) >= 20
    assert len(query["code_challenge"]) == 43
    assert query["code_challenge_method"] == "S256"
    assert "ep_oauth" in response.headers["set-cookie"]
    assert session_count() == 0


def test_google_start_provider_unreachable_redirects_unavailable(
    http: httpx.Client, api_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The sandbox's address follows api_url; port 9 on loopback refuses, like Google being down.
    monkeypatch.setattr(settings, "api_url", "http://127.0.0.1:9")

    response = http.get(START, params={"next": "/account"})

    assert response.status_code == 303
    assert response.headers["location"] == f"{api_url}/auth/sign-in?error=google_unavailable"
    assert session_count() == 0


def test_google_consent_page_shows_form_with_request_fields(http: httpx.Client) -> None:
    authorize_url = start_google(http)

    response = http.get(authorize_url)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    [form] = read_forms(response.text)
    assert form["method"] == "post"
    sent = query_of(authorize_url)
    for name in ("client_id", "redirect_uri", "state", "nonce", "code_challenge", "code_challenge_method"):
        assert form["hidden"][name] == sent[name]


def test_google_approve_redirects_to_callback_with_code_and_state(http: httpx.Client, api_url: str) -> None:
    authorize_url = start_google(http)

    callback = consent(http, authorize_url, email="amina@example.test", name="Amina Njeri")

    assert callback.startswith(api_url + routes.API_GOOGLE_CALLBACK + "?")
    query = query_of(callback)
    assert query["code"]
    assert query["state"] == query_of(authorize_url)["state"]
    assert user_count() == 0


def test_google_sign_in_new_account_created_and_sent_to_onboarding(http: httpx.Client, api_url: str) -> None:
    callback = consent(http, start_google(http, "/account"), email="Amina@Example.test", name="Amina Njeri")

    response = http.get(callback)

    assert response.status_code == 303
    assert response.headers["location"] == api_url + routes.ONBOARDING + "?next=%2Faccount"
    cookie = session_cookie(response)
    assert cookie is not None and cookie["httponly"] is True and cookie["samesite"].lower() == "lax"
    me = http.get("/api/auth/me")
    assert me.status_code == 200
    assert me.json()["email"] == "amina@example.test"
    assert me.json()["fullName"] == "Amina Njeri"
    assert me.json()["emailVerified"] is True
    assert me.json()["accountType"] is None
    user = find_user("amina@example.test")
    assert user.google_sub and user.google_sub.isdigit()
    assert user.password_hash is None
    assert user.email_verified_at is not None
    assert session_count(user.id) == 1


def test_google_sign_up_mid_checkout_keeps_the_event_and_its_tickets_through_onboarding(
    http: httpx.Client, api_url: str
) -> None:
    """Google from the sign-in page of a checkout: onboarding first, then back to the event as picked."""
    event_page = routes.event_url("abc123", {"tier0000000001": 2})
    response = google_sign_in(http, "midway@example.test", event_page, name="Midway Buyer")
    assert response.status_code == 303
    assert response.headers["location"] == api_url + routes.with_next(routes.ONBOARDING, event_page)
    assert query_of(response.headers["location"])["next"] == "/e/abc123?tiers=tier0000000001%3A2"


def test_google_sign_in_returning_account_goes_to_next(http: httpx.Client, api_url: str) -> None:
    google_sign_in(http, "back@example.test")
    first = find_user("back@example.test")
    update_user(first.id, account_type="attendee")  # onboarding done
    http.post("/api/auth/sign-out")

    response = google_sign_in(http, "back@example.test", "/account")

    assert response.status_code == 303
    assert response.headers["location"] == f"{api_url}/account"
    assert http.get("/api/auth/me").json()["id"] == first.id
    assert user_count() == 1
    assert find_user("back@example.test").google_sub == first.google_sub


def test_google_sign_in_unsafe_next_goes_home(http: httpx.Client, api_url: str) -> None:
    make_user(email="homebound@example.test")

    response = google_sign_in(http, "homebound@example.test", "//evil.example/")

    assert response.status_code == 303
    assert response.headers["location"] == f"{api_url}/"


def test_google_sign_in_organizer_without_next_lands_on_the_workspace_used_last(
    http: httpx.Client, api_url: str
) -> None:
    """Issue #24 §5: no `next`, an organizer lands on a workspace dashboard: the one this browser opened
    last (its cookie), else the first by name; a `next` still wins."""
    owner = make_user(email="lands@example.test", verified=True, account_type="organizer")
    alpha = make_workspace(owner, name="Alpha Crew")
    beta = make_workspace(owner, name="Beta Crew")

    assert google_sign_in(http, owner.email, "/").headers["location"] == f"{api_url}/workspace/{alpha.id}"
    http.cookies.set(LAST_WORKSPACE_COOKIE, beta.id)
    assert google_sign_in(http, owner.email, "/").headers["location"] == f"{api_url}/workspace/{beta.id}"
    assert google_sign_in(http, owner.email, "/tickets").headers["location"] == f"{api_url}/tickets"


def test_google_sign_in_existing_verified_password_account_linked(http: httpx.Client, api_url: str) -> None:
    user = make_user(email="both@example.test", verified=True, account_type="organizer")

    response = google_sign_in(http, "both@example.test", "/account")

    assert response.status_code == 303
    assert response.headers["location"] == f"{api_url}/account"
    assert http.get("/api/auth/me").json()["id"] == user.id
    linked = find_user("both@example.test")
    assert linked.google_sub
    assert linked.password_hash is not None
    assert user_count() == 1
    assert session_count(user.id) == 2  # the password session survives
    password = http.post("/api/auth/sign-in", json={"email": user.email, "password": DEFAULT_PASSWORD})
    assert password.status_code == 200


def test_google_sign_in_existing_unverified_password_account_taken_over_safely(http: httpx.Client) -> None:
    squatter = make_user(email="claimed@example.test", verified=False)

    response = google_sign_in(http, "claimed@example.test")

    assert response.status_code == 303
    assert http.get("/api/auth/me").json()["emailVerified"] is True
    owner = find_user("claimed@example.test")
    assert owner.id == squatter.id and owner.google_sub
    assert owner.password_hash is None  # whoever typed that password never proved the address
    assert session_count(owner.id) == 1  # the squatter's session is gone, only Google's remains
    password = http.post("/api/auth/sign-in", json={"email": squatter.email, "password": DEFAULT_PASSWORD})
    assert password.status_code == 400


def test_google_sign_in_unverified_google_email_not_linked(http: httpx.Client, api_url: str) -> None:
    user = make_user(email="victim@example.test", verified=True)

    response = google_sign_in(http, "victim@example.test", verified=False)

    assert response.status_code == 303
    assert response.headers["location"] == f"{api_url}/auth/sign-in?error=google_failed"
    assert session_cookie(response) is None
    assert find_user(user.email).google_sub is None
    assert session_count(user.id) == 1


def test_google_sign_in_suspended_account_refused(http: httpx.Client, api_url: str) -> None:
    user = make_user(email="banned@example.test")
    update_user(user.id, status="suspended")

    response = google_sign_in(http, "banned@example.test")

    assert response.status_code == 303
    assert response.headers["location"] == f"{api_url}/auth/sign-in?error=suspended"
    assert session_cookie(response) is None
    assert http.get("/api/auth/me").status_code == 401


def test_google_deny_redirects_with_cancelled_and_no_session(http: httpx.Client, api_url: str) -> None:
    callback = consent(http, start_google(http), email="shy@example.test", action="deny")
    assert query_of(callback)["error"] == "access_denied"

    response = http.get(callback)

    assert response.status_code == 303
    assert response.headers["location"] == f"{api_url}/auth/sign-in?error=google_cancelled"
    assert session_cookie(response) is None
    assert http.get("/api/auth/me").status_code == 401
    assert user_count() == 0


def test_google_callback_tampered_state_fails(http: httpx.Client, api_url: str) -> None:
    callback = consent(http, start_google(http), email="csrf@example.test")

    response = http.get(replace_query(callback, state="tampered-" + secrets.token_urlsafe(8)))

    assert response.status_code == 303
    assert response.headers["location"] == f"{api_url}/auth/sign-in?error=google_failed"
    assert session_cookie(response) is None
    assert http.get("/api/auth/me").status_code == 401
    assert user_count() == 0


def test_google_callback_in_another_browser_fails(http: httpx.Client, api_url: str) -> None:
    callback = consent(http, start_google(http), email="victim2@example.test")

    with httpx.Client(base_url=api_url, follow_redirects=False) as other_browser:
        response = other_browser.get(callback)

    assert response.status_code == 303
    assert response.headers["location"] == f"{api_url}/auth/sign-in?error=google_failed"
    assert session_cookie(response) is None
    assert user_count() == 0


def test_google_callback_without_start_fails(http: httpx.Client, api_url: str) -> None:
    response = http.get(routes.API_GOOGLE_CALLBACK, params={"code": "made-up", "state": "made-up"})

    assert response.status_code == 303
    assert response.headers["location"] == f"{api_url}/auth/sign-in?error=google_failed"
    assert session_cookie(response) is None


def test_google_callback_replayed_fails(http: httpx.Client, api_url: str) -> None:
    callback = consent(http, start_google(http), email="once@example.test")
    http.get(callback)
    http.post("/api/auth/sign-out")

    response = http.get(callback)

    assert response.status_code == 303
    assert response.headers["location"] == f"{api_url}/auth/sign-in?error=google_failed"
    assert session_cookie(response) is None
    assert session_count() == 0


# --- the sandbox token endpoint, called directly ---------------------------------------------------------


def test_sandbox_token_valid_code_returns_signed_id_token(http: httpx.Client, api_url: str) -> None:
    verifier = secrets.token_urlsafe(48)
    code = sandbox_code(http, api_url, verifier, nonce="nonce-abc")

    response = redeem(http, api_url, code, verifier)

    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["access_token"] and body["expires_in"] > 0
    assert "https://www.googleapis.com/auth/userinfo.email" in body["scope"]
    keys = KeySet.import_key_set(http.get(f"{SANDBOX_PATH}/oauth2/v3/certs").json())
    claims = jwt.decode(body["id_token"], keys).claims
    issuer = http.get(f"{SANDBOX_PATH}/.well-known/openid-configuration").json()["issuer"]
    assert claims["iss"] == issuer == api_url + SANDBOX_PATH
    assert claims["aud"] == client_settings().client_id
    assert claims["nonce"] == "nonce-abc"
    assert claims["email"] == "direct@example.test" and claims["email_verified"] is True
    userinfo = http.get(f"{SANDBOX_PATH}/v1/userinfo", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert userinfo.json()["sub"] == claims["sub"]


def test_sandbox_token_reused_code_rejected(http: httpx.Client, api_url: str) -> None:
    verifier = secrets.token_urlsafe(48)
    code = sandbox_code(http, api_url, verifier)
    assert redeem(http, api_url, code, verifier).status_code == 200

    response = redeem(http, api_url, code, verifier)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert "id_token" not in response.json()


def test_sandbox_token_wrong_code_verifier_rejected(http: httpx.Client, api_url: str) -> None:
    verifier = secrets.token_urlsafe(48)
    code = sandbox_code(http, api_url, verifier)

    response = redeem(http, api_url, code, secrets.token_urlsafe(48))

    assert response.status_code == 400
    assert response.json() == {"error": "invalid_grant", "error_description": "Invalid code verifier."}


@pytest.mark.parametrize("secret", ["wrong-secret", ""])
def test_sandbox_token_wrong_client_secret_rejected(http: httpx.Client, api_url: str, secret: str) -> None:
    verifier = secrets.token_urlsafe(48)
    code = sandbox_code(http, api_url, verifier)

    response = redeem(http, api_url, code, verifier, secret=secret)

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    # The rejected call did not burn the code: the real client can still redeem it.
    assert redeem(http, api_url, code, verifier).status_code == 200


def test_sandbox_token_wrong_redirect_uri_rejected(http: httpx.Client, api_url: str) -> None:
    verifier = secrets.token_urlsafe(48)
    code = sandbox_code(http, api_url, verifier)
    client = client_settings()

    response = http.post(
        f"{SANDBOX_PATH}/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": "http://127.0.0.1:9/elsewhere",
            "code_verifier": verifier,
        },
        auth=(client.client_id, client.client_secret),
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
