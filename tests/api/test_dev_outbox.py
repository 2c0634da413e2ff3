"""`GET /api/dev/outbox` answers only this machine (issue #16, item 2).

Over real HTTP the client is on loopback; another machine's request is the same app called through
an ASGI transport that presents a non-loopback TCP peer (the address a socket would report).
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from eventpalour.api import create_api
from eventpalour.config import settings
from tests.api.serving import assert_json_error
from tests.factories import make_user

TARGET = "victim@example.test"


@pytest.fixture(autouse=True)
def captured_email() -> None:
    make_user(email=TARGET)  # its verification email sits in the outbox


@pytest.fixture
def from_peer() -> Callable[[str], httpx.AsyncClient]:
    """A client of a fresh API whose requests come from TCP peer `ip`."""

    def client(ip: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=create_api(), client=(ip, 40123))
        return httpx.AsyncClient(transport=transport, base_url="http://testserver")

    return client


async def _get(client: httpx.AsyncClient, **headers: str) -> httpx.Response:
    async with client:
        return await client.get("/api/dev/outbox", params={"to": TARGET}, headers=headers)


def test_loopback_client_reads_the_outbox(http: httpx.Client) -> None:
    response = http.get("/api/dev/outbox", params={"to": TARGET})

    assert response.status_code == 200
    assert [e["to_email"] for e in response.json()] == [TARGET]


def test_loopback_client_behind_a_proxy_is_refused(http: httpx.Client) -> None:
    response = http.get("/api/dev/outbox", params={"to": TARGET}, headers={"X-Forwarded-For": "203.0.113.7"})

    message = assert_json_error(response, 403)
    assert "DEV_OUTBOX_PUBLIC" in message and TARGET not in response.text


@pytest.mark.parametrize("ip", ["203.0.113.7", "10.1.2.3", "192.168.0.10", "2001:db8::7"])
async def test_another_machine_is_refused(from_peer, ip: str) -> None:
    response = await _get(from_peer(ip))

    message = assert_json_error(response, 403)
    assert "DEV_OUTBOX_PUBLIC" in message and TARGET not in response.text


@pytest.mark.parametrize("ip", ["127.0.0.1", "::1", "::ffff:127.0.0.1"])
async def test_every_loopback_form_is_this_machine(from_peer, ip: str) -> None:
    response = await _get(from_peer(ip))

    assert response.status_code == 200 and [e["to_email"] for e in response.json()] == [TARGET]


async def test_opt_in_shows_the_outbox_to_other_machines(from_peer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "dev_outbox_public", True)

    response = await _get(from_peer("203.0.113.7"))

    assert response.status_code == 200 and [e["to_email"] for e in response.json()] == [TARGET]


async def test_never_in_production_even_with_the_opt_in(from_peer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "dev_outbox_public", True)
    monkeypatch.setattr(settings, "app_env", "production")

    response = await _get(from_peer("127.0.0.1"))

    assert_json_error(response, 404)
    assert TARGET not in response.text


def test_openapi_documents_the_refusals(http: httpx.Client) -> None:
    answers = http.get("/api/openapi.json").json()["paths"]["/api/dev/outbox"]["get"]["responses"]

    assert {"403", "404", "422"} <= set(answers)
