"""Kiswahili and French in a real browser (#23 §1): a visitor whose browser asks for Kiswahili signs up,
verifies, buys two tickets through the Paystack sandbox and finds them under "Tiketi zangu", reading
every step in Kiswahili, and the API and the emails answer that account in Kiswahili too; the footer's
switcher then turns the site to French and the account keeps it. A French browser walks /events, the
404 page, the account page, and a purchase to its success page and order history in French."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, text

from tests.e2e.conftest import PASSWORD, at_path, newest_email, unique_email
from tests.e2e.test_checkout import seed_event
from tests.e2e.test_workspaces import verified_account

pytestmark = pytest.mark.e2e


def switch_to_french(page: Page) -> None:
    """The footer's switcher, as a reader uses it. The choice reloads the page (so the server's texts
    follow); the texts turn French a moment before, so the test waits for that reload, which would
    otherwise interrupt its next navigation."""
    page.get_by_role("combobox", name="Language · Lugha · Langue").click()
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("option", name="Français").click()


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
    # A tier's sale badge is said on the page, though the event's data is shared by every visitor.
    expect(page.get_by_text("Zinauzwa", exact=True).first).to_be_visible()
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
    # Each card's status badge is said of one ticket ("ticket status" context).
    expect(page.get_by_text("Halali", exact=True)).to_have_count(2)

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
    switch_to_french(page)
    expect(page.get_by_role("heading", name="Mes billets", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="À venir")).to_be_visible()
    assert account_language(e2e_database_url, email) == "fr"


def test_a_french_browser_walks_events_404_account_and_a_purchase(new_page, server: str, e2e_database_url: str) -> None:
    owner_email = unique_email("organisatrice")
    verified_account(server, owner_email, "Awa Organizer")
    event = seed_event(
        e2e_database_url,
        owner_email,
        pricing="paid",
        tiers=[{"name": "Standard", "price": 150000, "quantity": 30, "max_per_order": 4}],
    )
    buyer_email = unique_email("awa")
    cookie = verified_account(server, buyer_email, "Awa Ndiaye")
    # A French browser (Accept-Language: fr-SN): its first page load sets the language cookie.
    page = new_page(locale="fr-SN")
    page.context.add_cookies([{"name": "ep_session", "value": cookie, "url": server}])

    # /events: the heading, the search, its count and its empty state.
    page.goto("/events")
    expect(page.get_by_role("heading", name="Découvrir des événements", level=1)).to_be_visible()
    expect(page.locator("#events-count")).to_have_text(re.compile(r"^\d[\d\u202f\u00a0 ,]*\+? événements?$"))
    page.get_by_role("searchbox", name="Rechercher des événements").fill("zzzxqaucunresultat")
    page.get_by_role("button", name="Rechercher", exact=True).click()
    expect(page.get_by_role("heading", name="Aucun événement ne correspond")).to_be_visible()
    expect(page.get_by_text("Essayez d'autres mots, une autre ville ou moins de filtres.")).to_be_visible()
    expect(page.get_by_role("button", name="Effacer les filtres")).to_be_visible()

    # The 404 page.
    page.goto("/cette-page-n-existe-pas")
    expect(page.get_by_role("heading", name="Page introuvable")).to_be_visible()
    expect(page.get_by_role("link", name="Aller à l'accueil")).to_be_visible()

    # The account page: its sections, labels and a refusal in French.
    page.goto("/account")
    expect(page.get_by_role("heading", name="Votre compte", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Profil")).to_be_visible()
    expect(page.get_by_role("heading", name="Connexion en deux étapes")).to_be_visible()
    page.get_by_label("Nouveau mot de passe", exact=True).fill(PASSWORD + "x")
    page.get_by_label("Confirmer le nouveau mot de passe").fill(PASSWORD + "y")
    page.get_by_role("button", name="Changer le mot de passe").click()
    expect(page.locator("#field-confirm_password-error")).to_have_text("Les deux mots de passe ne correspondent pas.")

    # A purchase: the price breakdown, then the success page, in French with French money.
    page.goto(f"/e/{event['short_id']}")
    expect(page.get_by_role("heading", name=event["title"], level=1)).to_be_visible()
    # The refund policy, worded for this reader although the page data is shared by every visitor.
    expect(page.get_by_role("note", name="Politique de remboursement")).to_contain_text("Pas de remboursement.")
    page.get_by_role("button", name="Ajouter un billet Standard").click()
    breakdown = page.get_by_label("Détail du prix")
    expect(breakdown).to_contain_text("Billets × 1")
    expect(page.locator("#total")).to_have_text(re.compile(r"^1[\u202f\u00a0 ]500,00[\u202f\u00a0 ]KES$"))
    page.get_by_role("button", name="Passer au paiement").click()
    expect(page.get_by_role("timer", name="Temps restant pour payer")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^Payer 1[\u202f\u00a0 ]500,00[\u202f\u00a0 ]KES$")).click()
    page.get_by_role("button", name="Pay", exact=True).click()  # the sandbox's own page, as Paystack's
    page.wait_for_url(re.compile(rf"^{re.escape(server)}/checkout/return/?\?"))
    expect(page.get_by_role("heading", name="C'est confirmé, vous y allez !")).to_be_visible()
    expect(page.get_by_text("Paiement reçu. Vos billets sont prêts.")).to_be_visible()
    expect(page.get_by_test_id("ticket")).to_have_count(1)

    # The order history: its status and price lines in French.
    page.goto("/account/orders")
    expect(page.get_by_role("heading", name="Vos commandes", level=1)).to_be_visible()
    expect(page.get_by_text("Payée", exact=True)).to_be_visible()
    price = page.get_by_label("Prix de la commande")
    expect(price).to_contain_text("Billets × 1")
    expect(price).to_contain_text("Total")


def test_tab_titles_follow_the_readers_language_served_and_after_navigating(new_page, server: str) -> None:
    # The served HTML (before any script): the cookie's language, else Accept-Language's. (A client
    # with a cookie jar: /events answers with a redirect to /events/, and a Cookie header is not resent.)
    def served(path: str, language: str | None = None, **headers: str) -> httpx.Response:
        cookies = {"ep_lang": language} if language else {}
        with httpx.Client(base_url=server, cookies=cookies, follow_redirects=True, timeout=10) as client:
            return client.get(path, headers={"Accept": "text/html", **headers})

    assert "<title>Découvrir des événements · EventPalour</title>" in served("/events", "fr").text
    first_visit = served("/tickets", **{"Accept-Language": "sw-KE,sw;q=0.9"})
    assert "<title>Tiketi zangu · EventPalour</title>" in first_visit.text
    missing = served("/hakuna-ukurasa-huu", "sw")
    assert missing.status_code == 404
    assert "<title>Ukurasa haupatikani · EventPalour</title>" in missing.text
    assert "<title>Discover events · EventPalour</title>" in served("/events", "en").text

    # In the browser: the French page's tab, then another page reached without a page load.
    page = new_page(locale="fr-SN")
    page.goto("/events")
    expect(page.get_by_role("heading", name="Découvrir des événements", level=1)).to_be_visible()
    expect(page).to_have_title("Découvrir des événements · EventPalour")
    page.get_by_role("link", name="Se connecter").first.click()
    page.wait_for_url(re.compile(rf"^{re.escape(server)}/auth/sign-in"))
    expect(page).to_have_title("Se connecter · EventPalour")
    page.go_back()
    expect(page).to_have_title("Découvrir des événements · EventPalour")
