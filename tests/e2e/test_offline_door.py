"""The door with no network (#21) in Chromium: prepare the device, lose the network, scan a valid
ticket (admitted), the same again (already used), a transferred one (refused) and a forged QR
(refused); back online the check-ins reach the server; two offline phones admitting one ticket make
one conflict that the door sees."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import unique_email
from tests.e2e.test_checkout import seed_event
from tests.e2e.test_tickets import scan_log, seed_tickets
from tests.e2e.test_workspaces import signed_in, verified_account

pytestmark = pytest.mark.e2e
UPLOAD_TIMEOUT_MS = 30_000


def _door(new_page, server: str, database_url: str, holders: int, transfer: bool = False):
    owner_email, staff_email = unique_email("owner"), unique_email("door")
    verified_account(server, owner_email, "Olga Owner")
    staff_cookie = verified_account(server, staff_email, "Dora Door")
    emails = [unique_email("guest") for _ in range(holders)]
    for n, email in enumerate(emails):
        verified_account(server, email, f"Guest Number{n}")
    friend = unique_email("friend")
    verified_account(server, friend, "Fiona Friend")
    event = seed_event(database_url, owner_email, pricing="free", tiers=[{"name": "Entry", "price": 0, "quantity": 50}])
    spec_holders = [{"email": email, "count": 1} for email in emails]
    if transfer:
        spec_holders[-1]["transfer_to"] = friend
    issued = seed_tickets(
        database_url,
        {"short_id": event["short_id"], "members": [{"email": staff_email, "role": "member"}], "holders": spec_holders},
    )
    return staff_cookie, event, issued


def _prepare(page: Page, short_id: str, tickets: int) -> None:
    page.goto(f"/scan/{short_id}")
    door = page.get_by_role("region", name="Offline scanning")
    door.get_by_role("button", name="Prepare this device for offline").click()
    label = f"{tickets} ticket" + ("" if tickets == 1 else "s")
    expect(page.get_by_test_id("offline-status")).to_contain_text(f"Ready offline: {label} ·")


def _type_code(page: Page, code: str) -> None:
    offline_door = page.locator("#offline-door")
    offline_door.get_by_label("Ticket code").fill(code)
    offline_door.get_by_role("button", name="Check in").click()


def _scan_qr(page: Page, token: str) -> None:
    """What the camera reader hands the offline door when it reads a QR code."""
    page.evaluate("token => window.epDoor.scan(token)", token)


def test_door_scans_offline_and_uploads_when_back_online(new_page, server: str, e2e_database_url: str) -> None:
    cookie, event, issued = _door(new_page, server, e2e_database_url, holders=3, transfer=True)
    first, second, given_away = issued
    staff = signed_in(new_page, server, cookie)
    _prepare(staff, event["short_id"], tickets=4)  # three issued, one more for the transfer's recipient

    staff.context.set_offline(True)
    expect(staff.get_by_test_id("offline-banner")).to_contain_text("No network. Scanning offline")
    result = staff.get_by_test_id("offline-scan-result")

    _type_code(staff, first["code"].lower())
    expect(result).to_have_attribute("data-result", "ok")
    expect(result).to_contain_text("Welcome, Guest Number0!")
    _type_code(staff, first["code"])
    expect(result).to_have_attribute("data-result", "already_used")
    _scan_qr(staff, second["signed"])
    expect(result).to_have_attribute("data-result", "ok")
    _scan_qr(staff, given_away["signed"])
    expect(result).to_have_attribute("data-result", "not_valid")
    expect(result).to_contain_text("transferred")
    forged = second["signed"].replace(second["id"], first["id"])
    _scan_qr(staff, forged)
    expect(result).to_have_attribute("data-result", "invalid")
    expect(staff.get_by_test_id("offline-queue")).to_have_text("5 offline check-ins waiting to upload.")

    staff.context.set_offline(False)
    expect(staff.get_by_test_id("offline-queue")).to_have_text(
        "All offline check-ins uploaded.", timeout=UPLOAD_TIMEOUT_MS
    )
    expect(staff.get_by_test_id("offline-banner")).to_have_count(0)
    offline = [result for result, method in scan_log(e2e_database_url, event["short_id"]) if method == "offline"]
    assert sorted(offline) == ["already_used", "invalid", "not_valid", "ok", "ok"]
    expect(staff.get_by_label("Door counters")).to_contain_text(re.compile(r"2 / 3 sold"), timeout=UPLOAD_TIMEOUT_MS)


def test_two_offline_phones_admit_one_ticket_one_conflict(new_page, server: str, e2e_database_url: str) -> None:
    cookie, event, [guest] = _door(new_page, server, e2e_database_url, holders=1)
    phones = [signed_in(new_page, server, cookie), signed_in(new_page, server, cookie)]
    for phone in phones:
        _prepare(phone, event["short_id"], tickets=1)
        phone.context.set_offline(True)
        expect(phone.get_by_test_id("offline-banner")).to_be_visible()
    for phone in phones:
        _type_code(phone, guest["code"])
        expect(phone.get_by_test_id("offline-scan-result")).to_have_attribute("data-result", "ok")
    for phone in phones:
        phone.context.set_offline(False)
        expect(phone.get_by_test_id("offline-queue")).to_have_text(
            "All offline check-ins uploaded.", timeout=UPLOAD_TIMEOUT_MS
        )
    # The server's note comes as its sentence and values; the door says it with its own table.
    twice = re.compile(r"Admitted twice on Main entrance: at \d\d:\d\d on this device and ")
    expect(phones[1].get_by_test_id("offline-conflicts")).to_contain_text(guest["code"])
    expect(phones[1].get_by_test_id("offline-conflicts")).to_contain_text(twice)
    expect(phones[0].get_by_label("Offline conflicts")).to_contain_text(guest["code"], timeout=UPLOAD_TIMEOUT_MS)
    expect(phones[0].get_by_label("Offline conflicts")).to_contain_text(twice)
    offline = [result for result, method in scan_log(e2e_database_url, event["short_id"]) if method == "offline"]
    assert offline.count("already_used") >= 1


CACHED_FILES = "caches.open('eventpalour-door-v2').then(c => c.keys()).then(keys => keys.map(k => k.url))"


def test_prepared_scanner_opens_and_scans_with_no_network(new_page, server: str, e2e_database_url: str) -> None:
    cookie, event, [guest] = _door(new_page, server, e2e_database_url, holders=1)
    staff = signed_in(new_page, server, cookie)
    _prepare(staff, event["short_id"], tickets=1)
    staff.wait_for_function("navigator.serviceWorker.controller !== null")
    staff.wait_for_function(f"{CACHED_FILES}.then(urls => urls.some(u => u.includes('/door/noble-ed25519.js')))")

    staff.context.set_offline(True)
    staff.reload()
    expect(staff.get_by_test_id("offline-banner")).to_contain_text("No network. Scanning offline")
    expect(staff.get_by_test_id("offline-status")).to_contain_text("Ready offline: 1 ticket ·")
    # Opened cold, the session is never checked: the camera comes with the offline door, not behind
    # the session check, whose spinner the offline door hides.
    expect(staff.get_by_label("Offline camera view")).to_be_attached()
    expect(staff.get_by_text("Checking your session…")).to_be_hidden()
    _type_code(staff, guest["code"])
    expect(staff.get_by_test_id("offline-scan-result")).to_have_attribute("data-result", "ok")

    staff.context.set_offline(False)
    expect(staff.get_by_test_id("offline-queue")).to_have_text(
        "All offline check-ins uploaded.", timeout=UPLOAD_TIMEOUT_MS
    )
    assert ("ok", "offline") in scan_log(e2e_database_url, event["short_id"])


def test_the_offline_door_says_its_verdicts_in_french(new_page, server: str, e2e_database_url: str) -> None:
    """The sentence under the headline comes from verify.js in English; the door says it in the
    reader's language, with the holder's name and the time filled in after (#23 §1)."""
    cookie, event, issued = _door(new_page, server, e2e_database_url, holders=1)
    staff = signed_in(new_page, server, cookie)
    staff.context.add_cookies([{"name": "ep_lang", "value": "fr", "url": server}])
    staff.goto(f"/scan/{event['short_id']}")
    staff.get_by_role("region", name="Scan hors ligne").get_by_role(
        "button", name="Préparer cet appareil pour le hors-ligne"
    ).click()
    expect(staff.get_by_test_id("offline-status")).to_contain_text("Prêt hors ligne : 1 billet ·")

    staff.context.set_offline(True)
    result = staff.get_by_test_id("offline-scan-result")
    door = staff.locator("#offline-door")

    def type_code(code: str) -> None:
        door.get_by_label("Code du billet").fill(code)
        door.get_by_role("button", name="Enregistrer l'entrée").click()

    type_code(issued[0]["code"])
    expect(result).to_have_attribute("data-result", "ok")
    expect(result.get_by_role("heading", level=2)).to_have_text("Entrée validée")  # one person, not "Entrés"
    expect(result).to_contain_text("Bienvenue, Guest Number0 !")
    type_code(issued[0]["code"])
    expect(result).to_have_attribute("data-result", "already_used")
    expect(result).to_contain_text(re.compile(r"Déjà utilisé à \d\d:\d\d\."))
    type_code("AB1")
    expect(result).to_have_attribute("data-result", "invalid")
    expect(result).to_contain_text("Un code de billet compte 8 lettres et chiffres.")
    expect(result).not_to_contain_text("letters")
