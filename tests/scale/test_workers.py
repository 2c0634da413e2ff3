"""Several workers behind one port: requests land on different workers, rate limits are counted
once for all of them, and a buyer's whole journey works across them."""

from __future__ import annotations

import re

import httpx
import pytest
import redis
from playwright.sync_api import expect

from tests.e2e.conftest import unique_email
from tests.e2e.test_checkout import buy_through_sandbox, buyer_page, seed_event
from tests.e2e.test_workspaces import verified_account
from tests.scale.conftest import AUTH_LIMIT, WORKERS, served_by

pytestmark = pytest.mark.e2e


def forget_rate_limits(redis_url: str) -> None:
    store = redis.Redis.from_url(redis_url)
    for key in store.scan_iter("LIMITS*"):
        store.delete(key)


def fresh_request(method: str, url: str, **kwargs) -> httpx.Response:
    """One request on its own connection, so the kernel may hand it to any worker."""
    with httpx.Client(timeout=15) as client:
        return client.request(method, url, **kwargs)


def test_requests_spread_over_the_workers(server: str) -> None:
    workers = {served_by(fresh_request("GET", f"{server}/api/health")) for _ in range(40)}
    assert len(workers) == WORKERS


def test_the_rate_limit_is_shared_by_every_worker(server: str, redis_url: str) -> None:
    forget_rate_limits(redis_url)  # other tests' sign-ups from this address count against the same limit
    email = unique_email("limited")

    def attempt() -> httpx.Response:
        return fresh_request(
            "POST", f"{server}/api/auth/sign-in", json={"email": email, "password": "wrong-password-1"}
        )

    answers = [attempt() for _ in range(AUTH_LIMIT + 1)]
    assert [a.status_code for a in answers] == [400] * AUTH_LIMIT + [429]  # wrong password, then over the limit
    assert int(answers[-1].headers["retry-after"]) > 0
    # Until every worker has answered one of these, keep trying: each further attempt, whichever
    # worker takes it, is refused. A worker that counted none of the attempts itself and still says
    # 429 proves the count is shared (the kernel may hand the first ones all to one worker).
    more: list[httpx.Response] = []
    while len({served_by(a) for a in answers + more}) < WORKERS and len(more) < 40:
        more.append(attempt())
    assert [a.status_code for a in more] == [429] * len(more)
    assert len({served_by(a) for a in answers + more}) == WORKERS


def test_sign_in_buy_and_see_tickets_across_workers(
    new_page, server: str, e2e_database_url: str, redis_url: str
) -> None:
    forget_rate_limits(redis_url)  # the test above used up this client's sign-in attempts
    owner_email = unique_email("owner")
    verified_account(server, owner_email, "Sam Scaler")
    event = seed_event(
        e2e_database_url, owner_email, pricing="paid", tiers=[{"name": "Regular", "price": 100000, "quantity": 20}]
    )
    page, _ = buyer_page(new_page, server, "Wendy Worker")
    workers: set[str] = set()
    page.on("response", lambda r: workers.add(r.headers.get("x-served-by", "")))

    buy_through_sandbox(page, server, event["short_id"], "Regular", 2)
    expect(page.get_by_test_id("ticket")).to_have_count(2)
    page.get_by_role("link", name="Your orders").click()
    expect(page.get_by_text("Paid", exact=True)).to_be_visible()
    page.goto(f"/e/{event['short_id']}")
    expect(page.get_by_text("Your tickets:")).to_be_visible()
    assert re.fullmatch(r"[A-Z2-9]{8}", page.get_by_test_id("ticket").first.locator("code").inner_text())
    # A browser keeps its few connections open, and the kernel may hand every one of them to the same
    # worker. Until both have served this buyer, the same session opens the event page again on new
    # connections (a new context with the same cookies), each of which any worker may take.
    for _ in range(12):
        if len(workers - {""}) == WORKERS:
            break
        again = new_page()
        again.context.add_cookies(page.context.cookies())
        again.on("response", lambda r: workers.add(r.headers.get("x-served-by", "")))
        again.goto(f"/e/{event['short_id']}")
        expect(again.get_by_text("Your tickets:")).to_be_visible()
        again.context.close()
    assert len(workers - {""}) == WORKERS, workers
