"""Tab titles in the HTML the server sends (api/page_titles.py): the shell Reflex serves for pages with
a path parameter has no <title> until its scripts run (#24 §13), and the prerendered pages' titles
are English until then (#23 §1): both are written in the reader's language."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from eventpalour.api.page_titles import PageTitleMiddleware, needs_title, set_title, title_for

pytestmark = pytest.mark.no_db  # reads no database: SQLite run only (tests/conftest.py checks)

SHELL = '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"></head><body><div id="root"></div></body></html>'
TITLED = "<!DOCTYPE html><html><head><title>Terms of service · EventPalour</title></head><body></body></html>"


PRERENDERED = "<!DOCTYPE html><html><head><title>Discover events · EventPalour</title></head><body></body></html>"
NOT_FOUND = "<!DOCTYPE html><html><head><title>Page not found · EventPalour</title></head><body></body></html>"


async def _page(request: Request) -> HTMLResponse | JSONResponse:
    path = request.url.path
    if path.startswith("/api/"):
        return JSONResponse({"ok": True})
    if path.startswith("/nowhere"):
        return HTMLResponse(NOT_FOUND, status_code=404)
    if path.startswith("/events"):
        return HTMLResponse(PRERENDERED)
    return HTMLResponse(TITLED if path.startswith("/legal/") else SHELL)


def _client() -> TestClient:
    app = Starlette(routes=[Route("/{path:path}", _page, methods=["GET", "POST"])])
    return TestClient(PageTitleMiddleware(app))


def test_each_page_with_a_parameter_gets_its_own_title() -> None:
    assert title_for("/announcements/unsubscribe/abc.def") == "Announcements · EventPalour"
    assert title_for("/scan/ab12cd/") == "Scan tickets · EventPalour"
    # A fixed segment wins over a parameter in the same place.
    assert title_for("/workspace/w1/events/new") == "New event · EventPalour"
    assert title_for("/workspace/w1/events/ab12cd") == "Manage event · EventPalour"
    # Event and organizer pages are titled by api/og.py; fixed paths are prerendered with theirs.
    assert title_for("/e/ab12cd") is None
    assert title_for("/o/savannah-sounds") is None
    assert title_for("/scan/a/b") is None


def test_every_fixed_title_has_its_translation() -> None:
    assert title_for("/events", "fr") == "Découvrir des événements · EventPalour"
    assert title_for("/tickets", "sw") == "Tiketi zangu · EventPalour"
    assert title_for("/e/ab12cd", "fr") is None


def test_the_shell_of_the_unsubscribe_page_is_served_with_its_title() -> None:
    response = _client().get("/announcements/unsubscribe/abc.def", headers={"Accept-Encoding": "gzip"})

    assert response.status_code == 200
    assert "<title>Announcements · EventPalour</title></head>" in response.text
    assert int(response.headers["content-length"]) == len(response.content)


def test_a_page_that_has_a_title_and_other_paths_are_left_alone() -> None:
    assert set_title(b"<p>no head</p>", "Other") == b"<p>no head</p>"
    client = _client()
    assert client.get("/legal/terms").text == TITLED
    assert client.get("/events").text == PRERENDERED
    assert client.get("/nowhere").text == NOT_FOUND
    assert client.get("/api/scan/x").json() == {"ok": True}
    assert client.post("/scan/ab12cd").text == SHELL


def test_a_title_is_escaped() -> None:
    assert set_title(SHELL.encode(), "<b>&").count(b"<title>&lt;b&gt;&amp;</title>") == 1


def test_a_french_reader_gets_the_prerendered_page_titled_in_french(monkeypatch: pytest.MonkeyPatch) -> None:
    client = _client()
    by_cookie = client.get("/events", headers={"Cookie": "ep_lang=fr"})
    assert "<title>Découvrir des événements · EventPalour</title>" in by_cookie.text
    assert by_cookie.text.count("<title>") == 1
    # A first visit: no cookie yet, Accept-Language decides (the cookie middleware sets it from the same).
    fresh = _client()
    first = fresh.get("/announcements/unsubscribe/abc.def", headers={"Accept-Language": "sw-KE,sw;q=0.9,en;q=0.5"})
    assert "<title>Matangazo · EventPalour</title>" in first.text
    # The cookie wins over the header.
    assert client.get("/events", headers={"Cookie": "ep_lang=en", "Accept-Language": "fr"}).text == PRERENDERED
    # An English reader's prerendered page is sent as it is (compressed); every page's title is in the
    # catalogs (the `page` keyword extracts it), an organizer tool's too; a shell without a title gets
    # one whatever the language; a file is never edited.
    assert needs_title("/dev/outbox", "fr") and not needs_title("/events", "en")
    assert needs_title("/events", "fr") and needs_title("/scan/ab12cd", "en") and needs_title("/nowhere", "sw")
    assert not needs_title("/nowhere/app.js", "sw") and not needs_title("/e/ab12cd", "fr")


def test_a_path_no_page_has_gets_the_404_page_titled_in_the_readers_language() -> None:
    response = _client().get("/nowhere/at-all", headers={"Cookie": "ep_lang=fr"})

    assert response.status_code == 404
    assert "<title>Page introuvable · EventPalour</title>" in response.text
    # Files are left alone.
    assert _client().get("/nowhere/file.js", headers={"Cookie": "ep_lang=fr"}).text == NOT_FOUND


def test_set_title_replaces_or_adds() -> None:
    assert set_title(TITLED.encode(), "Conditions").count(b"<title>Conditions</title>") == 1
    assert b"Terms" not in set_title(TITLED.encode(), "Conditions")
    assert set_title(SHELL.encode(), "A").count(b"<title>A</title></head>") == 1
