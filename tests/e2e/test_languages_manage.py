"""The event manage page in Kiswahili and French in a real browser (#23 §1): an organizer who reads
the site in Kiswahili sees the page's tab title, header actions and tabs in Kiswahili, creates a
discount code on the Codes tab (its field error, toast and row in Kiswahili too); one
who reads it in French adds a check-in list and a checkout question and reads their toasts in French."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import unique_email
from tests.e2e.test_checkout import seed_event
from tests.e2e.test_workspaces import signed_in, toast, verified_account

pytestmark = pytest.mark.e2e


def organizer_on_manage_page(new_page, server: str, database_url: str, language: str, name: str) -> Page:
    """A verified organizer whose browser reads the site in `language`, on their published event's
    manage page."""
    email = unique_email("manage")
    page = signed_in(new_page, server, verified_account(server, email, name))
    page.context.add_cookies([{"name": "ep_lang", "value": language, "url": server}])
    event = seed_event(
        database_url, email, pricing="paid", tiers=[{"name": "Regular", "price": 150000, "quantity": 30}]
    )
    page.goto(f"/workspace/{event['workspace_id']}/events/{event['short_id']}")
    return page


def test_organizer_creates_a_code_on_the_manage_page_in_kiswahili(new_page, server: str, e2e_database_url: str) -> None:
    page = organizer_on_manage_page(new_page, server, e2e_database_url, "sw", "Neema Mwakasege")

    expect(page.get_by_role("tab", name="Maelezo")).to_have_attribute("aria-selected", "true")
    expect(page).to_have_title("Simamia tukio · EventPalour")
    expect(page.get_by_role("button", name="Ficha")).to_be_visible()
    expect(page.get_by_role("button", name="Nakili tukio")).to_be_visible()
    expect(page.get_by_role("link", name="Tazama ukurasa wa umma")).to_be_visible()
    expect(page.get_by_role("heading", name="Nani anaweza kununua")).to_be_visible()
    expect(page.get_by_role("button", name="Hifadhi mabadiliko")).to_be_visible()
    for tab in ("Tiketi", "Oda", "Matangazo", "Maswali", "Rudia", "Orodha za kuingia"):
        expect(page.get_by_role("tab", name=tab)).to_be_visible()

    page.get_by_role("tab", name="Misimbo").click()
    expect(page.get_by_text("Bado hakuna misimbo.", exact=False)).to_be_visible()
    page.get_by_role("button", name="Msimbo mpya").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading", name="Msimbo mpya")).to_be_visible()
    expect(dialog.get_by_role("combobox", name="Aina ya punguzo")).to_have_text("Asilimia ya punguzo")
    dialog.get_by_label("Msimbo", exact=True).fill("x")
    dialog.get_by_label("Asilimia ya punguzo").fill("50")
    dialog.get_by_role("button", name="Hifadhi msimbo").click()
    expect(page.locator("#code-code-error")).to_have_text("Msimbo una herufi 3 hadi 32.")  # the service's refusal
    dialog.get_by_label("Msimbo", exact=True).fill("nusu")
    dialog.get_by_label("Matumizi yote").fill("10")
    dialog.get_by_role("button", name="Hifadhi msimbo").click()
    expect(toast(page, "Msimbo NUSU umehifadhiwa.")).to_be_visible()
    row = page.get_by_test_id("code-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("NUSU")
    expect(row).to_contain_text("Punguzo la 50%")
    expect(row).to_contain_text("Tiketi zote")
    expect(row).to_contain_text("0 kati ya 10")
    expect(row).to_contain_text("Wakati wote")  # no validity window
    expect(row.get_by_text("Inatumika", exact=True)).to_be_visible()  # its status
    expect(page.get_by_role("columnheader", name="Hali")).to_be_visible()

    row.get_by_role("button", name="Zima NUSU").click()
    expect(toast(page, "Msimbo NUSU umezimwa.")).to_be_visible()
    expect(row.get_by_text("Haitumiki", exact=True)).to_be_visible()
    expect(row.get_by_role("button", name="Washa NUSU")).to_be_visible()


def test_organizer_adds_a_check_in_list_and_a_question_in_french(new_page, server: str, e2e_database_url: str) -> None:
    page = organizer_on_manage_page(new_page, server, e2e_database_url, "fr", "Aïssatou Ndiaye")
    expect(page).to_have_title("Gérer l'événement · EventPalour")

    page.get_by_role("tab", name="Listes d'entrée").click()
    page.get_by_role("button", name="Ajouter une liste d'entrée").click()
    expect(page.get_by_role("heading", name="Nouvelle liste d'entrée")).to_be_visible()
    page.get_by_label("Nom de la liste").fill("Salon VIP")
    page.get_by_role("button", name="Enregistrer la liste").click()
    expect(toast(page, "Liste d'entrée enregistrée.")).to_be_visible()
    expect(page.get_by_role("heading", name="Salon VIP", level=4)).to_be_visible()
    expect(page.get_by_text("0 sur 0 billet admis").first).to_be_visible()
    expect(page.get_by_role("button", name="Modifier Salon VIP")).to_be_visible()

    page.get_by_role("tab", name="Questions").click()
    expect(page.get_by_text("Aucune question pour l'instant.", exact=False)).to_be_visible()
    page.get_by_role("button", name="Nouvelle question").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Question", exact=True).fill("Votre taille de t-shirt")
    dialog.get_by_role("button", name="Enregistrer la question").click()
    expect(toast(page, "Question enregistrée.")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Votre taille de t-shirt")
    expect(row).to_contain_text("Facultatif")
    expect(row.get_by_role("button", name="Modifier Votre taille de t-shirt")).to_be_visible()
