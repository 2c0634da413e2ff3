"""API tokens in a real browser (#23 §2): made on the workspace settings page with a name and
scopes, the secret shown once; /api/v1 answers it with the workspace's events; revoked, it stops."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import unique_email
from tests.e2e.test_checkout import seed_event
from tests.e2e.test_workspaces import signed_in, toast, verified_account

pytestmark = pytest.mark.e2e


def test_a_token_made_in_settings_reads_the_api_until_revoked(new_page, server: str, e2e_database_url: str) -> None:
    owner_email = unique_email("apiowner")
    page = signed_in(new_page, server, verified_account(server, owner_email, "Amani Api"))
    seeded = seed_event(e2e_database_url, owner_email, pricing="free", tiers=[{"name": "Door"}])
    workspace_id = seeded["workspace_id"]

    page.goto(f"/workspace/{workspace_id}/settings")
    section = page.locator(".rt-Card").filter(has=page.get_by_role("heading", name="API tokens"))
    expect(section.get_by_text("No tokens yet.")).to_be_visible()
    section.get_by_role("button", name="Create token").click()
    expect(section.get_by_text("Give the token a name, like the app that will use it.")).to_be_visible()
    expect(section.get_by_role("alert").filter(has_text="Choose at least one scope.")).to_be_visible()

    section.get_by_label("Token name").fill("Door app")
    section.get_by_role("checkbox", name=re.compile("events:read")).check()
    section.get_by_role("button", name="Create token").click()
    expect(toast(page, "Token Door app created.")).to_be_visible()
    secret = section.locator("#new-api-token").inner_text()
    assert secret.startswith("ep_")
    row = section.get_by_role("listitem", name="Door app")
    expect(row).to_contain_text("events:read")
    expect(row).to_contain_text("Last used never")

    listed = httpx.get(f"{server}/api/v1/events", headers={"Authorization": f"Bearer {secret}"}, timeout=30)
    assert listed.status_code == 200, listed.text
    assert [e["title"] for e in listed.json()["events"]] == [seeded["title"]]
    orders = httpx.get(
        f"{server}/api/v1/events/{listed.json()['events'][0]['id']}/orders",
        headers={"Authorization": f"Bearer {secret}"},
        timeout=30,
    )
    assert orders.status_code == 403 and orders.json()["error"] == "This API token lacks the orders:read scope."

    page.reload()
    expect(row).to_be_visible()
    expect(section.locator("#new-api-token")).to_have_count(0)  # shown once, never again
    expect(row).not_to_contain_text("Last used never")
    row.get_by_role("button", name="Revoke Door app").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Revoke token").click()
    expect(toast(page, "Token Door app revoked.")).to_be_visible()
    expect(row.get_by_text("Revoked", exact=True)).to_be_visible()
    refused = httpx.get(f"{server}/api/v1/events", headers={"Authorization": f"Bearer {secret}"}, timeout=30)
    assert refused.status_code == 401 and refused.json()["error"] == "This API token was revoked."
