"""GET /api/workspace/{id}/billing/transactions.csv over real HTTP: the file, its filters, who may have it."""

from __future__ import annotations

import csv
import io

import httpx
import pytest

from tests.api.support import with_session
from tests.billing_support import insert_order, insert_withdrawal
from tests.factories import add_member, make_event, make_organizer, make_user, make_workspace


@pytest.fixture
def books():
    owner = make_organizer()
    ws = make_workspace(owner)
    event = make_event(owner, ws.id)
    insert_order(event, make_user().id, subtotal=100000, provider_fee=2900)
    insert_withdrawal(ws.id, owner.id, "KES", 50000, "requested")
    return owner, ws


def test_export_csv_returns_every_transaction(http: httpx.Client, books):
    owner, ws = books
    response = with_session(http, owner.token).get(f"/api/workspace/{ws.id}/billing/transactions.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert sorted((r["type"], r["amount"], r["net"], r["status"]) for r in rows) == [
        ("sale", "1000.00", "921.00", "completed"),
        ("withdrawal", "500.00", "-500.00", "requested"),
    ]


def test_export_csv_applies_the_filters(http: httpx.Client, books):
    owner, ws = books
    client = with_session(http, owner.token)
    response = client.get(f"/api/workspace/{ws.id}/billing/transactions.csv", params={"type": "withdrawal"})
    assert [r["type"] for r in csv.DictReader(io.StringIO(response.text))] == ["withdrawal"]
    bad = client.get(f"/api/workspace/{ws.id}/billing/transactions.csv", params={"from": "yesterday"})
    assert bad.status_code == 400
    assert bad.json()["details"] == [{"path": ["date_from"], "message": "Enter a date like 2026-01-31."}]


def test_export_csv_is_for_admins_only(http: httpx.Client, books):
    _, ws = books
    url = f"/api/workspace/{ws.id}/billing/transactions.csv"
    assert http.get(url).status_code == 401
    moderator = make_user()
    add_member(ws.id, moderator, "moderator")
    refused = with_session(http, moderator.token).get(url)
    assert refused.status_code == 403 and "admin" in refused.json()["error"]
    assert with_session(http, make_user().token).get("/api/workspace/nope/billing/transactions.csv").status_code == 404
