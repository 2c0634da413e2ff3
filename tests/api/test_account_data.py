"""The account holder's data over real HTTP (#20 §3): GET /api/account/export.json and .csv,
POST /api/account/deletion/code and POST /api/account/deletion."""

from __future__ import annotations

import csv
import io

import httpx
import pytest

from eventpalour.config import settings
from tests.api.support import find_user, other_code, session_count, with_session
from tests.factories import DEFAULT_PASSWORD, latest_email, make_user, make_workspace
from tests.ticket_support import issue, make_venue


def _deletion_code(email: str) -> str:
    message = latest_email(email, "account_deletion_code")
    assert message is not None, f"no deletion code emailed to {email}"
    return message.subject.rsplit(" ", 1)[-1]


def test_exports_need_a_session(http: httpx.Client) -> None:
    for path in ("/api/account/export.json", "/api/account/export.csv"):
        response = http.get(path)
        assert response.status_code == 401 and response.json()["error"]


def test_json_and_csv_exports_download_the_account_data(http: httpx.Client) -> None:
    venue = make_venue(title="Jazz on the Lawn")
    person = make_user(full_name="Amina Wanjiru")
    [held] = issue(venue, person)
    with_session(http, person.token)

    response = http.get("/api/account/export.json")
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    assert response.headers["content-disposition"] == 'attachment; filename="my-data.json"'
    assert response.headers["cache-control"] == "private, no-store"
    data = response.json()
    assert data["profile"]["email"] == person.email and data["profile"]["full_name"] == "Amina Wanjiru"
    assert [o["event"] for o in data["orders"]] == ["Jazz on the Lawn"]
    assert [t["code"] for t in data["tickets"]] == [held.short_code]
    assert data["sessions"] and "token_hash" not in data["sessions"][0]

    sheet = http.get("/api/account/export.csv")
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(sheet.text)))
    assert [(r["record"], r["ticket_code"]) for r in rows] == [("order line", ""), ("ticket", held.short_code)]


def test_deletion_code_refused_with_the_reason_while_owning_a_workspace(http: httpx.Client) -> None:
    owner = make_user(account_type="organizer")
    make_workspace(owner, name="Nairobi Jazz Society")
    with_session(http, owner.token)

    response = http.post("/api/account/deletion/code")

    assert response.status_code == 409
    assert response.json()["error"] == (
        "You own the workspace Nairobi Jazz Society. Transfer it to another member or delete it first."
    )
    assert latest_email(owner.email, "account_deletion_code") is None


def test_deletion_with_wrong_inputs_changes_nothing(http: httpx.Client) -> None:
    person = make_user()
    with_session(http, person.token)
    assert http.post("/api/account/deletion/code").json() == {"sent": True}
    code = _deletion_code(person.email)

    wrong_address = http.post("/api/account/deletion", json={"email": "other@example.test", "code": code})
    wrong_code = http.post("/api/account/deletion", json={"email": person.email, "code": other_code(code)})
    missing = http.post("/api/account/deletion", json={"email": person.email})

    assert wrong_address.status_code == 400
    assert wrong_address.json()["details"][0]["path"] == ["email"]
    assert wrong_code.status_code == 400 and wrong_code.json()["error"] == "That code is not right. 4 tries left."
    assert missing.status_code == 422 and missing.json()["details"][0]["path"] == ["code"]
    assert find_user(person.email) is not None and session_count(person.id) == 1


def test_deletion_erases_signs_out_everywhere_and_frees_the_address(http: httpx.Client) -> None:
    person = make_user(full_name="Amina Wanjiru")
    make_user(email="other-device@example.test")  # someone else keeps their session
    with_session(http, person.token)
    http.post("/api/account/deletion/code")

    response = http.post("/api/account/deletion", json={"email": person.email, "code": _deletion_code(person.email)})

    assert response.status_code == 200 and response.json() == {"deleted": True}
    assert 'ep_session=""' in response.headers["set-cookie"] or "Max-Age=0" in response.headers["set-cookie"]
    assert find_user(person.email) is None and session_count(person.id) == 0
    assert http.get("/api/auth/me").status_code == 401
    again = http.post(
        "/api/auth/sign-up",
        json={"email": person.email, "password": DEFAULT_PASSWORD, "fullName": "Amina Again", "acceptTerms": True},
    )
    assert again.status_code == 201 and again.json()["email"] == person.email


def test_deletion_routes_count_against_the_auth_limit(http: httpx.Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "rate_limit_auth", "2/minute")
    person = make_user()
    with_session(http, person.token)
    answers = [http.post("/api/account/deletion/code").status_code for _ in range(3)]
    assert answers == [200, 200, 429]
