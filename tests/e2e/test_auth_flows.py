"""Accounts in a real browser: sign-up and verification, sign-in and out, Google (sandbox), password reset."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PASSWORD, at_path, create_account, newest_email, unique_email
from tests.e2e.test_checkout import pick, seed_event
from tests.e2e.test_workspaces import verified_account

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
    page.get_by_label("I agree to the Terms and the Privacy policy").check()
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

    # An organizer goes straight on to their first workspace (#20 §6).
    page.wait_for_url(at_path(server, "/workspaces/new"))
    expect(page.get_by_role("heading", name="Create a workspace")).to_be_visible()
    page.goto("/")
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


@pytest.mark.parametrize("without_request_submit", [False, True], ids=["browser", "safari-15"])
def test_a_sign_in_pressed_before_the_page_is_ready_is_sent_once_it_is(
    page: Page, server: str, without_request_submit: bool
) -> None:
    """On a slow phone the server-rendered form shows before the app's scripts have run; pressing Sign
    in then must not make the browser send the form itself (a GET with the password in the address,
    the page reloaded empty): the press is held and counts once the page is ready. Also in a browser
    without `requestSubmit` (Safari before 16)."""
    if without_request_submit:
        page.add_init_script("delete HTMLFormElement.prototype.requestSubmit;")
    email = unique_email("early")
    create_account(server, email, "Early Presser")
    addresses: list[str] = []
    page.on("request", lambda request: addresses.append(request.url))
    held: list = []
    let_through: list[bool] = []

    def scripts_wait(route) -> None:  # the app's scripts wait until they are let through
        route.continue_() if let_through else held.append(route)

    page.route(re.compile(r"\.js(\?|$)"), scripts_wait)

    page.goto("/auth/sign-in", wait_until="commit")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_timeout(300)  # long enough for a native submit to have left
    assert held, "the app's scripts were held, so the page was not ready when Sign in was pressed"
    let_through.append(True)
    for route in held:
        route.continue_()

    page.wait_for_url(at_path(server, "/auth/verify"))  # signed in; the email was never verified
    expect(page.get_by_role("banner").get_by_text("Early Presser")).to_be_visible()
    assert not [address for address in addresses if "password=" in address or "email=" in address]


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


def _event_with_two_picked(page: Page, server: str, database_url: str) -> tuple[dict, str]:
    """A paid event, opened signed out with 2 Regular tickets picked and Checkout pressed; returns the
    event and the `next` the sign-in page was given."""
    owner_email = unique_email("owner")
    verified_account(server, owner_email, "Olive Organizer")
    event = seed_event(
        database_url,
        owner_email,
        pricing="paid",
        tiers=[{"name": "Regular", "price": 150000, "quantity": 30, "max_per_order": 4}],
    )
    page.goto("/auth/sign-in")  # the sign-in page's links were once computed here and never again
    expect(page.get_by_role("link", name="Create an account")).to_have_attribute("href", "/auth/sign-up")
    page.goto(f"/e/{event['short_id']}")
    expect(page.get_by_role("heading", name=event["title"], level=1)).to_be_visible()
    navbar = page.get_by_role("banner")
    here = quote(f"/e/{event['short_id']}", safe="")
    expect(navbar.get_by_role("link", name="Sign in")).to_have_attribute("href", f"/auth/sign-in?next={here}")
    expect(navbar.get_by_role("link", name="Sign up")).to_have_attribute("href", f"/auth/sign-up?next={here}")
    pick(page, "Regular", 2)
    page.get_by_role("button", name="Sign in and check out").click()
    page.wait_for_url(re.compile(rf"^{re.escape(server)}/auth/sign-in/?\?next="))
    next_path = parse_qs(urlsplit(page.url).query)["next"][0]
    assert next_path == f"/e/{event['short_id']}?tiers={event['tiers']['Regular']}%3A2"
    return event, next_path


def _on_the_event_with_two_picked(page: Page, server: str, event: dict) -> None:
    page.wait_for_url(re.compile(rf"^{re.escape(server)}/e/{event['short_id']}\?tiers="))
    expect(page.get_by_role("heading", name=event["title"], level=1)).to_be_visible()
    expect(page.locator("#total")).to_have_text("KES 3,000.00")
    expect(page.get_by_text("2 tickets", exact=True)).to_be_visible()
    page.get_by_role("button", name="Checkout").click()
    expect(page.get_by_text("2 tickets held for you")).to_be_visible()


def test_signing_up_mid_checkout_comes_back_to_the_event_with_the_tickets(
    page: Page, server: str, e2e_database_url: str
) -> None:
    event, next_path = _event_with_two_picked(page, server, e2e_database_url)
    carried = f"?next={quote(next_path, safe='')}"
    expect(page.get_by_role("link", name="Create an account")).to_have_attribute("href", f"/auth/sign-up{carried}")
    expect(page.get_by_role("link", name="Continue with Google")).to_have_attribute(
        "href", re.compile(re.escape(f"/api/auth/oauth/google{carried}") + "$")
    )
    page.get_by_role("link", name="Create an account").click()

    page.wait_for_url(at_path(server, "/auth/sign-up"))
    expect(page.get_by_role("link", name="Continue with Google")).to_have_attribute(
        "href", re.compile(re.escape(f"/api/auth/oauth/google{carried}") + "$")
    )
    email, name = unique_email("midway"), "Mercy Midway"
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("I agree to the Terms and the Privacy policy").check()
    page.get_by_role("button", name="Create account").click()

    page.wait_for_url(at_path(server, "/auth/verify"))
    assert parse_qs(urlsplit(page.url).query)["next"] == [next_path]
    code = re.search(r"\b(\d{6})\b", newest_email(server, email, "verification_code")["text_body"]).group(1)
    page.get_by_label("Verification code").fill(code)
    page.get_by_role("button", name="Verify email").click()

    page.wait_for_url(at_path(server, "/onboarding"))
    assert parse_qs(urlsplit(page.url).query)["next"] == [next_path]
    expect(page.get_by_role("heading", name=f"Welcome, {name}")).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    _on_the_event_with_two_picked(page, server, event)


def test_google_sign_up_mid_checkout_comes_back_to_the_event_with_the_tickets(
    page: Page, server: str, e2e_database_url: str
) -> None:
    event, next_path = _event_with_two_picked(page, server, e2e_database_url)
    page.get_by_role("button", name="Continue with Google").click()

    page.wait_for_url(re.compile(r"/api/sandbox/google/"))
    page.get_by_label("Email", exact=True).fill(unique_email("googler"))
    page.get_by_label("Name").fill("Kofi Midway")
    page.get_by_role("button", name="Continue").click()

    page.wait_for_url(at_path(server, "/onboarding"))
    assert parse_qs(urlsplit(page.url).query)["next"] == [next_path]
    expect(page.get_by_role("heading", name="Welcome, Kofi Midway")).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    _on_the_event_with_two_picked(page, server, event)
