"""Check-in lists and the live door in Chromium (#21 §5, §6): the organizer adds a "VIP lounge" list
for VIP tickets (a missing tier is a field error first); at the door a VIP ticket is admitted at the
main entrance and then at the lounge, a General ticket is refused at the lounge; the live door
dashboard shows each list's counts and one chart series per list; a phone set to the lounge scans
offline and its check-ins upload to that list. The list form says what its settings do."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import bindparam, create_engine, text

from tests.e2e.conftest import unique_email
from tests.e2e.test_checkout import seed_event
from tests.e2e.test_offline_door import UPLOAD_TIMEOUT_MS, _prepare, _type_code
from tests.e2e.test_tickets import seed_tickets
from tests.e2e.test_workspaces import signed_in, toast, verified_account

pytestmark = pytest.mark.e2e


def _gala(new_page, server: str, database_url: str):
    owner_email, staff_email = unique_email("owner"), unique_email("door")
    owner_cookie = verified_account(server, owner_email, "Olga Owner")
    staff_cookie = verified_account(server, staff_email, "Dora Door")
    vip_email, general_email = unique_email("vip"), unique_email("general")
    verified_account(server, vip_email, "Vera Vip")
    verified_account(server, general_email, "Gene General")
    event = seed_event(
        database_url,
        owner_email,
        pricing="free",
        tiers=[{"name": "General", "price": 0, "quantity": 50}, {"name": "VIP", "price": 0, "quantity": 10}],
    )
    vip, general = seed_tickets(
        database_url,
        {
            "short_id": event["short_id"],
            "members": [{"email": staff_email, "role": "member"}],
            "holders": [
                {"email": vip_email, "count": 1, "tier": "VIP"},
                {"email": general_email, "count": 1, "tier": "General"},
            ],
        },
    )
    return event, signed_in(new_page, server, owner_cookie), signed_in(new_page, server, staff_cookie), vip, general


def _add_lounge(owner: Page, event: dict) -> None:
    owner.goto(f"/workspace/{event['workspace_id']}/events/{event['short_id']}")
    owner.get_by_role("tab", name="Check-in lists").click()
    expect(owner.get_by_test_id("checkin-list")).to_contain_text("Main entrance")
    owner.get_by_role("button", name="Add a check-in list").click()
    owner.get_by_label("List name").fill("VIP lounge")
    rule = owner.locator("#checkin-rule-help")
    expect(rule).to_have_text("Each ticket is let in once on this list.")
    daily, exits = owner.get_by_label("Re-admit once per day"), owner.get_by_label("Count exits")
    daily.click()
    exits.click()
    expect(rule).to_contain_text("exit was not scanned the day before is still let in")
    daily.click()
    exits.click()
    expect(rule).to_have_text("Each ticket is let in once on this list.")
    owner.get_by_label("All tiers").click()
    owner.get_by_role("button", name="Save list").click()
    expect(owner.locator("#checkin-tier_ids-error")).to_have_text("Choose at least one tier this list admits.")
    owner.get_by_label("VIP", exact=True).click()
    expect(owner.locator("#checkin-tier_ids-error")).to_have_count(0)
    owner.get_by_role("button", name="Save list").click()
    expect(toast(owner, "Check-in list saved.")).to_be_visible()
    lounge = owner.get_by_test_id("checkin-list").filter(has_text="VIP lounge")
    expect(lounge).to_contain_text("0 of 1 ticket admitted")


def _scan_code(staff: Page, code: str, expected: str) -> None:
    staff.locator("#door-code").fill(code)
    staff.get_by_role("button", name="Check in", exact=True).click()
    # The handler clears the field when it is done: two scans in a row may show the same result.
    expect(staff.locator("#door-code")).to_have_value("")
    expect(staff.get_by_test_id("scan-result")).to_have_attribute("data-result", expected)


def _check_ins(database_url: str, *codes: str) -> list[tuple[str, str]]:
    """(list name, ticket short code) of the check-ins of these tickets, in time order."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT l.name, t.short_code FROM check_ins c JOIN checkin_lists l ON l.id = c.list_id "
                    "JOIN tickets t ON t.id = c.ticket_id WHERE t.short_code IN :codes ORDER BY c.at"
                ).bindparams(bindparam("codes", expanding=True)),
                {"codes": list(codes)},
            ).all()
    finally:
        engine.dispose()
    return [tuple(row) for row in rows]


def test_vip_list_admits_vip_at_both_gates_refuses_general_and_the_door_dashboard_counts(
    new_page, server: str, e2e_database_url: str
) -> None:
    event, owner, staff, vip, general = _gala(new_page, server, e2e_database_url)
    _add_lounge(owner, event)

    staff.goto(f"/scan/{event['short_id']}")
    picker = staff.get_by_label("Check-in list")
    expect(picker.locator("option:checked")).to_have_text("Main entrance")
    _scan_code(staff, vip["code"], "ok")
    picker.select_option(label="VIP lounge")
    _scan_code(staff, vip["code"], "ok")
    _scan_code(staff, general["code"], "wrong_gate")
    expect(staff.get_by_test_id("scan-result")).to_contain_text("Not valid at this gate")
    expect(staff.get_by_label("Door counters")).to_contain_text("1 / 1 sold")
    staff.reload()  # the choice stays on the device
    expect(staff.get_by_label("Check-in list").locator("option:checked")).to_have_text("VIP lounge")

    owner.goto(f"/workspace/{event['workspace_id']}/events/{event['short_id']}/door")
    counters = owner.get_by_test_id("door-list-counter")
    expect(counters.filter(has_text="Main entrance")).to_contain_text("1 / 2 admitted")
    expect(counters.filter(has_text="VIP lounge")).to_contain_text("1 / 1 admitted")
    _scan_code_main(staff, general["code"])
    expect(counters.filter(has_text="Main entrance")).to_contain_text("2 / 2 admitted", timeout=15_000)
    expect(owner.get_by_role("heading", name="Admitted per list, per 15 minutes")).to_be_visible()
    legend = owner.get_by_test_id("door-chart").locator(".recharts-legend-item-text")
    expect(legend).to_have_text(["Main entrance", "VIP lounge"])  # one series per list
    assert _check_ins(e2e_database_url, vip["code"], general["code"]) == [
        ("Main entrance", vip["code"]),
        ("VIP lounge", vip["code"]),
        ("Main entrance", general["code"]),
    ]


def _scan_code_main(staff: Page, code: str) -> None:
    staff.get_by_label("Check-in list").select_option(label="Main entrance")
    _scan_code(staff, code, "ok")


def test_offline_scans_on_a_list_upload_to_that_list(new_page, server: str, e2e_database_url: str) -> None:
    event, owner, staff, vip, general = _gala(new_page, server, e2e_database_url)
    _add_lounge(owner, event)
    _prepare(staff, event["short_id"], tickets=2)
    picker = staff.get_by_label("Check-in list")
    lounge_id = picker.locator("option", has_text="VIP lounge").get_attribute("value")
    picker.select_option(label="VIP lounge")
    # The device keeps the choice once the page's handler has answered (a round trip); going offline
    # before that would leave the offline door on the list chosen before. The list's id is read from
    # its option, not from the picker: until the handler's answer arrives, React holds the controlled
    # picker on the list chosen before.
    staff.wait_for_function("(id) => localStorage.getItem('ep_door_list') === id", arg=lounge_id)

    staff.context.set_offline(True)
    expect(staff.get_by_test_id("offline-banner")).to_contain_text("No network. Scanning offline")
    offline_door = staff.locator("#offline-door")
    expect(offline_door.get_by_label("Check-in list").locator("option:checked")).to_have_text("VIP lounge")
    result = staff.get_by_test_id("offline-scan-result")
    _type_code(staff, vip["code"])
    expect(result).to_have_attribute("data-result", "ok")
    _type_code(staff, general["code"])
    expect(result).to_have_attribute("data-result", "wrong_gate")
    _type_code(staff, vip["code"])
    expect(result).to_have_attribute("data-result", "already_used")

    staff.context.set_offline(False)
    expect(staff.get_by_test_id("offline-queue")).to_have_text(
        "All offline check-ins uploaded.", timeout=UPLOAD_TIMEOUT_MS
    )
    assert _check_ins(e2e_database_url, vip["code"], general["code"]) == [("VIP lounge", vip["code"])]
    owner.goto(f"/workspace/{event['workspace_id']}/events/{event['short_id']}/door")
    expect(owner.get_by_test_id("door-list-counter").filter(has_text="VIP lounge")).to_contain_text("1 / 1 admitted")
    expect(owner.get_by_test_id("door-device")).to_contain_text("Dora Door")
