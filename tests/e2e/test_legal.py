"""Policies in a real browser (issue #20 §4): the footer reaches each policy page, which shows the
server's configured name, company and support address and the version; sign-up needs the agreement
box ticked; the Google button and the checkout say what continuing and buying agree to."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    E2E_LEGAL_ENTITY,
    E2E_PLATFORM_NAME,
    E2E_SUPPORT_EMAIL,
    PASSWORD,
    at_path,
    unique_email,
)
from tests.e2e.test_checkout import pick, seed_event
from tests.e2e.test_workspaces import verified_account

pytestmark = pytest.mark.e2e

POLICIES = (
    ("Terms of service", "/legal/terms"),
    ("Privacy policy", "/legal/privacy"),
    ("Refund policy", "/legal/refund-policy"),
    ("Events policy", "/legal/events-policy"),
    ("Acceptable use policy", "/legal/acceptable-use"),
)
AGREEMENT = "I agree to the Terms and the Privacy policy"


def test_footer_links_open_each_policy_with_the_configured_identity(page: Page, server: str) -> None:
    page.goto("/events")
    for title, path in POLICIES:
        footer = page.get_by_role("contentinfo")
        expect(footer).to_contain_text(f"© {E2E_LEGAL_ENTITY} · {E2E_PLATFORM_NAME}")
        footer.get_by_role("link", name=title, exact=True).click()

        page.wait_for_url(at_path(server, path))
        main = page.get_by_role("main")
        expect(main.get_by_role("heading", name=title, level=1)).to_be_visible()
        expect(page).to_have_title(f"{title} · {E2E_PLATFORM_NAME}")
        expect(main.get_by_text("Version of 6 December 2026")).to_be_visible()
        expect(main).to_contain_text(f"{E2E_PLATFORM_NAME} is run by {E2E_LEGAL_ENTITY}.")
        expect(main.get_by_role("link", name=E2E_SUPPORT_EMAIL)).to_have_attribute(
            "href", f"mailto:{E2E_SUPPORT_EMAIL}"
        )
        expect(main).not_to_contain_text("support@eventpalour.demo")
    expect(page.get_by_role("contentinfo").get_by_role("link", name=E2E_SUPPORT_EMAIL)).to_be_visible()


def test_sign_up_needs_the_agreement_ticked(page: Page, server: str) -> None:
    email = unique_email("terms")
    page.goto("/auth/sign-up")
    main = page.get_by_role("main")
    expect(main.get_by_text("By continuing with Google you agree to the Terms and the Privacy policy.")).to_be_visible()
    expect(main.get_by_role("link", name="Privacy policy").first).to_have_attribute("href", "/legal/privacy")
    page.get_by_label("Full name").fill("Terry Terms")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    box = page.get_by_label(AGREEMENT)
    expect(main.get_by_role("alert").filter(has_text="Tick the box to agree")).to_be_visible()
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(page).to_have_url(at_path(server, "/auth/sign-up"))

    box.check()
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(at_path(server, "/auth/verify"))  # the same email: nothing was created the first time
    expect(page.get_by_text(f"We sent a 6-digit code to {email}")).to_be_visible()


def test_checkout_says_what_buying_agrees_to(new_page, server: str, e2e_database_url: str) -> None:
    owner_email = unique_email("owner")
    verified_account(server, owner_email, "Olive Organizer")
    event = seed_event(
        e2e_database_url,
        owner_email,
        pricing="paid",
        tiers=[{"name": "Regular", "price": 150000, "quantity": 30, "max_per_order": 4}],
    )
    page = new_page()
    page.goto(f"/e/{event['short_id']}")
    pick(page, "Regular", 1)

    expect(page.get_by_text("By buying you agree to the Terms and the Refund policy.")).to_be_visible()
    link = page.get_by_role("main").get_by_role("link", name="Refund policy", exact=True)
    expect(link).to_have_attribute("href", "/legal/refund-policy")
    # It opens beside the checkout (the picked tickets stay), on the policy itself.
    with page.context.expect_page() as opened:
        link.click()
    policy = opened.value
    policy.wait_for_url(at_path(server, "/legal/refund-policy"))
    expect(policy.get_by_role("main").get_by_role("heading", name="Refund policy", level=1)).to_be_visible()


def test_a_french_reader_reads_the_policies_in_french(new_page, server: str) -> None:
    """#23 §1: the policy's body, its date and its tab title in the reader's language, the deployment's
    name, company and address filled into the French sentences; an admin page's served tab title too."""
    page = new_page(locale="fr-SN")
    page.goto("/legal/terms")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="Conditions d'utilisation", level=1)).to_be_visible()
    expect(page).to_have_title(f"Conditions d'utilisation · {E2E_PLATFORM_NAME}")
    expect(main.get_by_text("Version du 6 décembre 2026")).to_be_visible()
    expect(main.get_by_role("heading", name="1. Qui sommes-nous", level=2)).to_be_visible()
    expect(main).to_contain_text(
        f"{E2E_PLATFORM_NAME} est exploité par {E2E_LEGAL_ENTITY} (« nous »). Vous pouvez nous écrire à "
        f"{E2E_SUPPORT_EMAIL} pour toute question sur les présentes Conditions."
    )
    expect(main).not_to_contain_text("These Terms are the agreement")

    main.get_by_role("link", name="Politique de confidentialité").click()
    page.wait_for_url(at_path(server, "/legal/privacy"))
    expect(main.get_by_role("heading", name="Politique de confidentialité", level=1)).to_be_visible()
    expect(main).to_contain_text("ep_session : vous garde connecté (HttpOnly, 30 jours")

    with httpx.Client(base_url=server, cookies={"ep_lang": "sw"}, follow_redirects=True, timeout=10) as client:
        served = client.get("/admin/users", headers={"Accept": "text/html"}).text
    assert f"<title>Usimamizi · Watumiaji · {E2E_PLATFORM_NAME}</title>" in served
