"""The agreement to the Terms and the Privacy policy over HTTP (issue #20 §4): the sign-up route requires
it (JSON error naming the field, nothing created) and records its version; Google sign-in records it."""

from __future__ import annotations

import httpx
import pytest

from eventpalour.services import platform
from eventpalour.services.identity.auth import TERMS_NOT_ACCEPTED
from tests.api.support import find_user, session_cookie, user_count
from tests.api.test_google import google_sign_in
from tests.factories import DEFAULT_PASSWORD


@pytest.mark.parametrize(
    "extra", [{}, {"acceptTerms": False}, {"accept_terms": False}], ids=["missing", "false", "snake"]
)
def test_sign_up_without_accepting_the_terms_is_400_naming_the_field(http: httpx.Client, extra: dict) -> None:
    response = http.post(
        "/api/auth/sign-up", json={"email": "refuser@example.test", "password": DEFAULT_PASSWORD, **extra}
    )

    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {
        "error": TERMS_NOT_ACCEPTED,
        "details": [{"path": ["accept_terms"], "message": TERMS_NOT_ACCEPTED}],
    }
    assert session_cookie(response) is None
    assert user_count() == 0


def test_sign_up_acceptance_must_be_a_boolean(http: httpx.Client) -> None:
    payload = {"email": "typed@example.test", "password": DEFAULT_PASSWORD, "acceptTerms": "yes"}

    response = http.post("/api/auth/sign-up", json=payload)

    assert response.status_code == 422
    assert [d["path"] for d in response.json()["details"]] == [["acceptTerms"]]
    assert user_count() == 0


@pytest.mark.parametrize("field", ["acceptTerms", "accept_terms"])
def test_sign_up_accepting_the_terms_records_their_version(http: httpx.Client, field: str) -> None:
    response = http.post(
        "/api/auth/sign-up", json={"email": "agreer@example.test", "password": DEFAULT_PASSWORD, field: True}
    )

    assert response.status_code == 201, response.text
    user = find_user("agreer@example.test")
    assert user.terms_version == platform.TERMS_VERSION and user.terms_accepted_at is not None


def test_google_sign_up_records_the_agreement(http: httpx.Client) -> None:
    response = google_sign_in(http, "google-agree@example.test", name="Baraka Google")

    assert response.status_code == 303, response.text
    user = find_user("google-agree@example.test")
    assert user.terms_version == platform.TERMS_VERSION and user.terms_accepted_at is not None
