"""Kiswahili and French in a real browser (#23 §1): a visitor whose browser asks for Kiswahili signs up,
verifies, buys two tickets through the Paystack sandbox and finds them under "Tiketi zangu", reading
every step in Kiswahili, and the API and the emails answer that account in Kiswahili too; the footer's
switcher then turns the site to French and the account keeps it. A French browser walks /events, the
404 page, the account page, and a purchase to its success page and order history in French."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from tests.e2e.conftest import PASSWORD, at_path, newest_email, unique_email
from tests.e2e.test_checkout import seed_event
from tests.e2e.test_workspaces import verified_account

pytestmark = pytest.mark.e2e


def account_language(database_url: str, email: str) -> str | None:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            query = text("SELECT language FROM users WHERE email = :email AND NOT is_guest")
            return connection.execute(query, {"email": email}).scalar_one()
    finally:
        engine.dispose()


def test_sign_up_buy_and_see_the_tickets_in_kiswahili(new_page, server: str, e2e_database_url: str) -> None:
    owner_email = unique_email("mwandaaji")
    verified_account(server, owner_email, "Olive Organizer")
    event = seed_event(
        e2e_database_url,
        owner_email,
        pricing="paid",
        tiers=[{"name": "Regular", "price": 150000, "quantity": 30, "max_per_order": 4}],
    )
    # The browser asks for Kiswahili first (Accept-Language: sw-KE): the first page load picks it.
    page = new_page(locale="sw-KE")
    email, name = unique_email("amina"), "Amina Wanjiru"

    page.goto("/auth/sign-up")
    expect(page.get_by_role("heading", name="Fungua akaunti yako")).to_be_visible()
    page.get_by_label("Jina kamili").fill(name)
    page.get_by_label("Barua pepe").fill(email)
    page.get_by_label("Nenosiri").fill(PASSWORD)
    page.get_by_role("button", name="Fungua akaunti").click()
    # Refused in Kiswahili too: the terms box was not ticked.
    expect(page.locator("#field-accept_terms-error")).to_have_text(
        "Weka alama kwenye kisanduku ili ukubali Masharti na Sera ya faragha."
    )
    page.get_by_label("Nenosiri").fill(PASSWORD)
    page.get_by_label("Ninakubali Masharti na Sera ya faragha").check()
    page.get_by_role("button", name="Fungua akaunti").click()

    page.wait_for_url(at_path(server, "/auth/verify"))
    expect(page.get_by_role("heading", name="Angalia barua pepe yako")).to_be_visible()
    expect(page.get_by_text(f"Tumetuma msimbo wa tarakimu 6 kwa {email}")).to_be_visible()
    code = re.search(r"\b(\d{6})\b", newest_email(server, email, "verification_code")["text_body"]).group(1)
    page.get_by_label("Msimbo wa uthibitisho").fill(code)
    page.get_by_role("button", name="Thibitisha barua pepe").click()

    page.wait_for_url(at_path(server, "/onboarding"))
    expect(page.get_by_role("heading", name=f"Karibu, {name}")).to_be_visible()
    page.get_by_role("radio", name="Ninahudhuria matukio").click()
    page.get_by_role("button", name="Endelea").click()
    page.wait_for_url(lambda url: "/onboarding" not in url)

    page.goto(f"/e/{event['short_id']}")
    expect(page.get_by_role("heading", name=event["title"], level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Tiketi", exact=True)).to_be_visible()
    for _ in range(2):
        page.get_by_role("button", name="Ongeza tiketi moja ya Regular").click()
    page.get_by_role("button", name="Endelea kulipa").click()
    expect(page.get_by_role("timer", name="Muda uliobaki wa kulipa")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^Lipa KES 3,000\.00$")).click()

    page.get_by_role("button", name="Pay", exact=True).click()  # the sandbox's own page, as Paystack's
    page.wait_for_url(re.compile(rf"^{re.escape(server)}/checkout/return/?\?"))
    expect(page.get_by_role("heading", name="Utahudhuria!")).to_be_visible()
    expect(page.get_by_text("Malipo yamepokelewa. Tiketi zako ziko tayari.")).to_be_visible()
    expect(page.get_by_test_id("ticket")).to_have_count(2)
    # The tickets' email speaks the language the account was made in.
    confirmation = newest_email(server, email, "order_confirmation")
    assert confirmation["subject"] == f"Tiketi zako za {event['title']}"
    assert "tiketi 2 · KES 3,000.00" in confirmation["text_body"]

    page.goto("/tickets")
    expect(page.get_by_role("heading", name="Tiketi zangu", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Zinazokuja")).to_be_visible()
    full_screen = re.compile(r"^Onyesha mlangoni: tiketi [A-Z2-9]{8}$")  # "Show at the door: ticket …"
    expect(page.get_by_role("button", name=full_screen)).to_have_count(2)

    # The API answers this buyer's request in Kiswahili (the status and the field path as ever), and
    # the password reset email follows the account's language.
    too_many = page.request.post(
        f"{server}/api/checkout/orders",
        data={"event_id": event["id"], "quantities": {event["tiers"]["Regular"]: 5}},
        headers={"accept-language": "sw-KE,sw;q=0.9"},
    )
    assert too_many.status == 400
    assert too_many.json()["error"] == "Regular: zisizozidi 4 kwa oda moja."
    assert too_many.json()["details"][0]["path"] == ["quantities", event["tiers"]["Regular"]]
    httpx.post(f"{server}/api/auth/password/forgot", json={"email": email}, timeout=10).raise_for_status()
    reset = newest_email(server, email, "password_reset")
    assert reset["subject"] == "Weka upya nenosiri lako la EventPalour"
    assert reset["text_body"].startswith(f"Habari {name},")
    assert "Fungua kiungo hiki ndani ya saa moja" in reset["text_body"]

    # The footer's switcher: French from now on, on this browser and on the account.
    expect(page.get_by_role("button", name="Menyu ya akaunti")).to_be_visible()
    page.get_by_role("combobox", name="Language · Lugha · Langue").click()
    page.get_by_role("option", name="Français").click()
    expect(page.get_by_role("heading", name="Mes billets", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="À venir")).to_be_visible()
    assert account_language(e2e_database_url, email) == "fr"
