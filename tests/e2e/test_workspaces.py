"""Workspaces in a real browser: creating one with a logo, inviting people (existing and new), roles, settings.

Accounts are made through the API (faster than the forms); everything the tests check happens in the browser.
The helpers at the top are shared with test_events.py.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import httpx
import pytest
from PIL import Image
from playwright.sync_api import Locator, Page, expect

from eventpalour.integrations.tls import outbound_tls
from tests.e2e.conftest import (
    PASSWORD,
    at_path,
    create_account,
    enable_two_factor_api,
    newest_email,
    sign_in_api,
    sign_in_two_factor_api,
    unique_email,
)

pytestmark = pytest.mark.e2e

SUPER_ADMIN = "boss@eventpalour.test"
WORKSPACE_URL = re.compile(r"/workspace/([^/?#]+)/?(\?.*)?$")


# --- helpers (also used by test_events.py) ----------------------------------------------------------


def code_in(server: str, email: str) -> str:
    """The 6-digit code of the newest verification email to `email`."""
    return re.search(r"\b(\d{6})\b", newest_email(server, email, "verification_code")["text_body"]).group(1)


def verify_api(server: str, cookie: str, email: str) -> None:
    response = httpx.post(
        f"{server}/api/auth/verify",
        json={"code": code_in(server, email)},
        headers={"Cookie": f"ep_session={cookie}"},
        timeout=10,
        verify=outbound_tls(),
    )
    assert response.status_code == 200, response.text


def verified_account(server: str, email: str, full_name: str) -> str:
    """A new, verified account (through the API); returns its session cookie."""
    cookie = create_account(server, email, full_name)
    verify_api(server, cookie, email)
    return cookie


def signed_in(new_page, server: str, cookie: str) -> Page:
    """A page in a fresh browser context that carries this session cookie."""
    page = new_page()
    page.context.add_cookies([{"name": "ep_session", "value": cookie, "url": server}])
    return page


_SUPER_ADMIN_SECRETS: dict[str, str] = {}  # per server: the super admin's authenticator secret
_SUPER_ADMIN_SESSIONS: dict[str, str] = {}  # per server: a session of theirs that passed two-factor


def _still_signed_in(server: str, cookie: str | None) -> bool:
    if not cookie:
        return False
    me = httpx.get(f"{server}/api/auth/me", cookies={"ep_session": cookie}, timeout=10, verify=outbound_tls())
    return me.status_code == 200 and me.json()["secondFactorPassed"]


def super_admin(new_page, server: str) -> Page:
    """The verified super admin (the server's SUPER_ADMIN_EMAILS), created on first use with two-factor
    on, as every admin must have it; signed in with the password and a code (a session kept per server,
    since each code is accepted once)."""
    if _still_signed_in(server, _SUPER_ADMIN_SESSIONS.get(server)):
        return signed_in(new_page, server, _SUPER_ADMIN_SESSIONS[server])
    response = httpx.post(
        f"{server}/api/auth/sign-up",
        json={"email": SUPER_ADMIN, "password": PASSWORD, "fullName": "Platform Boss", "acceptTerms": True},
        timeout=10,
        verify=outbound_tls(),
    )
    if response.status_code == 201:
        cookie = response.cookies["ep_session"]
        verify_api(server, cookie, SUPER_ADMIN)
        _SUPER_ADMIN_SECRETS[server] = enable_two_factor_api(server, cookie)[0]
    else:  # an earlier test made the account
        cookie = sign_in_two_factor_api(server, SUPER_ADMIN, _SUPER_ADMIN_SECRETS[server])
    _SUPER_ADMIN_SESSIONS[server] = cookie
    return signed_in(new_page, server, cookie)


def toast(page: Page, text: str) -> Locator:
    return page.locator("[data-sonner-toast]").filter(has_text=text)


def workspace_id_of(page: Page) -> str:
    return WORKSPACE_URL.search(page.url).group(1)


def fill_workspace_form(page: Page, name: str) -> None:
    page.get_by_label("Workspace name").fill(name)
    page.get_by_label("Description").fill("Live music evenings for the whole city, every month.")
    page.get_by_label("Website").fill("https://example.com")
    page.get_by_label("Phone").fill("+254 712 345678")


def organizer_with_workspace(new_page, server: str, full_name: str, workspace_name: str) -> tuple[Page, str, str]:
    """A verified organizer signed in on a page of their new workspace's dashboard: (page, email, workspace id).

    The account starts without a type; "Become an organizer" on /workspaces/new switches it on the spot.
    """
    email = unique_email("owner")
    page = signed_in(new_page, server, verified_account(server, email, full_name))
    page.goto("/workspaces/new")
    page.get_by_role("button", name="Become an organizer").click()
    fill_workspace_form(page, workspace_name)
    page.get_by_role("button", name="Create workspace").click()
    page.wait_for_url(WORKSPACE_URL)
    expect(page.get_by_role("heading", name=workspace_name, level=1)).to_be_visible()
    return page, email, workspace_id_of(page)


def invite_api(server: str, owner_email: str, workspace_id: str, email: str, role: str) -> str:
    """Invite `email` through the API as the owner; returns the link from the invitation email."""
    response = httpx.post(
        f"{server}/api/workspace/invite",
        json={"workspaceId": workspace_id, "invitations": [{"email": email, "role": role}]},
        headers={"Cookie": f"ep_session={sign_in_api(server, owner_email)}"},
        timeout=10,
        verify=outbound_tls(),
    )
    assert response.status_code == 200, response.text
    assert response.json()["results"][0]["status"] == "invited", response.text
    return invitation_link(server, email)


def invitation_link(server: str, email: str) -> str:
    body = newest_email(server, email, "workspace_invitation")["text_body"]
    link = re.search(r"https?://\S+/invite/[^\s<>\"']+", body).group(0)
    assert link.startswith(server), link
    return link


def stat(page: Page, label: str) -> Locator:
    """A dashboard figure's card ("Your role", "Team members")."""
    return page.locator(".rt-Card").filter(has=page.get_by_text(label, exact=True))


# --- tests ------------------------------------------------------------------------------------------


def test_create_workspace_with_logo(page: Page, server: str, tmp_path: Path) -> None:
    email, name = unique_email("logo"), f"Nairobi Jazz {uuid.uuid4().hex[:6]}"
    page.context.add_cookies(
        [{"name": "ep_session", "value": verified_account(server, email, "Wanjiku Otieno"), "url": server}]
    )
    logo = tmp_path / "logo.png"
    Image.new("RGB", (64, 64), (124, 58, 237)).save(logo)

    page.goto("/workspaces/new")
    expect(page.get_by_role("heading", name="Workspaces are for organizers")).to_be_visible()
    page.get_by_role("button", name="Become an organizer").click()
    expect(toast(page, "Your account is now an organizer account.")).to_be_visible()

    fill_workspace_form(page, name)
    page.locator("#workspace-logo input[type=file]").set_input_files(logo)
    expect(toast(page, "Logo uploaded.")).to_be_visible()
    expect(page.get_by_role("button", name="Remove logo")).to_be_visible()
    expect(page.locator("img[src*='/api/files/LOGOS/']")).to_be_visible()  # the preview
    page.get_by_role("button", name="Create workspace").click()

    page.wait_for_url(WORKSPACE_URL)
    expect(toast(page, f"{name} is ready.")).to_be_visible()
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()
    expect(stat(page, "Your role")).to_contain_text("Owner")
    expect(stat(page, "Team members")).to_contain_text("1")
    logo_img = page.get_by_role("main").locator("img[src*='/api/files/LOGOS/']")
    expect(logo_img).to_be_visible()
    assert logo_img.evaluate("img => img.complete && img.naturalWidth") == 64  # the file really is served


def test_invite_member_accepts_then_role_change_and_removal(new_page, server: str) -> None:
    workspace_name = f"Mombasa Makers {uuid.uuid4().hex[:6]}"
    owner, _, workspace_id = organizer_with_workspace(new_page, server, "Owen Owner", workspace_name)
    guest_email, guest_name = unique_email("guest"), "Grace Mutua"
    guest = signed_in(new_page, server, verified_account(server, guest_email, guest_name))

    owner.get_by_role("link", name="Members").click()
    owner.wait_for_url(at_path(server, f"/workspace/{workspace_id}/members"))
    owner.get_by_label("Email 1").fill(guest_email)
    owner.get_by_role("combobox", name="Role 1").click()
    owner.get_by_role("option", name="moderator").click()
    expect(owner.get_by_role("combobox", name="Role 1")).to_have_text("moderator")
    owner.get_by_role("button", name="Send invitations").click()
    expect(toast(owner, "1 invitation sent.")).to_be_visible()
    expect(owner.get_by_text(re.compile(r"^Invited as moderator by Owen Owner"))).to_be_visible()
    expect(owner.get_by_role("button", name=f"Revoke invitation to {guest_email}")).to_be_visible()

    guest.goto(invitation_link(server, guest_email))
    guest.wait_for_url(at_path(server, f"/workspace/{workspace_id}"))
    expect(guest.get_by_role("heading", name=workspace_name, level=1)).to_be_visible()
    expect(stat(guest, "Your role")).to_contain_text("Moderator")

    owner.reload()
    role = owner.get_by_role("combobox", name=f"Role of {guest_name}")
    expect(role).to_have_text("moderator")
    expect(owner.get_by_role("row").filter(has_text=guest_email)).to_be_visible()
    expect(owner.get_by_text("No pending invitations.")).to_be_visible()

    role.click()
    owner.get_by_role("option", name="member").click()
    expect(toast(owner, "Role changed to member.")).to_be_visible()
    expect(role).to_have_text("member")
    owner.reload()  # really saved
    expect(owner.get_by_role("combobox", name=f"Role of {guest_name}")).to_have_text("member")

    owner.get_by_role("button", name=f"Remove {guest_name}").click()
    expect(toast(owner, "Member removed.")).to_be_visible()
    expect(owner.get_by_role("row").filter(has_text=guest_email)).to_have_count(0)
    owner.reload()
    expect(owner.get_by_role("row").filter(has_text="Owen Owner")).to_be_visible()
    expect(owner.get_by_role("row").filter(has_text=guest_email)).to_have_count(0)

    guest.reload()  # the removed member cannot open the workspace any more
    expect(guest.get_by_role("heading", name="You can't open this workspace")).to_be_visible()


def test_invalid_invitation_address_gets_a_field_error_and_keeps_the_text(new_page, server: str) -> None:
    """Issue #24, items 8 and 9: the current tab is marked; a mistyped address is not "0 invitations sent"."""
    owner, _, workspace_id = organizer_with_workspace(
        new_page, server, "Ivy Inviter", f"Kisumu Keys {uuid.uuid4().hex[:6]}"
    )
    tabs = owner.get_by_role("navigation", name="Workspace")
    expect(tabs.get_by_role("link", name="Dashboard")).to_have_attribute("aria-current", "page")

    tabs.get_by_role("link", name="Members").click()
    owner.wait_for_url(at_path(server, f"/workspace/{workspace_id}/members"))
    expect(tabs.get_by_role("link", name="Members")).to_have_attribute("aria-current", "page")
    expect(tabs.get_by_role("link", name="Dashboard")).to_have_attribute("aria-current", "false")
    owner.get_by_label("Email 1").fill("not-an-email")
    owner.get_by_role("button", name="Send invitations").click()

    expect(
        owner.get_by_role("alert").filter(has_text="Enter a valid email address, like name@example.com.")
    ).to_be_visible()
    expect(owner.get_by_label("Email 1")).to_have_value("not-an-email")
    expect(owner.get_by_label("Email 1")).to_have_attribute("aria-invalid", "true")
    expect(toast(owner, "0 invitations sent")).to_have_count(0)
    expect(owner.get_by_text("No pending invitations.")).to_be_visible()

    fixed = unique_email("fixed")
    owner.get_by_label("Email 1").fill(fixed)
    expect(owner.get_by_label("Email 1")).to_have_attribute("aria-invalid", "false")
    owner.get_by_role("button", name="Send invitations").click()
    expect(toast(owner, "1 invitation sent.")).to_be_visible()
    expect(owner.get_by_role("button", name=f"Revoke invitation to {fixed}")).to_be_visible()
    expect(owner.get_by_label("Email 1")).to_have_value("")


def test_invited_newcomer_signs_up_verifies_and_joins(new_page, server: str) -> None:
    workspace_name = f"Kigali Coders {uuid.uuid4().hex[:6]}"
    _, owner_email, workspace_id = organizer_with_workspace(new_page, server, "Olive Owner", workspace_name)
    newcomer_email, newcomer_name = unique_email("newcomer"), "Nia Kamau"
    link = invite_api(server, owner_email, workspace_id, newcomer_email, "admin")
    token_path = link.removeprefix(server)

    page = new_page()
    page.goto(link)
    expect(page.get_by_role("heading", name=f"Join {workspace_name}")).to_be_visible()
    expect(page.get_by_text(f"Olive Owner invited {newcomer_email} to join as admin.", exact=False)).to_be_visible()
    page.get_by_role("link", name="Create an account").click()

    page.wait_for_url(at_path(server, "/auth/sign-up"))
    assert f"next={token_path.replace('/', '%2F')}" in page.url, page.url
    page.get_by_label("Full name").fill(newcomer_name)
    page.get_by_label("Email").fill(newcomer_email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("I agree to the Terms and the Privacy policy").check()
    page.get_by_role("button", name="Create account").click()

    page.wait_for_url(at_path(server, "/auth/verify"))
    page.get_by_label("Verification code").fill(code_in(server, newcomer_email))
    page.get_by_role("button", name="Verify email").click()

    page.wait_for_url(at_path(server, f"/workspace/{workspace_id}"))
    expect(page.get_by_role("heading", name=workspace_name, level=1)).to_be_visible()
    expect(stat(page, "Your role")).to_contain_text("Admin")
    expect(stat(page, "Team members")).to_contain_text("2")
    expect(page.get_by_role("banner").get_by_text(newcomer_name)).to_be_visible()

    page.get_by_role("link", name="Members").click()
    expect(page.get_by_role("row").filter(has_text=newcomer_email)).to_contain_text("you")
    expect(page.get_by_role("row").filter(has_text=newcomer_email)).to_contain_text("admin")


def test_member_cannot_see_settings_forms(new_page, server: str) -> None:
    workspace_name = f"Accra Arts {uuid.uuid4().hex[:6]}"
    _, owner_email, workspace_id = organizer_with_workspace(new_page, server, "Ama Owner", workspace_name)
    member_email = unique_email("member")
    member = signed_in(new_page, server, verified_account(server, member_email, "Kwame Member"))
    link = invite_api(server, owner_email, workspace_id, member_email, "member")

    member.goto(link)
    member.wait_for_url(at_path(server, f"/workspace/{workspace_id}"))
    expect(stat(member, "Your role")).to_contain_text("Member")
    member.get_by_role("link", name="Settings").click()

    member.wait_for_url(at_path(server, f"/workspace/{workspace_id}/settings"))
    expect(member.get_by_text("Only moderators, admins and the owner can change these settings.")).to_be_visible()
    expect(member.get_by_role("button", name="Save settings")).to_have_count(0)
    expect(member.get_by_label("Workspace name")).to_have_count(0)
    expect(member.get_by_role("heading", name="Invite link")).to_have_count(0)
    expect(member.get_by_role("heading", name="Danger zone")).to_have_count(0)
