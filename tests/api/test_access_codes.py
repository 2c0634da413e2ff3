"""Access codes over real HTTP (#19 §2): create one that unlocks a hidden tier, book the hidden tier
through POST /api/checkout/orders only with it, and delete a code only while no order carries it."""

from __future__ import annotations

import httpx
import pytest

from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from tests.api.support import with_session
from tests.factories import approve_kyc, make_event, make_organizer, make_user, make_workspace


@pytest.fixture
def event(api_url: str):
    owner = make_organizer()
    workspace = make_workspace(owner)
    approve_kyc(workspace.id)
    event = make_event(
        owner,
        workspace.id,
        publish=True,
        pricing="paid",
        tiers=[
            TierInput(name="Regular", price=100000, quantity=30),
            TierInput(name="Sponsors", price=400000, quantity=5, hidden=True),
        ],
    )
    return owner, event, {t.name: t.id for t in get_tiers(actor=owner.summary, event_id=event.id)}


def _codes(event_id: str) -> str:
    return f"/api/events/{event_id}/discount-codes"


def _buyer(http: httpx.Client) -> httpx.Client:
    return with_session(httpx.Client(base_url=str(http.base_url)), make_user().token)


def test_an_access_code_unlocks_a_hidden_tier_for_checkout(http: httpx.Client, event):
    owner, ev, tiers = event
    client = with_session(http, owner.token)
    bad = client.post(_codes(ev.id), json={"code": "sponsor", "unlockTierIds": [tiers["Regular"]]})
    assert bad.status_code == 400, bad.text
    assert bad.json()["details"][0]["path"] == ["unlock_tier_ids"]
    created = client.post(_codes(ev.id), json={"code": "sponsor", "unlockTierIds": [tiers["Sponsors"]], "maxUses": 3})
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["kind"], body["value"], body["label"], body["unlock_tier_ids"]) == (
        None,
        None,
        "No discount",
        [tiers["Sponsors"]],
    )

    wanted = {"event_id": ev.id, "quantities": {tiers["Sponsors"]: 1}}
    locked = _buyer(http).post("/api/checkout/orders", json=wanted)
    assert locked.status_code == 400, locked.text
    assert locked.json()["details"][0]["path"] == ["quantities", tiers["Sponsors"]]
    assert "access code" in locked.json()["details"][0]["message"]

    order = _buyer(http).post("/api/checkout/orders", json={**wanted, "code": "Sponsor"})
    assert order.status_code == 201, order.text
    assert (order.json()["amount"], order.json()["discount"], order.json()["code"]) == (400000, 0, "SPONSOR")
    assert client.get(_codes(ev.id)).json()[0]["uses_held"] == 1


def test_delete_is_refused_once_an_order_carries_the_code(http: httpx.Client, event):
    owner, ev, tiers = event
    client = with_session(http, owner.token)
    typo = client.post(_codes(ev.id), json={"code": "sponsr", "unlockTierIds": [tiers["Sponsors"]]}).json()
    used = client.post(_codes(ev.id), json={"code": "early", "kind": "percent", "value": 10}).json()
    placed = _buyer(http).post(
        "/api/checkout/orders", json={"event_id": ev.id, "quantities": {tiers["Regular"]: 1}, "code": "early"}
    )
    assert placed.status_code == 201, placed.text

    assert client.delete(f"{_codes(ev.id)}/{typo['id']}").status_code == 204
    refused = client.delete(f"{_codes(ev.id)}/{used['id']}")
    assert refused.status_code == 409, refused.text
    assert "Deactivate it instead" in refused.json()["error"]
    assert client.delete(f"{_codes(ev.id)}/{typo['id']}").status_code == 404
    assert [(c["code"], c["can_delete"]) for c in client.get(_codes(ev.id)).json()] == [("EARLY", False)]
