"""Recovery (issue: scale-out): kill -9 every app process in the middle of a checkout rush, start
again, and the database is consistent — tier counters equal the rows, no paid order without its
tickets, no ticket without a paid order, held seats come back after expiry — and payments made
before the crash are reconciled.

The app processes here are the API (uvicorn with two workers: the checkout route, the webhook and
the Paystack sandbox, which sends its webhooks to them); buyers are threads posting to it over HTTP.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest
from sqlmodel import func, select

from eventpalour.config import settings
from eventpalour.db import read_only
from eventpalour.integrations import paystack
from eventpalour.models import Order, OrderItem, SandboxPaystackTransaction, Ticket, TicketTier
from eventpalour.models.types import utcnow
from eventpalour.services.events.event_rules import TierInput
from eventpalour.services.events.tiers import get_tiers
from eventpalour.services.sales import checkout, payments
from tests.dbsetup import PROJECT_ROOT
from tests.factories import approve_kyc, make_event, make_organizer, make_user, make_workspace

SEATS = 50
BUYERS = 120
STARTUP_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Api:
    """The API as its own processes (a process group, so kill -9 takes every one of them)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
        env.update(
            APP_URL=self.url,
            API_URL=self.url,
            OUTBOX_WORKER="external",
            RATE_LIMIT_GENERAL="1000000/minute",
            RATE_LIMIT_AUTH="1000000/minute",
        )
        command = [sys.executable, "-m", "uvicorn", "eventpalour.api:create_api", "--factory"]
        command += ["--host", "127.0.0.1", "--port", str(self.port), "--workers", "2", "--log-level", "warning"]
        self.process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, start_new_session=True
        )
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                if httpx.get(self.url + "/api/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError("The API did not start")
            time.sleep(0.2)

    def kill_everything(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture
def api(monkeypatch) -> Iterator[Api]:
    server = Api(_free_port())
    # This process reconciles payments like the worker would: it must reach the same sandbox.
    monkeypatch.setattr(settings, "api_url", server.url)
    monkeypatch.setattr(settings, "app_url", server.url)
    server.start()
    yield server
    if server.process.poll() is None:
        server.kill_everything()


def rush(api: Api, event_id: str, tier_id: str, stop: threading.Event) -> None:
    """Buyers order 1–3 seats and pay at once; errors (the crash) are expected and ignored."""
    sandbox = paystack.sandbox_account()
    rng = random.Random(7)
    buyers = [(make_user().token, rng.randint(1, 3)) for _ in range(BUYERS)]

    def buy(buyer: tuple[str, int]) -> None:
        token, quantity = buyer
        if stop.is_set():
            return
        try:
            with httpx.Client(base_url=api.url, timeout=10, cookies={"ep_session": token}) as client:
                placed = client.post(
                    "/api/checkout/orders", json={"eventId": event_id, "quantities": {tier_id: quantity}}
                )
                if placed.status_code != 201:
                    return
                client.post(
                    f"{sandbox.base_url}/_test/transactions/{placed.json()['reference']}/pay",
                    json={"wait_for_webhook": False},
                    headers={"Authorization": f"Bearer {sandbox.secret_key}"},
                )
        except httpx.HTTPError:
            pass

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(buy, buyers))


def _count(query) -> int:
    with read_only() as session:
        return session.exec(query).one()


def assert_consistent(tier_id: str, *, holds_may_remain: bool) -> None:
    with read_only() as session:
        tier = session.get(TicketTier, tier_id)
        tickets = session.exec(select(func.count()).select_from(Ticket).where(Ticket.tier_id == tier_id)).one()
        held = session.exec(
            select(func.coalesce(func.sum(OrderItem.quantity), 0))
            .join(Order, Order.id == OrderItem.order_id)
            .where(OrderItem.tier_id == tier_id, Order.holds_active.is_(True))
        ).one()
        assert tier.sold == tickets, "sold counter equals the tickets issued"
        assert tier.held == held, "held counter equals the seats of orders still holding"
        assert tier.sold + tier.held <= SEATS, "never oversold"
        if not holds_may_remain:
            assert tier.held == 0
        for order in session.exec(select(Order)).all():
            wanted = session.exec(
                select(func.coalesce(func.sum(OrderItem.quantity), 0)).where(OrderItem.order_id == order.id)
            ).one()
            issued = session.exec(select(func.count()).select_from(Ticket).where(Ticket.order_id == order.id)).one()
            if order.status == "completed":
                assert issued == wanted, f"paid order {order.reference} has all its tickets"
            else:
                assert issued == 0, f"{order.status} order {order.reference} has no tickets"


def test_kill_9_mid_rush_then_restart_leaves_the_database_consistent(api: Api):
    owner = make_organizer()
    workspace = make_workspace(owner)
    approve_kyc(workspace.id)
    event = make_event(
        owner,
        workspace.id,
        publish=True,
        pricing="paid",
        tiers=[TierInput(name="Floor", price=200000, quantity=SEATS, max_per_order=3)],
    )
    tier_id = get_tiers(actor=owner.summary, event_id=event.id)[0].id

    stop = threading.Event()
    buyers = threading.Thread(target=rush, args=(api, event.id, tier_id, stop))
    buyers.start()
    deadline = time.monotonic() + 60
    while _count(select(func.count()).select_from(Order)) < 15 and time.monotonic() < deadline:
        time.sleep(0.05)
    api.kill_everything()  # mid-rush: requests, transactions and webhooks are cut wherever they were
    stop.set()
    buyers.join(timeout=60)
    orders_at_crash = _count(select(func.count()).select_from(Order))
    assert orders_at_crash >= 15

    assert_consistent(tier_id, holds_may_remain=True)

    api.start()
    # What the worker does after a restart: reconcile payments the webhook never confirmed, then let
    # holds that ran out expire (here: as if 16 minutes had passed).
    while payments.reconcile_pending(limit=200, quiet_for=timedelta(0)):
        pass
    paid_at_paystack = _count(
        select(func.count())
        .select_from(SandboxPaystackTransaction)
        .where(SandboxPaystackTransaction.status == "success")
    )
    settled = _count(select(func.count()).select_from(Order).where(Order.status.in_(("completed", "refunded"))))
    assert settled == paid_at_paystack, "every payment made before the crash is settled"
    checkout.expire_holds(now=utcnow() + timedelta(minutes=checkout.HOLD_MINUTES + 1))
    assert_consistent(tier_id, holds_may_remain=False)
