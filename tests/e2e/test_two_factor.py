"""Two-factor sign-in in a real browser (#20 §1): set it up from the account page, sign out, sign in
with an authenticator code (trusting the browser), then in another browser with a recovery code; an
admin without it is sent to set it up before the admin area opens."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PASSWORD, at_path, totp_code, unique_email
from tests.e2e.test_auth_flows import sign_in
from tests.e2e.test_workspaces import SUPER_ADMIN, signed_in, super_admin, toast, verified_account

pytestmark = pytest.mark.e2e

ONBOARDING = "/onboarding"  # where a signed-in account that has not chosen attendee or organizer lands


def set_up_two_factor(page: Page) -> tuple[str, list[str]]:
    """Turn it on from /account as a person would; returns the key and the recovery codes shown once."""
    page.goto("/account")
    section = page.locator("#two-factor")
    expect(section.get_by_text("Off", exact=True)).to_be_visible()
    section.get_by_role("button", name="Set up two-factor sign-in").click()
    expect(section.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    secret = section.get_by_label("Set-up key").inner_text().strip()

    section.get_by_label("Code from the app").fill("000000")
    section.get_by_role("button", name="Turn on two-factor").click()
    expect(section.get_by_label("Code from the app")).to_have_accessible_description(
        "That code is not right. Enter the 6-digit code your authenticator app shows now."
    )
    section.get_by_label("Code from the app").fill(totp_code(secret))
    section.get_by_role("button", name="Turn on two-factor").click()
    expect(toast(page, "Two-factor sign-in is on.")).to_be_visible()

    codes_list = section.get_by_role("list", name="Recovery codes")
    expect(codes_list.get_by_role("listitem")).to_have_count(10)
    codes = [code.strip() for code in codes_list.get_by_role("listitem").all_inner_texts()]
    with page.expect_download() as download:
        section.get_by_role("button", name="Download .txt").click()
    saved = download.value
    assert saved.suggested_filename == "eventpalour-recovery-codes.txt"
    assert open(saved.path()).read().split() == codes
    section.get_by_role("button", name="I saved them").click()
    expect(codes_list).to_have_count(0)
    expect(section.get_by_text("Recovery codes left: 10")).to_be_visible()
    sessions = page.get_by_role("list", name="Signed-in sessions").get_by_role("listitem")
    expect(sessions).to_have_count(1)
    expect(sessions.first).to_contain_text("Two-factor passed")
    expect(sessions.first).to_contain_text("This browser")
    return secret, codes


def sign_out(page: Page) -> None:
    navbar = page.get_by_role("banner")
    navbar.get_by_role("button", name="Account menu").click()
    page.get_by_role("menuitem", name="Sign out").click()
    expect(navbar.get_by_role("link", name="Sign in")).to_be_visible()


def test_enable_sign_out_sign_in_with_a_code_then_a_recovery_code(new_page, server: str) -> None:
    email, name = unique_email("twofa"), "Tumi Two-Factor"
    page = signed_in(new_page, server, verified_account(server, email, name))
    secret, codes = set_up_two_factor(page)
    sign_out(page)

    sign_in(page, email, PASSWORD)
    expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
    code_field = page.get_by_label("Authentication code")
    code_field.fill("000000")
    page.get_by_role("button", name="Verify").click()
    expect(code_field).to_have_accessible_description(
        "That code is not right. Enter the 6-digit code your authenticator app shows now, or a recovery code."
    )
    # The next step's code: the set-up took this step's (each step is accepted once; tests/unit covers it).
    code_field.fill(totp_code(secret, steps_ahead=1))
    page.get_by_label("Trust this browser for 30 days").check()
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(at_path(server, ONBOARDING))
    expect(page.get_by_role("banner").get_by_text(name)).to_be_visible()

    # This browser is trusted now: the password alone signs in.
    sign_out(page)
    sign_in(page, email, PASSWORD)
    page.wait_for_url(at_path(server, ONBOARDING))
    expect(page.get_by_role("banner").get_by_text(name)).to_be_visible()

    # Another browser: a recovery code instead of the app's.
    elsewhere = new_page()
    sign_in(elsewhere, email, PASSWORD)
    elsewhere.get_by_label("Authentication code").fill(codes[0])
    elsewhere.get_by_role("button", name="Verify").click()
    elsewhere.wait_for_url(at_path(server, ONBOARDING))
    elsewhere.goto("/account")
    expect(elsewhere.locator("#two-factor").get_by_text("Recovery codes left: 9")).to_be_visible()


def test_an_admin_without_two_factor_is_sent_to_set_it_up(new_page, server: str) -> None:
    boss = super_admin(new_page, server)
    email = unique_email("moderator")
    cookie = verified_account(server, email, "Mo Moderator")
    boss_cookie = next(c["value"] for c in boss.context.cookies() if c["name"] == "ep_session")
    granted = httpx.post(
        f"{server}/api/admin/admins", json={"email": email, "level": "moderator"}, cookies={"ep_session": boss_cookie}
    )
    assert granted.status_code == 200, granted.text
    assert SUPER_ADMIN != email

    moderator = signed_in(new_page, server, cookie)
    moderator.goto("/admin")
    moderator.wait_for_url(at_path(server, "/account"))
    expect(
        moderator.get_by_text("Platform admins must turn on two-factor sign-in before the admin area opens.").first
    ).to_be_visible()

    set_up_two_factor(moderator)
    moderator.goto("/admin")
    expect(moderator.get_by_role("navigation", name="Admin sections")).to_be_visible()
