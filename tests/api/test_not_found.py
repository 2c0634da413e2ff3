"""Unknown addresses answer 404 (issue #24, item 11), through the API and the frontend mount the
production app serves its pages with: Reflex's static file server (`reflex.utils.exec.get_frontend_mount`)
over a build directory holding the page shell and its 404.html copy, with the app's own route table.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from reflex.route import get_router
from reflex.utils.exec import _match_routable_page
from reflex.utils.precompressed_staticfiles import PrecompressedStaticFiles

from eventpalour import routes
from eventpalour.api import create_api
from eventpalour.eventpalour import app
from tests.api.serving import assert_json_error, serving
from tests.factories import make_event, make_organizer, make_workspace

SHELL = (
    '<!DOCTYPE html><html lang="en"><head><title>EventPalour</title></head><body><div id="root"></div></body></html>'
)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    """The API with the production frontend mount behind it, as `reflex run --env prod` serves both."""
    (tmp_path / "index.html").write_text(SHELL)
    (tmp_path / "404.html").write_text(SHELL)  # the build copies the SPA shell to 404.html
    router = functools.partial(_match_routable_page, get_router(list(app._unevaluated_pages)))
    api = create_api()
    api.mount("", PrecompressedStaticFiles(directory=tmp_path, html=True, router=router))
    with serving(api) as base_url:
        yield base_url


def test_the_app_has_a_styled_404_page() -> None:
    assert routes.NOT_FOUND.strip("/") in app._unevaluated_pages  # Reflex's slug: the page of every unknown path


@pytest.mark.parametrize("path", ["/no-such-page", "/events/extra/deep", "/404", "/workspace", "/e"])
def test_unknown_pages_answer_404_with_the_page(site: str, path: str) -> None:
    response = httpx.get(site + path, timeout=10)

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html") and response.text == SHELL


@pytest.mark.parametrize("path", ["/", "/events", "/auth/sign-in", "/workspace/abc123/members"])
def test_known_pages_answer_200(site: str, path: str) -> None:
    response = httpx.get(site + path, timeout=10)

    assert response.status_code == 200 and response.text == SHELL


def test_an_event_page_answers_200_and_an_unknown_or_draft_event_404(site: str) -> None:
    owner = make_organizer()
    workspace = make_workspace(owner)
    public = make_event(owner, workspace.id, publish=True, title="Jazz on the Lawn")
    draft = make_event(owner, workspace.id, publish=False, title="Secret plans")

    shown = httpx.get(f"{site}/e/{public.short_id}", timeout=10)
    unknown = httpx.get(f"{site}/e/zz9zz9", timeout=10)
    hidden = httpx.get(f"{site}/e/{draft.short_id}", timeout=10)

    assert shown.status_code == 200 and "Jazz on the Lawn" in shown.text
    for response in (unknown, hidden):
        assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
        assert '<div id="root">' in response.text and "Secret plans" not in response.text


def test_unknown_api_paths_stay_json(site: str) -> None:
    assert_json_error(httpx.get(f"{site}/api/no-such-route", timeout=10), 404)
