"""Passkeys in a real browser (#20 §2), with Chromium's virtual authenticator (CDP `WebAuthn`) standing
in for a laptop's fingerprint reader: add a passkey on the account page (named, then renamed), sign
out, sign in with "Sign in with a passkey" alone, and land signed in with two-factor passed."""

from __future__ import annotations

import pytest
from playwright.sync_api import CDPSession, Page, expect

from tests.e2e.conftest import at_path, unique_email
from tests.e2e.test_two_factor import ONBOARDING, sign_out
from tests.e2e.test_workspaces import signed_in, toast, verified_account

pytestmark = pytest.mark.e2e


def virtual_authenticator(page: Page) -> tuple[CDPSession, str]:
    """A platform authenticator that keeps discoverable credentials and verifies its user at once."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def test_add_a_passkey_sign_out_and_sign_in_with_it(new_page, server: str) -> None:
    email, name = unique_email("passkey"), "Pia Passkey"
    page = signed_in(new_page, server, verified_account(server, email, name))
    cdp, authenticator = virtual_authenticator(page)

    page.goto("/account")
    section = page.locator("#passkeys")
    expect(section.get_by_text("No passkeys yet.")).to_be_visible()
    section.get_by_role("button", name="Add a passkey").click()
    expect(section.get_by_label("Passkey name")).to_have_accessible_description(
        "Name this passkey, for example after the device it lives on (Work laptop, My phone)."
    )
    section.get_by_label("Passkey name").fill("Test laptop")
    section.get_by_role("button", name="Add a passkey").click()
    expect(toast(page, "Passkey “Test laptop” added.")).to_be_visible()
    passkeys = section.get_by_role("list", name="Passkeys").get_by_role("listitem")
    expect(passkeys).to_have_count(1)
    expect(passkeys.first).to_contain_text("last used Never")
    stored = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
    assert len(stored) == 1 and stored[0]["isResidentCredential"] is True
    # The authenticator checked its user: this session now counts as two-factor.
    sessions = page.get_by_role("list", name="Signed-in sessions").get_by_role("listitem")
    expect(sessions.first).to_contain_text("Two-factor passed")

    section.get_by_role("button", name="Rename Test laptop").click()
    dialog = page.get_by_role("dialog", name="Rename passkey")
    dialog.get_by_label("New name").fill("Pia's laptop")
    dialog.get_by_role("button", name="Save name").click()
    expect(toast(page, "Passkey renamed to “Pia's laptop”.")).to_be_visible()
    expect(passkeys.first).to_contain_text("Pia's laptop")

    sign_out(page)
    page.goto("/auth/sign-in")
    page.get_by_role("button", name="Sign in with a passkey").click()
    page.wait_for_url(at_path(server, ONBOARDING))
    expect(page.get_by_role("banner").get_by_text(name)).to_be_visible()

    page.goto("/account")
    expect(sessions).to_have_count(1)
    expect(sessions.first).to_contain_text("Two-factor passed")
    expect(passkeys.first).not_to_contain_text("last used Never")
    after = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
    assert after[0]["signCount"] > stored[0]["signCount"]
