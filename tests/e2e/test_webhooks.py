"""Webhooks in a real browser (#23 §2): an endpoint registered on the workspace settings page (its
signing secret shown once), an order placed through the API reaches a receiver on this machine,
signed, and shows in the endpoint's delivery log, from where it is sent again."""

from __future__ import annotations

import re
import time

import httpx
import pytest
from playwright.sync_api import expect

from eventpalour.services.platform import webhooks
from tests.e2e.conftest import unique_email
from tests.e2e.test_checkout import seed_event
from tests.e2e.test_workspaces import signed_in, toast, verified_account
from tests.webhook_receiver import webhook_receiver

pytestmark = pytest.mark.e2e


def _wait_for(receiver, count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while len(receiver.received) < count:
        assert time.monotonic() < deadline, f"{len(receiver.received)} of {count} deliveries arrived"
        time.sleep(0.2)


def test_a_webhook_added_in_settings_receives_an_order_and_can_resend(
    new_page, server: str, e2e_database_url: str
) -> None:
    owner_email = unique_email("hookowner")
    page = signed_in(new_page, server, verified_account(server, owner_email, "Hook Owner"))
    seeded = seed_event(e2e_database_url, owner_email, pricing="free", tiers=[{"name": "Door"}])

    with webhook_receiver() as receiver:
        page.goto(f"/workspace/{seeded['workspace_id']}/settings")
        section = page.locator(".rt-Card").filter(has=page.get_by_role("heading", name="Webhooks"))
        expect(section.get_by_text("No webhooks yet.", exact=False)).to_be_visible()
        section.get_by_label("Endpoint URL").fill("http://hooks.example.com/in")
        section.get_by_role("button", name="Add webhook").click()
        expect(section.get_by_text("Use an https:// URL", exact=False)).to_be_visible()
        expect(section.get_by_text("Choose at least one event to send.")).to_be_visible()

        section.get_by_label("Endpoint URL").fill(receiver.url)
        section.get_by_role("checkbox", name=re.compile("order.paid")).check()
        section.get_by_role("button", name="Add webhook").click()
        expect(toast(page, "Webhook added.")).to_be_visible()
        secret = section.locator("#new-webhook-secret").inner_text()
        assert secret.startswith("whsec_")
        row = section.get_by_role("listitem", name=receiver.url)
        expect(row).to_contain_text("order.paid")

        buyer = verified_account(server, unique_email("hookbuyer"), "Hook Buyer")
        placed = httpx.post(
            f"{server}/api/checkout/orders",
            json={"eventId": seeded["short_id"], "quantities": {seeded["tiers"]["Door"]: 1}},
            cookies={"ep_session": buyer},
            timeout=30,
        )
        assert placed.status_code == 201, placed.text
        _wait_for(receiver, 1)
        got = receiver.received[0]
        assert got.headers["EventPalour-Event"] == "order.paid"
        assert webhooks.verify_signature(secret, got.headers["EventPalour-Signature"], got.body, now=int(time.time()))

        row.get_by_role("button", name=f"Delivery log for {receiver.url}").click()
        log = page.get_by_role("dialog", name="Delivery log")
        expect(log.get_by_role("row").filter(has_text="order.paid")).to_contain_text("Delivered")
        expect(log.get_by_role("row").filter(has_text="order.paid")).to_contain_text("HTTP 200")
        log.get_by_role("button", name=re.compile(r"^Resend delivery \d+$")).click()
        expect(toast(page, "order.paid queued again.")).to_be_visible()
        _wait_for(receiver, 2)
        assert receiver.received[1].body == got.body
        log.get_by_role("button", name="Refresh").click()
        expect(log.get_by_role("row").filter(has_text="Delivered")).to_have_count(2)
