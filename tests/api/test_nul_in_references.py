"""A NUL character in an id or reference is bad input wherever it arrives, never a failure of ours.

PostgreSQL refuses NUL in any text value, so before this an id such as `ab\\0cd` in a URL or a JSON
body became a 500 there (SQLite just found nothing). Free text is cleaned before it is stored; these
are the values that are looked up as they came.
"""

from __future__ import annotations

import httpx

from eventpalour.config import settings
from eventpalour.services.platform.errors import NUL_IN_INPUT
from eventpalour.state.event_detail import EventDetailState
from tests.api.support import with_session
from tests.factories import make_user
from tests.state_support import run_handler, state_for


def _refused_as_bad_input(response: httpx.Response) -> None:
    """PostgreSQL cannot even be asked: 400 with the reason. SQLite can, and finds nothing: 404."""
    if settings.is_sqlite:
        assert response.status_code == 404, response.text
    else:
        assert response.status_code == 400, response.text
        assert response.json()["error"] == NUL_IN_INPUT
    assert response.headers["content-type"].startswith("application/json")


def test_a_nul_in_a_path_id_is_refused_as_bad_input(http: httpx.Client):
    user = make_user()
    _refused_as_bad_input(with_session(http, user.token).get("/api/tickets/ab%00cd/ticket.png"))


def test_a_nul_in_a_json_body_id_is_refused_as_bad_input(http: httpx.Client):
    user = make_user()
    response = with_session(http, user.token).post(
        "/api/checkout/orders", json={"event_id": "ab\u0000cd", "quantities": {"t\u0000": 1}}
    )
    _refused_as_bad_input(response)


async def test_the_event_page_shows_not_found_for_an_id_with_a_nul():
    page = state_for(EventDetailState, token=None, path="/e/ab\x00cd")
    await run_handler(page, "load_event")
    assert page.missing and page.loaded
