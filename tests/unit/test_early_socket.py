"""The event page's early websocket script (api/early_socket.py): written last in the <head> with the
build's endpoint and Reflex's version, allowed by the page's Content-Security-Policy, and left out
when there is no build to connect to. Its hand-over to the app is checked in the browser
(tests/e2e/test_first_paint.py)."""

from __future__ import annotations

import json
import os

import pytest
from reflex_base import constants

from eventpalour.api import create_api, early_socket
from eventpalour.api.security_headers import SecurityHeadersMiddleware, inline_script_hashes

SHELL = b'<!DOCTYPE html><html lang="en"><head><meta charSet="utf-8"/><link rel="modulepreload" href="/a.js"/></head>'


@pytest.fixture
def web(tmp_path, monkeypatch):
    monkeypatch.setattr(early_socket, "web_dir", lambda: tmp_path)
    early_socket._event_endpoint.cache_clear()
    yield tmp_path
    early_socket._event_endpoint.cache_clear()


def _built(web, event: str) -> None:
    (web / "env.json").write_text(json.dumps({"EVENT": event, "TRANSPORT": "websocket"}))


def test_script_goes_last_in_the_head_with_the_builds_endpoint(web):
    """Last: React hydrates the <head> and would take a <script> before the build's own for that one."""
    _built(web, "ws://localhost:8000/_event")

    html = early_socket.add_early_socket(SHELL)

    tag = f'<script data-url="ws://localhost:8000/_event" data-protocol="{constants.Reflex.VERSION}">'.encode()
    assert html.index(b'href="/a.js"/>') < html.index(tag) < html.index(b"</script></head>")
    assert html.replace(early_socket.script_tag("ws://localhost:8000/_event"), b"") == SHELL


def test_endpoint_is_escaped_into_its_attribute(web):
    _built(web, 'wss://a.example/_event"><b>')

    html = early_socket.add_early_socket(SHELL)

    assert b'data-url="wss://a.example/_event&quot;&gt;&lt;b&gt;"' in html
    assert b"<b>" not in html


def test_a_new_build_is_read_again(web):
    _built(web, "ws://localhost:8000/_event")
    early_socket.add_early_socket(SHELL)
    _built(web, "wss://tickets.example/_event")
    stat = (web / "env.json").stat()
    os.utime(web / "env.json", (stat.st_atime, stat.st_mtime + 5))

    assert b'data-url="wss://tickets.example/_event"' in early_socket.add_early_socket(SHELL)


@pytest.mark.parametrize(
    "env_json",
    [None, "{not json", json.dumps({"PING": "http://localhost:8000/ping"})],
    ids=["no build", "unreadable", "no endpoint"],
)
def test_page_unchanged_without_an_endpoint(web, env_json):
    if env_json is not None:
        (web / "env.json").write_text(env_json)

    assert early_socket.add_early_socket(SHELL) == SHELL


def test_page_unchanged_without_a_head(web):
    _built(web, "ws://localhost:8000/_event")

    assert early_socket.add_early_socket(b"<p>no head</p>") == b"<p>no head</p>"


def test_page_policy_allows_the_script(tmp_path):
    (tmp_path / "index.html").write_bytes(b"<script>window.ready = true;</script>")
    middleware = SecurityHeadersMiddleware(create_api(), pages_dir=tmp_path)

    (digest,) = inline_script_hashes(early_socket.script_tag("wss://tickets.example/_event"))

    assert digest.encode() in middleware.page_policy
