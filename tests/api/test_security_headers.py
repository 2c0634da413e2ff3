"""Security headers (api/security_headers.py) on the API's answers, over real HTTP (issue #16 item 4).

The production build's pages, assets and CORS are checked against the real server in
tests/e2e/test_security_headers.py; here: JSON, errors, a page, and HSTS following APP_URL.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import httpx
import pytest

from eventpalour.api import create_api
from eventpalour.api.security_headers import SecurityHeadersMiddleware, build_script_hashes, inline_script_hashes
from eventpalour.config import settings
from tests.api.conftest import serving

COMMON = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
}


def _directives(response: httpx.Response) -> dict[str, list[str]]:
    policy = response.headers["content-security-policy"]
    parts = (directive.split() for directive in policy.split(";") if directive.strip())
    return {name: values for name, *values in parts}


def _assert_common(response: httpx.Response) -> None:
    for name, value in COMMON.items():
        assert response.headers.get(name) == value, (response.url, name)
    assert _directives(response)["frame-ancestors"] == ["'none'"]


def test_json_answer_lets_nothing_run(http: httpx.Client) -> None:
    response = http.get("/api/health")

    assert response.status_code == 200
    _assert_common(response)
    assert _directives(response)["default-src"] == ["'none'"]
    assert "strict-transport-security" not in response.headers  # APP_URL is http here


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/api/no-such-route", 404), ("GET", "/api/auth/me", 401), ("POST", "/api/auth/sign-in", 422)],
)
def test_error_answers_carry_the_headers(http: httpx.Client, method: str, path: str, status: int) -> None:
    response = http.request(method, path, json={} if method == "POST" else None)

    assert response.status_code == status
    _assert_common(response)


def test_page_gets_the_page_policy(http: httpx.Client, api_url: str) -> None:
    response = http.get("/e/abc123")

    assert response.headers["content-type"].startswith("text/html")
    _assert_common(response)
    directives = _directives(response)
    assert directives["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert directives["object-src"] == ["'none'"]
    ws_url = api_url.replace("http", "ws", 1)
    assert {"'self'", api_url, ws_url} <= set(directives["connect-src"])
    assert {"'self'", api_url} <= set(directives["form-action"])


def test_hsts_only_when_app_url_is_https(http: httpx.Client, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "strict-transport-security" not in http.get("/api/health").headers

    monkeypatch.setattr(settings, "app_url", "https://tickets.example")
    monkeypatch.setattr(settings, "api_url", "https://tickets.example")
    with serving(create_api()) as https_app:
        for path in ("/api/health", "/api/no-such-route"):
            response = httpx.get(https_app + path)
            assert response.headers["strict-transport-security"] == "max-age=31536000", path
            _assert_common(response)


def test_build_script_hashes_cover_every_inline_script_of_the_pages(tmp_path: Path) -> None:
    theme = b"\ndocument.documentElement.classList.add('dark');\n"
    context = b'window.__reactRouterContext = {"basename": "/"};'
    (tmp_path / "index.html").write_bytes(
        b"<html><head><script>" + theme + b'</script><script type="module" src="/assets/a.js"></script></head>'
    )
    (tmp_path / "events").mkdir()
    (tmp_path / "events" / "index.html").write_bytes(b'<body><script id="_R_">' + context + b"</script></body>")

    hashes = build_script_hashes(tmp_path)

    expected = {"'sha256-" + base64.b64encode(hashlib.sha256(s).digest()).decode() + "'" for s in (theme, context)}
    assert set(hashes) == expected
    assert build_script_hashes(tmp_path / "no-build") == ()


def test_api_docs_allow_swagger_ui_and_their_own_inline_script(http: httpx.Client) -> None:
    response = http.get("/api/docs")

    assert response.status_code == 200
    _assert_common(response)
    script_src = _directives(response)["script-src"]
    assert "https://cdn.jsdelivr.net" in script_src
    assert inline_script_hashes(response.content) and set(inline_script_hashes(response.content)) <= set(script_src)
    assert "'unsafe-inline'" not in script_src


def test_page_policy_waits_for_the_build(tmp_path: Path) -> None:
    """`reflex run` imports the app, then builds the pages: a page answered before the build must not
    leave the policy without the build's hashes for good."""
    middleware = SecurityHeadersMiddleware(create_api(), pages_dir=tmp_path / "client")
    assert b"'sha256-" not in middleware.page_policy

    (tmp_path / "client").mkdir()
    (tmp_path / "client" / "index.html").write_bytes(b"<script>window.ready = true;</script>")
    digest = base64.b64encode(hashlib.sha256(b"window.ready = true;").digest())
    assert b"'sha256-" + digest + b"'" in middleware.page_policy


def test_the_api_docs_page_names_its_language(http: httpx.Client) -> None:
    """Screen readers read a page in its declared language (WCAG 3.1.1; axe's html-has-lang)."""
    response = http.get("/api/docs")
    assert response.status_code == 200
    assert '<html lang="en">' in response.text
