"""Anonymous first visits of the event page share one load's frames, and a visitor's state is built
when they act (#18, eventpalour/state/first_frames.py): on the scaled-out server (Redis, two
workers, public page data shared for 10 s), through the websocket with the frames Chromium
sends."""

from __future__ import annotations

import asyncio
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import aiohttp
import pytest
import redis
from playwright.sync_api import expect

from tests.e2e.conftest import unique_email
from tests.e2e.test_checkout import pick, seed_event
from tests.e2e.test_workspaces import verified_account
from tests.scale.test_workers import forget_rate_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from page_socket import PageSocket, Recording, Step, record

pytestmark = pytest.mark.e2e

ROOT = "reflex___state____state"
ROUTER_PER_CONNECTION = ("rx_router_session_rx_state_", "rx_router_headers_rx_state_")
VISITORS = 4  # with two workers, at least two of them are served from a worker's kept frames


def _deltas(frames: list[str]) -> list[dict]:
    """The state deltas among the frames a page received, in order."""
    deltas = []
    for frame in frames:
        if frame.startswith("42/_event,"):
            name, update = json.loads(frame[len("42/_event,") :])[:2]
            if name == "event" and isinstance(update, dict) and "delta" in update:
                deltas.append(update["delta"])
    return deltas


def _shared_part(deltas: list[dict]) -> list[dict]:
    """The deltas without the router data that belongs to one connection."""
    shared = []
    for delta in deltas:
        root = {k: v for k, v in delta.get(ROOT, {}).items() if k not in ROUTER_PER_CONNECTION}
        shared.append({**delta, ROOT: root} if ROOT in delta else delta)
    return shared


def _event_page(deltas: list[dict]) -> dict:
    """The event page state's values over `deltas`."""
    merged: dict = {}
    for delta in deltas:
        for name, values in delta.items():
            if name.endswith("event_detail_state"):
                merged.update(values)
    return merged


def _stored(store: redis.Redis, token: str) -> bool:
    """Whether Redis holds the visitor's state (or the lock a worker keeps it under)."""
    return bool(store.exists(f"{token}_{ROOT}", f"{token}_lock"))


def test_anonymous_first_visits_share_frames_and_get_their_state_when_they_act(
    server: str, e2e_database_url: str, redis_url: str
) -> None:
    forget_rate_limits(redis_url)
    owner = unique_email("frames")
    verified_account(server, owner, "Frames Owner")
    event = seed_event(e2e_database_url, owner, pricing="free", tiers=[{"name": "Lawn", "price": 0, "quantity": 40}])
    one_more = Step("quantity", lambda page: page.get_by_role("button", name="One more Lawn").click(), "quantities")
    steps = [Step(one_more.name, one_more.act, "quantities_rx_state_")]
    store = redis.Redis.from_url(redis_url)

    async def visits(recording: Recording) -> dict:
        seen: dict = {}
        async with aiohttp.ClientSession() as client:
            visitors = [PageSocket(client, server, recording) for _ in range(VISITORS)]
            for number, visitor in enumerate(visitors):
                await visitor.open(headers={"User-Agent": f"Phone {number}"})
            seen["loads"] = {v.token: (f"Phone {n}", list(v.received)) for n, v in enumerate(visitors)}
            # A browser with another cookie (a workspace it opened) is not shared with: Reflex serves it.
            other = PageSocket(client, server, recording)
            await other.open(headers={"Cookie": "ep_last_workspace=abc", "User-Agent": "Laptop"})
            seen["loads"][other.token] = ("Laptop", list(other.received))
            seen["other stored"] = _stored(store, other.token)
            shared = [v for v in visitors if not _stored(store, v.token)]
            seen["shared"] = len(shared)
            # A visitor served from kept frames acts: its page load is built first, so the pick counts.
            actor = shared[0]
            await actor.step(0)
            seen["picked"] = actor.received[-1]
            seen["actor stored"] = _stored(store, actor.token)
            for page in (*visitors, other):
                await page.close()
            await asyncio.sleep(1)  # the server has seen them go (a token still connected is replaced)
            # The actor's tab reconnects: its stored state answers (its first frame, before on_load).
            again = PageSocket(client, server, recording)
            await again.open(token=actor.token, headers={"User-Agent": "Phone again"})
            seen["again"] = _deltas(again.received)
            await again.close()
        return seen

    def recorded_visits() -> dict:
        return asyncio.run(visits(record(server, f"/e/{event['short_id']}", steps)))

    # In a thread of its own: this one runs the browser tests' Playwright (its sync API keeps an event
    # loop running here, where neither another Playwright nor asyncio.run may start).
    with ThreadPoolExecutor(1) as own_thread:
        seen = own_thread.submit(recorded_visits).result()
    loads = list(seen["loads"].items())
    first = _deltas(loads[0][1][1])
    assert first and first[-1][ROOT]["is_hydrated_rx_state_"] is True
    for token, (agent, frames) in loads:
        deltas = _deltas(frames)
        assert _shared_part(deltas) == _shared_part(first)  # the same page, whoever served it
        assert deltas[0][ROOT]["rx_router_session_rx_state_"]["client_token"] == token
        assert deltas[0][ROOT]["rx_router_headers_rx_state_"]["user_agent"] == agent
    assert seen["other stored"]
    assert seen["shared"] >= VISITORS - 2, "each worker serves one first visit itself, then shares its frames"

    lawn = next(tier["tier"]["id"] for tier in _event_page(first)["tiers_rx_state_"] if tier["tier"]["name"] == "Lawn")
    assert f'"quantities_rx_state_":{{"{lawn}":1}}' in seen["picked"].replace(" ", "")
    assert seen["actor stored"]
    assert _event_page(seen["again"][:1])["quantities_rx_state_"] == {lawn: 1}


def test_a_visitor_served_kept_frames_picks_tickets_in_the_browser(
    new_page, server: str, e2e_database_url: str, redis_url: str
) -> None:
    """Real Chromium on frames it did not cause: the page shows the event, and a pick (the visitor's
    first action, which builds the state first) updates the price lines."""
    forget_rate_limits(redis_url)
    owner = unique_email("frames")
    verified_account(server, owner, "Frames Owner")
    event = seed_event(
        e2e_database_url, owner, pricing="paid", tiers=[{"name": "Regular", "price": 150000, "quantity": 30}]
    )
    store = redis.Redis.from_url(redis_url)
    shared = None
    for _ in range(VISITORS):
        page = new_page()
        page.goto(f"/e/{event['short_id']}")
        expect(page.get_by_role("heading", name=event["title"], level=1)).to_be_visible()
        token = page.evaluate("() => window.sessionStorage.getItem('token')")
        if not _stored(store, token):
            shared = page
            break
    assert shared is not None, "each worker serves one first visit itself, then shares its frames"
    pick(shared, "Regular", 2)
    expect(shared.get_by_test_id("price-line").first).to_have_text("Tickets × 2KES 3,000.00")
    expect(shared.locator("#total")).to_have_text("KES 3,000.00")
