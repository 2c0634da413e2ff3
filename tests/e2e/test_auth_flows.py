"""Accounts in a real browser: sign-up and verification, sign-in and out, Google (sandbox), password reset."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PASSWORD, at_path, create_account, newest_email, unique_email

pytestmark = pytest.mark.e2e


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/auth/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("main").get_by_role("button", name="Sign in", exact=True).click()


def test_sign_up_verify_onboard_sign_out_sign_in(page: Page, server: str) -> None:
    email, name = unique_email("amina"), "Amina Wanjiru"
    page.goto("/auth/sign-up")
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    page.wait_for_url(at_path(server, "/auth/verify"))
    expect(page.get_by_text(f"We sent a 6-digit code to {email}")).to_be_visible()
    code = re.search(r"\b(\d{6})\b", newest_email(server, email, "verification_code")["text_body"]).group(1)
    page.get_by_label("Verification code").fill(code)
    page.get_by_role("button", name="Verify email").click()

    page.wait_for_url(at_path(server, "/onboarding"))
    expect(page.get_by_role("heading", name=f"Welcome, {name}")).to_be_visible()
    page.get_by_role("radio", name="I'm organizing events").click()
    expect(page.get_by_role("radio", name="I'm organizing events")).to_be_checked()
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url(at_path(server, "/"))
    expect(page.get_by_role("heading", name=f"Hello, {name}")).to_be_visible()
    navbar = page.get_by_role("banner")
    expect(navbar.get_by_text(name)).to_be_visible()

    navbar.get_by_role("button", name="Account menu").click()
    page.get_by_role("menuitem", name="Sign out").click()
    expect(navbar.get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Hello, "))).to_have_count(0)

    sign_in(page, email, PASSWORD)
    page.wait_for_url(at_path(server, "/"))
    expect(navbar.get_by_text(name)).to_be_visible()
    expect(page.get_by_role("heading", name=f"Hello, {name}")).to_be_visible()


def test_sign_in_wrong_password_shows_error(page: Page, server: str) -> None:
    email = unique_email("wrongpw")
    create_account(server, email, "Wrong Password")
    sign_in(page, email, "not-the-password-1")

    password = page.get_by_label("Password")
    expect(page.get_by_text("Email or password is incorrect.").first).to_be_visible()
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_accessible_description("Email or password is incorrect.")
    expect(page.get_by_role("main").get_by_role("button", name="Sign in", exact=True)).to_be_enabled()
    expect(page).to_have_url(at_path(server, "/auth/sign-in"))
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()


def test_google_sandbox_sign_in(page: Page, server: str) -> None:
    email, name = unique_email("google"), "Kofi Mensah"
    page.goto("/auth/sign-in")
    page.get_by_role("button", name="Continue with Google").click()

    page.wait_for_url(re.compile(r"/api/sandbox/google/"))
    expect(page.get_by_role("heading", name="Sign in with Google")).to_be_visible()
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Name").fill(name)
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url(at_path(server, "/onboarding"))
    expect(page.get_by_role("heading", name=f"Welcome, {name}")).to_be_visible()
    expect(page.get_by_role("banner").get_by_text(name)).to_be_visible()


def test_password_reset(page: Page, server: str) -> None:
    email, new_password = unique_email("reset"), "a-brand-new-password-7"
    create_account(server, email, "Reset Person")

    page.goto("/auth/forgot")
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_role("status").filter(has_text="a reset link is on its way")).to_be_visible()
    page.goto("/auth/forgot")  # coming back shows the form again (a typo can be corrected)
    expect(page.get_by_role("button", name="Send reset link")).to_be_visible()

    body = newest_email(server, email, "password_reset")["text_body"]
    link = re.search(r"https?://\S+/auth/reset/\S+", body).group(0)
    assert link.startswith(server)
    page.goto(link)
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    page.get_by_label("New password", exact=True).fill(new_password)
    page.get_by_label("Confirm new password").fill(new_password)
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_role("heading", name="Password changed")).to_be_visible()

    sign_in(page, email, PASSWORD)
    expect(page.get_by_text("Email or password is incorrect.").first).to_be_visible()
    expect(page).to_have_url(at_path(server, "/auth/sign-in"))

    page.get_by_label("Password").fill(new_password)
    page.get_by_role("main").get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(at_path(server, "/auth/verify"))  # signed in; the email was never verified
    expect(page.get_by_role("banner").get_by_text("Reset Person")).to_be_visible()
