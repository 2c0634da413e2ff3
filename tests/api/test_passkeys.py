"""Passkeys over real HTTP (#20 §2): add, list, rename and remove through /api/auth/passkeys, sign in
through /api/auth/passkey (a session that passed two-factor, so /api/admin answers), and the refusals
in the JSON error format (replayed challenge, unknown passkey, a password-only session)."""

from __future__ import annotations

import json

import httpx

from eventpalour.db import transaction
from eventpalour.models import AdminLevel, PlatformAdmin
from tests.api.support import session_cookie, with_session
from tests.factories import make_user
from tests.passkey_support import SoftAuthenticator


def add_passkey(client: httpx.Client, authenticator: SoftAuthenticator, name: str = "Work laptop") -> httpx.Response:
    started = client.post("/api/auth/passkeys/options", json={"name": name})
    assert started.status_code == 200, started.text
    body = started.json()
    assert body["options"]["authenticatorSelection"]["residentKey"] == "required"
    answer = authenticator.create(json.dumps(body["options"]))
    return client.post(
        "/api/auth/passkeys", json={"challengeId": body["challengeId"], "name": name, "credential": answer}
    )


def passkey_sign_in(client: httpx.Client, authenticator: SoftAuthenticator) -> tuple[httpx.Response, dict]:
    started = client.post("/api/auth/passkey/options")
    assert started.status_code == 200, started.text
    body = started.json()
    assert "allowCredentials" not in body["options"] or body["options"]["allowCredentials"] == []
    payload = {"challengeId": body["challengeId"], "credential": authenticator.get(json.dumps(body["options"]))}
    return client.post("/api/auth/passkey", json=payload), payload


def test_add_then_sign_in_with_a_passkey_opens_the_admin_api(api_url: str) -> None:
    user = make_user()
    with transaction() as session:
        session.add(PlatformAdmin(user_id=user.id, level=AdminLevel.SUPER_ADMIN))
    authenticator = SoftAuthenticator()
    with with_session(httpx.Client(base_url=api_url), user.token) as owner:
        added = add_passkey(owner, authenticator, "  Phone ")
        assert added.status_code == 201, added.text
        assert added.json()["name"] == "Phone" and added.json()["lastUsedAt"] is None
        [listed] = owner.get("/api/auth/passkeys").json()
        assert listed["id"] == added.json()["id"] and listed["createdAt"]

    with httpx.Client(base_url=api_url) as password_only:
        password_only.post("/api/auth/sign-in", json={"email": user.email, "password": user.password})
        refused = password_only.get("/api/admin/metrics")
        assert refused.status_code == 403 and refused.json()["code"] == "second_factor_required"
        assert "sign in again with your authenticator code or a passkey" in refused.json()["error"]

    with httpx.Client(base_url=api_url) as browser:
        signed_in, replay = passkey_sign_in(browser, authenticator)
        assert signed_in.status_code == 200, signed_in.text
        assert signed_in.json()["id"] == user.id and signed_in.json()["secondFactorPassed"] is True
        assert session_cookie(signed_in) is not None
        assert browser.get("/api/auth/me").json()["secondFactorPassed"] is True
        assert browser.get("/api/admin/metrics").status_code == 200
        [listed] = browser.get("/api/auth/passkeys").json()
        assert listed["lastUsedAt"] is not None

        again = browser.post("/api/auth/passkey", json=replay)
        assert again.status_code == 400 and "already used" in again.json()["error"]


def test_unknown_passkey_and_bad_bodies_are_refused(api_url: str, http: httpx.Client) -> None:
    make_user()
    refused, _ = passkey_sign_in(http, SoftAuthenticator(user_handle=b"nobody"))
    assert refused.status_code == 401 and "not registered here" in refused.json()["error"]
    assert session_cookie(refused) is None
    missing = http.post("/api/auth/passkey", json={"challengeId": "x"})
    assert missing.status_code == 422


def test_rename_and_remove_and_a_password_only_session_cannot(api_url: str) -> None:
    user = make_user()
    with with_session(httpx.Client(base_url=api_url), user.token) as owner:
        passkey_id = add_passkey(owner, SoftAuthenticator()).json()["id"]
        blank = owner.patch(f"/api/auth/passkeys/{passkey_id}", json={"name": " "})
        assert blank.status_code == 400 and blank.json()["details"][0]["path"] == ["passkey_name"]
        renamed = owner.patch(f"/api/auth/passkeys/{passkey_id}", json={"name": "Old phone"})
        assert renamed.status_code == 200 and renamed.json()["name"] == "Old phone"

    with httpx.Client(base_url=api_url) as password_only:
        signed_in = password_only.post("/api/auth/sign-in", json={"email": user.email, "password": user.password})
        assert signed_in.status_code == 200 and signed_in.json()["secondFactorPassed"] is False
        refused = password_only.delete(f"/api/auth/passkeys/{passkey_id}")
        assert refused.status_code == 403 and "password alone" in refused.json()["error"]
        assert password_only.post("/api/auth/passkeys/options", json={"name": "Mine"}).status_code == 403

    with with_session(httpx.Client(base_url=api_url), user.token) as owner:
        assert owner.delete(f"/api/auth/passkeys/{passkey_id}").status_code == 204
        assert owner.get("/api/auth/passkeys").json() == []
        assert owner.delete(f"/api/auth/passkeys/{passkey_id}").status_code == 404
