"""Everything under /api answers in the JSON error format, pages keep their HTML (issue #16, item 5).

The API is served the way `make run` serves it: Reflex's app mounted behind every API route, so a
path or method the API does not claim would otherwise fall through to Reflex's HTML 404 page.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from eventpalour.api import create_api
from eventpalour.api.body_limit import JSON_BODY_LIMIT
from eventpalour.config import settings
from eventpalour.integrations.tls import outbound_tls
from tests import samples
from tests.api.serving import NOT_FOUND_PAGE, assert_json_error, serving, with_reflex_mount
from tests.api.support import user_count, with_session
from tests.factories import make_user

JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    with serving(with_reflex_mount(create_api())) as base_url:
        yield base_url


@pytest.fixture
def client(app_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=app_url, timeout=10, follow_redirects=False, verify=outbound_tls()) as http:
        yield http


# --- unknown paths and wrong methods --------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize("path", ["/api", "/api/", "/api/nothing-here", "/api/auth/nope", "/api/tickets/x/y/z"])
def test_unknown_api_path_is_json_404(client: httpx.Client, method: str, path: str) -> None:
    response = client.request(method, path)

    message = assert_json_error(response, 404)
    assert path in message


@pytest.mark.parametrize("path", ["/no-such-page", "/apiary", "/e/ABC123/nope"])
def test_unknown_page_keeps_the_html_404(client: httpx.Client, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html") and response.text == NOT_FOUND_PAGE


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("GET", "/api/payments/webhook/paystack", {"POST"}),
        ("PUT", "/api/checkout/orders", {"POST"}),
        ("DELETE", "/api/auth/me", {"GET"}),
        ("POST", "/api/health", {"GET"}),
        ("HEAD", "/api/health", {"GET"}),
        ("GET", "/api/auth/sign-in", {"POST"}),
    ],
)
def test_wrong_method_is_json_405_with_allow(client: httpx.Client, method: str, path: str, allowed: set[str]) -> None:
    response = client.request(method, path)

    assert response.status_code == 405 and response.headers["content-type"].startswith("application/json")
    assert {m.strip() for m in response.headers["allow"].split(",")} == allowed
    if method != "HEAD":  # a HEAD answer has no body
        message = assert_json_error(response, 405)
        assert method in message and sorted(allowed)[-1] in message


def test_known_routes_still_answer(client: httpx.Client) -> None:
    assert client.get("/api/health").status_code == 200
    assert_json_error(client.get("/api/auth/me"), 401)


# --- body size ----------------------------------------------------------------------------------------------


def _sign_up_body(size: int) -> bytes:
    """A sign-up request of exactly `size` bytes (the padding sits in the full name)."""
    base = {"email": "big@example.test", "password": "correct-horse-9", "acceptTerms": True, "fullName": ""}
    padding = size - len(json.dumps(base).encode())
    return json.dumps({**base, "fullName": "x" * padding}).encode()


def test_json_body_over_the_limit_is_413_and_changes_nothing(client: httpx.Client) -> None:
    response = client.post("/api/auth/sign-up", content=_sign_up_body(JSON_BODY_LIMIT + 1), headers=JSON)

    message = assert_json_error(response, 413)
    assert "1 MB" in message
    assert user_count() == 0


def test_streamed_json_body_over_the_limit_is_413(client: httpx.Client) -> None:
    """No Content-Length (chunked): the bytes are counted as they arrive."""
    body = _sign_up_body(JSON_BODY_LIMIT + 64 * 1024)

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(body), 16 * 1024):
            yield body[start : start + 16 * 1024]

    response = client.post("/api/auth/sign-up", content=chunks(), headers=JSON)

    assert "content-length" not in response.request.headers
    assert_json_error(response, 413)
    assert user_count() == 0


def test_streamed_json_body_under_the_limit_is_read_as_usual(client: httpx.Client) -> None:
    body = json.dumps(
        {"email": "streamed@example.test", "password": "correct-horse-9", "fullName": "Streamed", "acceptTerms": True}
    )

    response = client.post("/api/auth/sign-up", content=iter([body[:10].encode(), body[10:].encode()]), headers=JSON)

    assert response.status_code == 201, response.text
    assert user_count() == 1


def test_body_at_the_limit_is_accepted(client: httpx.Client) -> None:
    response = client.post("/api/auth/sign-up", content=_sign_up_body(JSON_BODY_LIMIT), headers=JSON)

    assert response.status_code == 422  # read and validated: the name is too long, not the body
    assert response.json()["details"][0]["path"] == ["fullName"]


def _whole_answer(sock: socket.socket) -> str:
    """The response's head and its Content-Length of body: they may come in separate segments (one
    `recv` returned the head alone on a loaded machine)."""
    received = b""
    while b"\r\n\r\n" not in received or len(received.split(b"\r\n\r\n", 1)[1]) < _declared(received):
        chunk = sock.recv(4096)
        if not chunk:
            break
        received += chunk
    return received.decode("latin-1")


def _declared(received: bytes) -> int:
    head = received.split(b"\r\n\r\n", 1)[0].decode("latin-1").lower()
    lengths = [line.split(":", 1)[1] for line in head.split("\r\n") if line.startswith("content-length:")]
    return int(lengths[0]) if lengths else 0


def test_declared_oversize_body_is_refused_before_it_is_sent(app_url: str) -> None:
    """A 50 MB Content-Length with no body behind it is answered at once: nothing waits for the bytes."""
    parts = urlsplit(app_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock:
        sock.sendall(
            b"POST /api/auth/sign-in HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
            b"Content-Length: 50000000\r\n\r\n"
        )
        answer = _whole_answer(sock)

    assert answer.startswith("HTTP/1.1 413"), answer
    assert "application/json" in answer and '"error"' in answer


def test_uploads_keep_their_own_larger_limit(client: httpx.Client, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(settings, "upload_dir", tmp_path / "uploads")
    with_session(client, make_user().token)
    image = samples.padded(samples.image_bytes("PNG"), 2 * JSON_BODY_LIMIT)

    response = client.post(
        "/api/upload", data={"bucket": "EVENTS", "folder": "big"}, files={"file": ("big.png", image, "image/png")}
    )

    assert response.status_code == 201, response.text


# --- the OpenAPI schema -------------------------------------------------------------------------------------


def _responses(schema: dict, method: str, path: str) -> dict[str, dict]:
    return schema["paths"][path][method.lower()]["responses"]


def _error_codes(responses: dict[str, dict]) -> set[int]:
    return {int(code) for code in responses if code.startswith("4") or code.startswith("5")}


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("POST", "/api/checkout/orders", {400, 401, 403, 404, 409, 413, 422, 429, 503}),
        ("POST", "/api/auth/sign-up", {400, 409, 413, 422, 429}),
        ("GET", "/api/auth/me", {401}),
        ("POST", "/api/admin/blue-tickets/approve", {400, 401, 403, 404, 409, 413, 415, 422, 429}),
        ("GET", "/api/admin/metrics", {401, 403}),
        ("POST", "/api/payments/webhook/paystack", {400, 401, 413}),
        ("POST", "/api/upload", {400, 401, 413, 415, 422, 429}),
        ("GET", "/api/tickets/{ticket_id}/ticket.png", {401, 404, 409}),
        ("POST", "/api/auth/sign-out", {413, 429}),
    ],
)
def test_openapi_documents_the_errors_each_route_gives(
    client: httpx.Client, method: str, path: str, expected: set[int]
) -> None:
    schema = client.get("/api/openapi.json").json()
    responses = _responses(schema, method, path)

    assert _error_codes(responses) == expected
    for code in expected:
        content = responses[str(code)]["content"]["application/json"]["schema"]
        assert content == {"$ref": "#/components/schemas/ErrorOut"}, (path, code)
        assert responses[str(code)]["description"]
    error = schema["components"]["schemas"]["ErrorOut"]
    assert error["required"] == ["error"] and set(error["properties"]) == {"error", "details", "code"}


def test_openapi_documents_health_503_and_no_fastapi_validation_shape(client: httpx.Client) -> None:
    schema = client.get("/api/openapi.json").json()

    assert _error_codes(_responses(schema, "GET", "/api/health")) == {503}
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    assert "HTTPValidationError" not in json.dumps(schema)


def test_documented_errors_are_the_ones_given(client: httpx.Client) -> None:
    """A few of the documented answers, provoked for real: each comes back in the documented shape."""
    assert_json_error(client.post("/api/checkout/orders", json={"eventId": "x", "quantities": {"t": 1}}), 401)
    big = b'{"eventId": "' + b"x" * JSON_BODY_LIMIT + b'"}'
    assert_json_error(client.post("/api/checkout/orders", content=big, headers=JSON), 413)
    assert_json_error(client.post("/api/checkout/orders", content=b"{", headers=JSON), 400)
    with_session(client, make_user().token)
    assert_json_error(client.get("/api/admin/metrics"), 403)
    assert_json_error(client.get("/api/tickets/nope/ticket.png"), 404)
    assert_json_error(client.post("/api/checkout/orders", json={"eventId": "x"}), 422)
