"""API errors in the reader's language (#23 §1) over real HTTP: the `message` (and each detail's) follows
the site's language cookie (the reader's choice), else Accept-Language (an API client); the status, the
`code` and the field paths stay what they are, so a client's handling does not change with the language."""

from __future__ import annotations

import httpx
import pytest

from eventpalour.cookies import LANGUAGE_COOKIE
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from tests.api.support import with_session
from tests.factories import approve_kyc, make_event, make_organizer, make_user, make_workspace

ORDERS = "/api/checkout/orders"


@pytest.fixture
def vip(api_url: str) -> tuple[str, str]:
    """A paid event with 3 VIP seats, at most 3 per order: (event id, tier id)."""
    owner = make_organizer()
    workspace = make_workspace(owner)
    approve_kyc(workspace.id)
    tier = TierInput(name="VIP", price=250000, quantity=3, max_per_order=3)
    event = make_event(owner, workspace.id, publish=True, pricing="paid", tiers=[tier])
    return event.id, get_tiers(actor=owner.summary, event_id=event.id)[0].id


def _order(http: httpx.Client, event_id: str, tier_id: str, count: int, **headers: str) -> httpx.Response:
    buyer = with_session(http, make_user().token)
    return buyer.post(ORDERS, json={"event_id": event_id, "quantities": {tier_id: count}}, headers=headers)


def test_sold_out_in_kiswahili_keeps_its_status_and_paths(http: httpx.Client, vip: tuple[str, str]) -> None:
    event_id, tier_id = vip
    assert _order(http, event_id, tier_id, 3).status_code == 201

    response = _order(http, event_id, tier_id, 1, **{"accept-language": "sw-KE,sw;q=0.9,en;q=0.5"})

    assert response.status_code == 409
    assert response.json() == {
        "error": "Tiketi za VIP zilizobaki hazitoshi. Jaribu chache zaidi, au aina nyingine ya tiketi.",
        "details": [{"path": ["quantities", tier_id], "message": "Hazitoshi zilizobaki."}],
    }


def test_a_field_error_with_figures_in_french(http: httpx.Client, vip: tuple[str, str]) -> None:
    event_id, tier_id = vip

    response = _order(http, event_id, tier_id, 4, **{"accept-language": "fr-SN"})

    assert response.status_code == 400
    assert response.json()["details"] == [{"path": ["quantities", tier_id], "message": "VIP : 3 au plus par commande."}]
    assert response.json()["error"] == "VIP : 3 au plus par commande."


def test_without_accept_language_the_cookie_speaks(http: httpx.Client, vip: tuple[str, str]) -> None:
    event_id, tier_id = vip
    http.cookies.set(LANGUAGE_COOKIE, "fr")

    response = http.post(ORDERS, json={"event_id": event_id, "quantities": {tier_id: 1}})

    assert response.status_code == 401
    assert response.json() == {"error": "Veuillez vous connecter pour continuer."}


def test_the_cookie_the_reader_chose_beats_the_browser_default(http: httpx.Client, vip: tuple[str, str]) -> None:
    """A page's fetch (the offline door's) carries both: the site's choice in the cookie wins."""
    event_id, tier_id = vip
    http.cookies.set(LANGUAGE_COOKIE, "fr")

    response = http.post(
        ORDERS, json={"event_id": event_id, "quantities": {tier_id: 1}}, headers={"accept-language": "sw-KE,sw;q=0.9"}
    )

    assert response.status_code == 401
    assert response.json() == {"error": "Veuillez vous connecter pour continuer."}


def test_english_by_default_and_for_a_language_we_do_not_speak(http: httpx.Client, vip: tuple[str, str]) -> None:
    event_id, tier_id = vip

    plain = http.post(ORDERS, json={"event_id": event_id, "quantities": {tier_id: 1}})
    german = http.post(
        ORDERS, json={"event_id": event_id, "quantities": {tier_id: 1}}, headers={"accept-language": "de"}
    )

    assert plain.json() == german.json() == {"error": "Please sign in to continue."}


def test_the_frameworks_own_errors_speak_too(http: httpx.Client) -> None:
    """A body that is not JSON and one with missing fields: the summary in Kiswahili, the paths as sent."""
    broken = http.post(
        "/api/auth/sign-up", content=b"{", headers={"content-type": "application/json", "accept-language": "sw"}
    )
    missing = http.post("/api/auth/sign-up", json={"fullName": "Nobody"}, headers={"accept-language": "sw"})

    assert (broken.status_code, broken.json()) == (400, {"error": "Maudhui ya ombi si JSON sahihi."})
    assert missing.status_code == 422 and missing.json()["error"] == "Baadhi ya sehemu hazijajazwa au si sahihi."
    assert {tuple(d["path"]) for d in missing.json()["details"]} >= {("email",), ("password",)}
