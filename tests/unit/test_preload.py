"""Module preloads for the event page (api/preload.py): the route's chunk and imports from React
Router's build manifest, minus what the shell preloads already; the page unchanged when unsure."""

from __future__ import annotations

import json

import pytest

from eventpalour.api import preload

pytestmark = pytest.mark.no_db  # reads no database: SQLite run only (tests/conftest.py checks)

SHELL = (
    b'<html><head><link rel="modulepreload" href="/assets/manifest-ab12.js"/>'
    b'<link rel="modulepreload" href="/assets/root-1.js"/></head><body></body></html>'
)
MANIFEST = {
    "entry": {"module": "/assets/entry-1.js", "imports": ["/assets/react-1.js"]},
    "routes": {
        "root": {"path": "", "module": "/assets/root-1.js", "imports": ["/assets/react-1.js", "/assets/badge-1.js"]},
        "routes/[e].$[short_id]._index": {
            "path": "e/:short_id",
            "module": "/assets/_e_-9.js",
            "imports": ["/assets/react-1.js", "/assets/ticket-icon-3.js", "/assets/badge-1.js", "/assets/md-4.js"],
        },
        "routes/[events]._index": {"path": "events", "module": "/assets/events-5.js", "imports": []},
    },
}


@pytest.fixture
def build(tmp_path, monkeypatch):
    (tmp_path / "assets").mkdir()
    monkeypatch.setattr(preload, "static_dir", lambda: tmp_path)
    preload.route_preloads.cache_clear()
    yield tmp_path / "assets" / "manifest-ab12.js"
    preload.route_preloads.cache_clear()


def test_the_route_chunk_and_its_imports_are_preloaded_once(build):
    build.write_text("window.__reactRouterManifest=" + json.dumps(MANIFEST) + ";")
    html = preload.add_route_preloads(SHELL, "e/:short_id")
    links = [part.split('"')[0] for part in html.decode().split('modulepreload" href="')[1:]]
    assert links == [
        "/assets/manifest-ab12.js",
        "/assets/root-1.js",
        "/assets/_e_-9.js",
        "/assets/ticket-icon-3.js",
        "/assets/md-4.js",
    ]
    assert html.endswith(b'<link rel="modulepreload" href="/assets/md-4.js"/></head><body></body></html>')


@pytest.mark.parametrize(
    "manifest",
    [None, "not json at all", "window.__reactRouterManifest={}", json.dumps({"routes": {"root": {}}})],
)
def test_without_a_readable_manifest_or_route_the_page_is_unchanged(build, manifest):
    if manifest is not None:
        build.write_text(manifest)
    assert preload.add_route_preloads(SHELL, "e/:short_id") == SHELL
    assert preload.add_route_preloads(b"<p>no head</p>", "e/:short_id") == b"<p>no head</p>"
