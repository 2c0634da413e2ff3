"""The organizer's event pages in a real browser in French and Kiswahili (#23 §1): an organizer who reads
the site in French creates an event through the creator (its steps, labels, a past start refused under
its field in French, the first tier named in French, the saved draft's toast), and door staff reading
in Kiswahili open the scanner and check a ticket in (the result's headline and the counters in
Kiswahili)."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.test_events import field_group, local
from tests.e2e.test_languages import account_language, switch_to_french
from tests.e2e.test_tickets import door_setup
from tests.e2e.test_workspaces import organizer_with_workspace, toast

pytestmark = pytest.mark.e2e


def test_a_french_organizer_creates_an_event_through_the_creator(new_page, server: str, e2e_database_url: str) -> None:
    tag = uuid.uuid4().hex[:6]
    title = f"Nuit du Mbalax {tag}"
    page, email, workspace_id = organizer_with_workspace(new_page, server, "Awa Ndiaye", f"Sabar Club {tag}")
    switch_to_french(page)
    expect(page.get_by_role("link", name="Nouvel événement")).to_be_visible()
    assert account_language(e2e_database_url, email) == "fr"

    page.goto(f"/workspace/{workspace_id}/events/new")
    expect(page.get_by_role("heading", name="Créer un événement", level=2)).to_be_visible()
    expect(page.get_by_role("button", name="1. Détails")).to_have_attribute("aria-current", "step")
    page.get_by_label("Titre", exact=True).fill(title)
    page.get_by_label("Description", exact=True).fill("Une soirée de mbalax sur le toit, entre amis.")
    page.get_by_label("Catégorie", exact=True).select_option("Music")
    page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_role("status").filter(has_text="Brouillon enregistré le")).to_be_visible()
    expect(page.get_by_role("button", name="2. Quand")).to_have_attribute("aria-current", "step")

    # A start in the past is refused on its own step, under its field, in French.
    yesterday = (datetime.now() - timedelta(days=1)).replace(second=0, microsecond=0)
    page.get_by_label("Début", exact=True).fill(local(yesterday))
    page.get_by_label("Fin", exact=True).fill(local(yesterday + timedelta(hours=3)))
    page.get_by_role("button", name="Suivant").click()
    expect(field_group(page, "Début").get_by_role("alert")).to_have_text("Choisissez une heure de début dans le futur.")
    expect(page.get_by_label("Début", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("button", name="2. Quand")).to_have_attribute("aria-current", "step")

    starts = (datetime.now() + timedelta(days=6)).replace(hour=20, minute=0, second=0, microsecond=0)
    page.get_by_label("Début", exact=True).fill(local(starts))
    page.get_by_label("Fin", exact=True).fill(local(starts + timedelta(hours=4)))
    page.get_by_label("Fin", exact=True).blur()
    expect(field_group(page, "Début").get_by_role("alert")).to_have_count(0)
    page.get_by_role("button", name="Suivant").click()

    expect(page.get_by_role("button", name="3. Où")).to_have_attribute("aria-current", "step")
    expect(page.get_by_text("Où a-t-il lieu ?")).to_be_visible()
    expect(page.get_by_role("radio", name="En présentiel")).to_be_checked()
    page.get_by_label("Lieu", exact=True).fill("Just 4 U")
    page.get_by_label("Ville", exact=True).fill("Dakar")
    page.get_by_label("Pays", exact=True).fill("Sénégal")
    page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_text("Tarifs", exact=True)).to_be_visible()
    expect(page.get_by_role("radio", name="Gratuit")).to_be_checked()
    page.get_by_role("button", name="Suivant").click()

    # The first tier of a free event is named as a French organizer would name it.
    expect(page.get_by_role("heading", name="Billet 1", level=3)).to_be_visible()
    expect(page.get_by_label("Nom du billet")).to_have_value("Entrée générale")
    page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_role("button", name="Ajouter un partenaire")).to_be_visible()

    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(toast(page, "Brouillon enregistré. Relisez-le et publiez-le quand vous êtes prêt.")).to_be_visible()
    page.wait_for_url(re.compile(rf"/workspace/{workspace_id}/events/(?!new/?$)\w+/?$"))


def test_door_staff_scan_a_ticket_in_kiswahili(new_page, server: str, e2e_database_url: str) -> None:
    staff, event, issued = door_setup(new_page, server, e2e_database_url, holders=1)
    staff.context.add_cookies([{"name": "ep_lang", "value": "sw", "url": server}])

    staff.goto(f"/scan/{event['short_id']}")
    expect(staff.get_by_role("heading", name=event["title"], level=1)).to_be_visible()
    expect(staff.get_by_text("Skana ya mlangoni")).to_be_visible()
    counters = staff.get_by_label("Vihesabu vya mlangoni")
    expect(counters).to_contain_text("0 / 1 zimeuzwa")

    staff.get_by_label("Msimbo wa tiketi").fill(issued[0]["code"])
    staff.get_by_role("button", name="Ingiza", exact=True).click()
    result = staff.get_by_test_id("scan-result")
    expect(result).to_have_attribute("data-result", "ok")
    # The headline is said of the one person scanned ("scan result" context), not as the counters'
    # "Wameingia" (the people checked in).
    expect(result.get_by_role("heading", level=2)).to_have_text("Ameingia")
    expect(counters).to_contain_text("1 / 1 zimeuzwa")
    # The handler clears the field after showing the result (a queued event): type once it has, or
    # the clearing can wipe the second code before Ingiza sends it.
    expect(staff.get_by_label("Msimbo wa tiketi")).to_have_value("")

    staff.get_by_label("Msimbo wa tiketi").fill(issued[0]["code"])
    staff.get_by_role("button", name="Ingiza", exact=True).click()
    expect(result).to_have_attribute("data-result", "already_used")
    expect(result.get_by_role("heading", level=2)).to_have_text("Imeshatumika")
