"""Page registration (issue #16, items 19 and 6): every page once, and only public pages in the sitemap.

Every compile of the app (the `reflex run` process, then each backend worker again) first adds the
pages decorated with `rx.page`; a page added twice makes Reflex print "Page … is being redefined".
"""

from __future__ import annotations

import logging

import pytest
from reflex_base.plugins.sitemap import generate_links_for_sitemap

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.eventpalour import app

pytestmark = pytest.mark.no_db  # reads no database: SQLite run only (tests/conftest.py checks)

PUBLIC_PAGES = (
    routes.HOME,
    routes.EVENTS,
    routes.SIGN_IN,
    routes.SIGN_UP,
    routes.LEGAL_TERMS,
    routes.LEGAL_PRIVACY,
    routes.LEGAL_REFUNDS,
    routes.LEGAL_EVENTS,
    routes.LEGAL_ACCEPTABLE_USE,
)


def _page_routes() -> set[str]:
    return {"/" + route if route != "index" else routes.HOME for route in app._unevaluated_pages}


def test_every_page_is_registered_once_however_often_the_app_compiles(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="reflex"):
        for _ in range(2):  # what compile_app runs first, in the main process and again in each worker
            app._apply_decorated_pages()

    assert [r.getMessage() for r in caplog.records if "redefined" in r.getMessage()] == []
    expected = {
        value
        for name, value in vars(routes).items()
        if name.isupper() and isinstance(value, str) and not name.startswith("API_") and "." not in value
    }
    assert _page_routes() == expected


def test_sitemap_lists_only_public_pages_at_the_public_url() -> None:
    app._apply_decorated_pages()

    links = generate_links_for_sitemap(list(app._unevaluated_pages.values()), "preserve")

    assert sorted(link["loc"] for link in links) == sorted(settings.app_url + path for path in PUBLIC_PAGES)


def test_the_event_page_loads_with_one_event_that_resolves_the_visitor_itself() -> None:
    """#18: each event of a page load is a state lock and a Redis read and write; the event page's
    load_event resolves the visitor (the navbar's user) on every path, so no separate load_user."""
    from eventpalour.components.layout import PAGES
    from eventpalour.state.base import AuthState
    from eventpalour.state.event_detail import EventDetailState

    (entry,) = [entry for entry in PAGES if entry.route == routes.EVENT]
    assert [handler.fn.__qualname__ for handler in entry.on_load] == [EventDetailState.load_event.fn.__qualname__]
    guards = {AuthState.load_user.fn.__qualname__, AuthState.require_signed_in.fn.__qualname__}
    for other in PAGES:
        if other.route != routes.EVENT:
            assert guards & {handler.fn.__qualname__ for handler in other.on_load}, other.route
