"""French in a real browser for the organizer's and the admin's pages (#23 §1): an organizer switches
the site to French in the footer and walks the workspace dashboard, members (an invitation refused
with its field error in French, then one sent) and settings; a platform admin reads the admin
dashboard and users pages in French, down to a status change's field error and toast."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import unique_email
from tests.e2e.test_languages import account_language, switch_to_french
from tests.e2e.test_workspaces import organizer_with_workspace, stat, super_admin, toast, verified_account

pytestmark = pytest.mark.e2e


def test_organizer_walks_the_workspace_in_french(new_page, server: str, e2e_database_url: str) -> None:
    workspace_name = f"Dakar Sons {uuid.uuid4().hex[:6]}"
    page, email, workspace_id = organizer_with_workspace(new_page, server, "Awa Diop", workspace_name)

    switch_to_french(page)
    tabs = page.get_by_role("navigation", name="Espace de travail")
    expect(tabs.get_by_role("link", name="Tableau de bord")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("heading", name="Tableau de bord", level=2)).to_be_visible()
    expect(page.get_by_role("heading", name="Événements à venir")).to_be_visible()
    expect(page.get_by_text("Aucun événement à venir")).to_be_visible()
    expect(stat(page, "Votre rôle")).to_contain_text("Propriétaire")
    expect(stat(page, "Vérification pour les versements")).to_contain_text("Non commencé")
    expect(page.get_by_text("1 membre · depuis le")).to_be_visible()
    expect(page.get_by_role("link", name="Nouvel événement")).to_be_visible()
    assert account_language(e2e_database_url, email) == "fr"

    # Members: a mistyped address is refused under its field, in French, and kept as typed.
    tabs.get_by_role("link", name="Membres").click()
    expect(page.get_by_role("heading", name="Inviter des personnes")).to_be_visible()
    page.get_by_label("E-mail 1").fill("pas-une-adresse")
    page.get_by_role("button", name="Envoyer les invitations").click()
    expect(
        page.get_by_role("alert").filter(has_text="Saisissez une adresse e-mail valide, comme nom@example.com.")
    ).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text="Vérifiez l'adresse signalée ci-dessous.")).to_be_visible()
    expect(page.get_by_label("E-mail 1")).to_have_value("pas-une-adresse")
    expect(page.get_by_label("E-mail 1")).to_have_attribute("aria-invalid", "true")

    guest = unique_email("invite")
    page.get_by_label("E-mail 1").fill(guest)
    expect(page.get_by_label("E-mail 1")).to_have_attribute("aria-invalid", "false")
    page.get_by_role("combobox", name="Rôle 1").click()
    page.get_by_role("option", name="modérateur").click()
    expect(page.get_by_role("combobox", name="Rôle 1")).to_have_text("modérateur")
    page.get_by_role("button", name="Envoyer les invitations").click()
    expect(toast(page, "1 invitation envoyée.")).to_be_visible()
    expect(page.get_by_text("Invité comme modérateur par Awa Diop · expire le")).to_be_visible()
    expect(page.get_by_role("button", name=f"Révoquer l'invitation à {guest}")).to_be_visible()
    expect(page.get_by_role("button", name="Quitter l'espace de travail")).to_have_count(0)  # the owner stays

    # Settings: the form's sections and labels, and a save's toast.
    tabs.get_by_role("link", name="Paramètres").click()
    expect(page.get_by_role("heading", name="Général")).to_be_visible()
    expect(page.get_by_role("heading", name="Zone de danger")).to_be_visible()
    page.get_by_label("Nom de l'espace de travail", exact=True).fill(f"{workspace_name} Live")
    page.get_by_role("button", name="Enregistrer les paramètres").click()
    expect(toast(page, "Paramètres enregistrés.")).to_be_visible()
    expect(page.get_by_role("heading", name=f"{workspace_name} Live", level=1)).to_be_visible()
    assert workspace_id in page.url


def test_admin_reads_the_dashboard_and_users_in_french(new_page, server: str) -> None:
    email, name = unique_email("compte"), f"Moussa Traoré {uuid.uuid4().hex[:4]}"
    verified_account(server, email, name)
    admin = super_admin(new_page, server)
    admin.context.add_cookies([{"name": "ep_lang", "value": "fr", "url": server}])

    admin.goto("/admin")
    expect(admin.get_by_role("heading", name="Tableau de bord", level=1)).to_be_visible()
    sections = admin.get_by_role("navigation", name="Sections d'administration")
    expect(sections.get_by_role("link", name="Journal d'audit")).to_be_visible()
    expect(admin.get_by_text("Nouveaux utilisateurs (7 jours)")).to_be_visible()
    expect(admin.get_by_role("heading", name="Revenus par devise")).to_be_visible()

    sections.get_by_role("link", name="Utilisateurs").click()
    expect(admin.get_by_role("heading", name="Utilisateurs", level=1)).to_be_visible()
    expect(admin.get_by_role("combobox", name="Type de compte")).to_have_text("tout type")
    admin.get_by_label("Rechercher des utilisateurs").fill(email)
    admin.get_by_role("button", name="Rechercher").click()
    expect(admin.get_by_role("columnheader", name="Dernière connexion")).to_be_visible()
    expect(admin.get_by_role("row").filter(has_text=email)).to_contain_text("non choisi")  # no account type yet
    expect(admin.get_by_role("row").filter(has_text=email)).to_contain_text("actif")  # the status badge
    admin.get_by_role("button", name=f"Détails de {email}").click()
    dialog = admin.get_by_role("dialog")
    expect(dialog.get_by_text(name)).to_be_visible()
    expect(dialog.get_by_role("heading", name="Derniers billets")).to_be_visible()
    dialog.get_by_role("button", name="Suspendre").click()
    dialog.get_by_role("button", name="Suspendre").click()  # no reason yet
    expect(dialog.get_by_text("Indiquez un motif ; il est conservé dans le journal d'audit.")).to_be_visible()
    dialog.get_by_label("Suspendre — motif (conservé dans le journal d'audit)").fill("Fraude à la carte")
    dialog.get_by_role("button", name="Suspendre").click()
    expect(toast(admin, f"{email} suspendu et déconnecté.")).to_be_visible()
