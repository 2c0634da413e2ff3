"""Tab titles in the HTML shell of pages with a path parameter (api/page_titles.py, #24 §13): the
shell Reflex serves for them has no <title> until its scripts run."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from eventpalour.api.page_titles import PageTitleMiddleware, add_title, title_for

SHELL = '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"></head><body><div id="root"></div></body></html>'
TITLED = "<!DOCTYPE html><html><head><title>Terms of service · EventPalour</title></head><body></body></html>"


async def _page(request: Request) -> HTMLResponse | JSONResponse:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"ok": True})
    return HTMLResponse(TITLED if request.url.path.startswith("/legal/") else SHELL)


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
    assert title_for("/legal/terms") is None
    assert title_for("/scan/a/b") is None


def test_the_shell_of_the_unsubscribe_page_is_served_with_its_title() -> None:
    response = _client().get("/announcements/unsubscribe/abc.def", headers={"Accept-Encoding": "gzip"})

    assert response.status_code == 200
    assert "<title>Announcements · EventPalour</title></head>" in response.text
    assert int(response.headers["content-length"]) == len(response.content)


def test_a_page_that_has_a_title_and_other_paths_are_left_alone() -> None:
    assert add_title(TITLED.encode(), "Other") == TITLED.encode()
    assert add_title(b"<p>no head</p>", "Other") == b"<p>no head</p>"
    client = _client()
    assert client.get("/legal/terms").text == TITLED
    assert client.get("/events").text == SHELL
    assert client.get("/api/scan/x").json() == {"ok": True}
    assert client.post("/scan/ab12cd").text == SHELL


def test_a_title_is_escaped() -> None:
    assert add_title(SHELL.encode(), "<b>&").count(b"<title>&lt;b&gt;&amp;</title>") == 1
