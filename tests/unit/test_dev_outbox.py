"""Who sees the development outbox (issue #16, item 2): only this machine, unless opted in; never production.

The decision itself, and the Reflex page's handler driven as a browser's websocket would drive it,
from a loopback peer and from another machine.
"""

from __future__ import annotations

import pytest
from sqlalchemy import update

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.db import transaction
from eventpalour.models import OutboxEmail, OutboxStatus
from eventpalour.services.platform.dev_outbox import came_through_proxy, is_local_client
from eventpalour.state.dev import DevOutboxState
from tests.factories import make_user
from tests.state_support import run_handler, state_for


@pytest.mark.parametrize("ip", ["127.0.0.1", "127.0.0.9", "127.255.255.254", "::1", "::ffff:127.0.0.1"])
def test_loopback_peers_are_local(ip: str) -> None:
    assert is_local_client(ip, proxied=False)


@pytest.mark.parametrize(
    "ip", ["203.0.113.7", "10.0.0.5", "192.168.1.20", "::ffff:10.0.0.5", "2001:db8::1", "0.0.0.0", "", None, "x"]
)
def test_other_peers_are_not_local(ip: str | None) -> None:
    assert not is_local_client(ip, proxied=False)


def test_a_loopback_peer_behind_a_proxy_is_not_local() -> None:
    assert not is_local_client("127.0.0.1", proxied=True)


@pytest.mark.parametrize(
    ("names", "proxied"),
    [
        (["host", "cookie"], False),
        (["X-Forwarded-For"], True),
        (["forwarded"], True),
        (["x-real-ip", "host"], True),
    ],
)
def test_came_through_proxy(names: list[str], proxied: bool) -> None:
    assert came_through_proxy(names) is proxied


def _outbox_page(**router) -> DevOutboxState:
    return state_for(DevOutboxState, token=None, path=routes.DEV_OUTBOX, **router)


async def test_page_lists_emails_for_a_browser_on_this_machine() -> None:
    make_user(email="local-reader@example.test")
    state = _outbox_page(ip="127.0.0.1")

    await run_handler(state, "load")

    assert state.loaded and state.enabled and not state.only_local
    assert any(e.email.to_email == "local-reader@example.test" for e in state.emails)


@pytest.mark.parametrize(
    "router", [{"ip": "203.0.113.7"}, {"ip": "127.0.0.1", "headers": {"x-forwarded-for": "203.0.113.7"}}]
)
async def test_page_shows_nothing_to_another_machine(router: dict) -> None:
    make_user(email="remote-target@example.test")
    state = _outbox_page(**router)

    await run_handler(state, "load")

    assert state.loaded and state.only_local
    assert state.emails == []


async def test_page_opt_in_shows_emails_to_other_machines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "dev_outbox_public", True)
    make_user(email="shared-box@example.test")
    state = _outbox_page(ip="203.0.113.7")

    await run_handler(state, "load")

    assert not state.only_local and [e.email.to_email for e in state.emails] == ["shared-box@example.test"]


async def test_page_is_off_in_production_even_on_this_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    make_user(email="prod-user@example.test")
    monkeypatch.setattr(settings, "app_env", "production")
    monkeypatch.setattr(settings, "dev_outbox_public", True)
    state = _outbox_page(ip="127.0.0.1")

    await run_handler(state, "load")

    assert state.loaded and not state.enabled and state.emails == []


@pytest.mark.parametrize("status", list(OutboxStatus))
async def test_page_marks_as_sent_exactly_the_emails_that_went_out(status: OutboxStatus) -> None:
    """The page's green badge follows the service's `is_sent`: only a delivered email is shown as sent."""
    make_user(email="badge-reader@example.test")
    with transaction() as session:
        session.execute(
            update(OutboxEmail).where(OutboxEmail.to_email == "badge-reader@example.test").values(status=status)
        )
    state = _outbox_page(ip="127.0.0.1")

    await run_handler(state, "load")

    shown = [e for e in state.emails if e.email.to_email == "badge-reader@example.test"]
    assert shown and all(e.email.status == status for e in shown)
    assert all(e.sent == (status == OutboxStatus.SENT) for e in shown)
