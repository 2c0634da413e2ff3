"""An event's waiting room over real HTTP (#18): the event page's door, the queue's light page and its
poll, the pass's redemption in its own browser only, and the checkout API closed to the rest."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from eventpalour.api.waiting_room import words
from eventpalour.cookies import LANGUAGE_COOKIE, QUEUE_COOKIE
from eventpalour.models.types import utcnow
from eventpalour.services import sales
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.sales.waiting_room_organizer import set_waiting_room
from tests.api.support import with_session
from tests.factories import local, make_event, make_organizer, make_user, make_workspace

ORDERS = "/api/checkout/orders"


def _event_with_room(*, starts_in: timedelta):
    owner = make_organizer()
    event = make_event(
        owner, make_workspace(owner).id, publish=True, tiers=[TierInput(name="Entry", price=0, quantity=20)]
    )
    starts = utcnow().replace(second=0, microsecond=0) + starts_in
    set_waiting_room(
        actor=owner.summary,
        event_id=event.id,
        enabled=True,
        opens_local=local(starts - timedelta(minutes=30)),
        starts_local=local(starts),
        rate_per_minute="600",
    )
    return event, get_tiers(actor=owner.summary, event_id=event.id)[0].id


@pytest.fixture
def selling(api_url: str):
    """Admission began a minute ago."""
    return _event_with_room(starts_in=timedelta(minutes=-1))


@pytest.fixture
def before_start(api_url: str):
    """The queue is open; admission starts in 20 minutes."""
    return _event_with_room(starts_in=timedelta(minutes=20))


def _browser(api_url: str) -> httpx.Client:
    return httpx.Client(base_url=api_url, follow_redirects=False, timeout=10)


def test_event_page_sends_a_browser_without_admission_to_the_queue(http: httpx.Client, selling):
    event, _ = selling
    page = http.get(f"/e/{event.short_id}")
    assert page.status_code == 303
    assert page.headers["location"] == f"/e/{event.short_id}/queue"
    assert page.headers["cache-control"] == "no-store"


def test_queue_page_joins_once_per_browser(http: httpx.Client, before_start):
    event, _ = before_start
    first = http.get(f"/e/{event.short_id}/queue")
    assert first.status_code == 200
    assert first.headers["content-type"].startswith("text/html")
    cookie = first.cookies.get(QUEUE_COOKIE)
    assert cookie and "httponly" in first.headers["set-cookie"].lower()
    assert event.title in first.text and "You&#x27;re in the queue" in first.text
    assert '<html lang="en">' in first.text and 'aria-live="polite"' in first.text
    policy = first.headers["content-security-policy"]
    assert "script-src 'sha256-" in policy and "unsafe-inline" not in policy and "connect-src 'self'" in policy
    again = http.get(f"/e/{event.short_id}/queue")  # a refresh, or another tab: the same browser
    assert again.status_code == 200 and QUEUE_COOKIE not in again.cookies
    status = http.get(f"/api/waiting-room/{event.short_id}/status").json()
    assert status["has_room"] and not status["started"] and status["place"] is None
    assert status["waiting"] == 1 and not status["admitted"] and not status["rejoin"]
    assert "random place" in status["detail"] and "1 person is waiting." in status["detail"]


def test_queue_page_speaks_the_browser_s_language(api_url: str, before_start):
    event, _ = before_start
    with _browser(api_url) as browser:
        browser.cookies.set(LANGUAGE_COOKIE, "fr")
        page = browser.get(f"/e/{event.short_id}/queue")
        status = browser.get(f"/api/waiting-room/{event.short_id}/status").json()
    assert '<html lang="fr">' in page.text
    assert status["headline"] == "Vous êtes dans la file d'attente"


def test_admitted_browser_enters_with_its_pass_and_buys(http: httpx.Client, selling):
    event, tier_id = selling
    http.get(f"/e/{event.short_id}/queue")
    status = http.get(f"/api/waiting-room/{event.short_id}/status").json()
    assert status["admitted"] and status["enter_url"].startswith(f"/api/waiting-room/{event.short_id}/enter?pass=")
    buyer = with_session(http, make_user().token)
    refused = buyer.post(ORDERS, json={"event_id": event.id, "quantities": {tier_id: 1}})
    assert refused.status_code == 403 and refused.json()["code"] == "waiting_room"  # admitted, not yet in
    entered = http.get(status["enter_url"])
    assert entered.status_code == 303 and entered.headers["location"] == f"/e/{event.short_id}"
    assert http.get(f"/e/{event.short_id}").status_code == 200
    placed = buyer.post(ORDERS, json={"event_id": event.id, "quantities": {tier_id: 1}})
    assert placed.status_code == 201, placed.text


def test_pass_refused_in_another_browser_and_when_forged(http: httpx.Client, api_url: str, selling):
    event, _ = selling
    http.get(f"/e/{event.short_id}/queue")
    enter_url = http.get(f"/api/waiting-room/{event.short_id}/status").json()["enter_url"]
    with _browser(api_url) as other:
        shared = other.get(enter_url)
        assert shared.headers["location"] == f"/e/{event.short_id}/queue?problem=invalid"
        assert other.get(f"/e/{event.short_id}").status_code == 303  # still no way in
        notice = other.get(shared.headers["location"])
        assert "not valid in this browser" in notice.text
    forged = http.get(enter_url[:-3] + "abc")
    assert forged.headers["location"] == f"/e/{event.short_id}/queue?problem=invalid"
    assert http.get(f"/e/{event.short_id}").status_code == 303


def test_checkout_api_without_the_queue_is_refused(http: httpx.Client, selling):
    event, tier_id = selling
    response = with_session(http, make_user().token).post(
        ORDERS, json={"event_id": event.id, "quantities": {tier_id: 1}}
    )
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "waiting_room" and "queue" in body["error"]


def test_queue_of_an_event_without_a_room_goes_to_the_event(http: httpx.Client, api_url: str):
    owner = make_organizer()
    event = make_event(owner, make_workspace(owner).id, publish=True)
    page = http.get(f"/e/{event.short_id}/queue")
    assert page.status_code == 303 and page.headers["location"] == f"/e/{event.short_id}"
    assert http.get(f"/api/waiting-room/{event.short_id}/status").json()["has_room"] is False
    assert http.get(f"/e/{event.short_id}").status_code == 200
    assert http.get("/e/nosuchevent/queue").status_code == 404


def test_no_queue_cookie_where_there_is_no_queue(http: httpx.Client, api_url: str):
    owner = make_organizer()
    event = make_event(owner, make_workspace(owner).id, publish=True)
    page = http.get(f"/e/{event.short_id}/queue")
    assert page.status_code == 303 and "set-cookie" not in page.headers


@pytest.mark.parametrize(
    ("language", "place", "waiting"),
    [("en", "1,234", "12,345 people"), ("fr", "1\u202f234", "12\u202f345 personnes"), ("sw", "1,234", "12,345")],
)
def test_queue_figures_are_grouped_per_the_readers_locale(language: str, place: str, waiting: str):
    """The place and the people waiting as the reader writes numbers (#23 §1): Babel's grouping, a
    narrow no-break space in French."""
    view = sales.QueueView(short_id="x", has_room=True, joined=True, started=True, place=1234, waiting=12345)
    headline, detail = words(view, language)
    assert headline.endswith(place) and waiting in detail
