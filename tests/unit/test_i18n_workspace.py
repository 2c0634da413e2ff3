"""Languages for the organizer's and the admin's pages (#23 §1): counts as whole messages per
language, days per locale, the pages' counts and filled sentences, and the workspace and admin
states speaking the reader's language (field errors, toasts, labels, money and dates)."""

from __future__ import annotations

import json
import pickle
from datetime import UTC, date, datetime
from typing import Any

import pytest

from eventpalour.components.lists import count_words
from eventpalour.cookies import LANGUAGE_COOKIE
from eventpalour.services import platform
from eventpalour.services.admin import MetricChange
from eventpalour.state.admin import AdminDashboardState, AdminState, change_label
from eventpalour.state.admin_users import AdminUsersState
from eventpalour.state.language import LanguageState, fill, t
from eventpalour.state.members import InviteRow, MembersState
from eventpalour.state.workspace import WorkspaceState
from tests.factories import add_member, make_admin, make_organizer, make_user, make_workspace
from tests.state_support import run_handler, state_for

MEMBER, MEMBERS = "{count} member", "{count} members"


@pytest.mark.parametrize(
    ("count", "language", "words"),
    [
        (1, "en", "1 member"),
        (1_200, "en", "1,200 members"),
        (0, "en", "0 members"),
        (1, "sw", "mwanachama 1"),
        (3, "sw", "wanachama 3"),
        (1, "fr", "1 membre"),
        (0, "fr", "0 membre"),  # French puts zero with the singular
        (1_200, "fr", "1\u202f200 membres"),
    ],
)
def test_counts_are_whole_messages_per_language(count: int, language: str, words: str) -> None:
    assert platform.count_words(count, MEMBER, MEMBERS, language) == words


def test_days_per_locale_and_naive_database_times_read_as_utc() -> None:
    late = datetime(2026, 12, 5, 22, 30, tzinfo=UTC)  # already the 6th in Nairobi

    assert [platform.date_label(late, language) for language in ("en", "sw", "fr")] == [
        "6 Dec 2026",
        "6 Des 2026",
        "6 déc. 2026",
    ]
    assert platform.date_label(late, "en", "UTC") == "5 Dec 2026"
    assert platform.date_label(late.replace(tzinfo=None), "en", "UTC") == "5 Dec 2026"
    assert [platform.short_day(date(2026, 12, 5), language) for language in ("en", "sw", "fr")] == [
        "05 Dec",
        "5 Des",
        "5 déc.",
    ]


def test_a_pages_count_picks_its_form_in_the_browser_and_fills_the_number() -> None:
    js = str(count_words(WorkspaceState.workspace.member_count, t(MEMBER), t(MEMBERS)))

    assert '"sw": "mwanachama {count}"' in js and '"fr": "{count} membres"' in js
    assert str(LanguageState.lang) in js and '"fr"' in js  # zero is singular in French only
    assert "replace" in js and "member_count" in js


def test_a_filled_sentence_keeps_the_whole_translated_sentence() -> None:
    js = str(fill(t("Remove {name}"), name=WorkspaceState.workspace.name))

    assert '"fr": "Retirer {name}"' in js and '"sw": "Ondoa {name}"' in js
    assert "replace" in js and "{name}" in js


def test_a_service_message_with_values_reads_as_english_and_translates_whole() -> None:
    sent = platform.message(platform.N_("Invitation sent as {role}."), role=platform.message("moderator"))

    assert (
        sent == "Invitation sent as moderator."
        and json.dumps({"error": sent}) == '{"error": "Invitation sent as moderator."}'
    )
    assert platform.gettext("fr", sent) == "Invitation envoyée comme modérateur."
    assert platform.gettext("sw", sent) == "Mwaliko umetumwa kama mratibu."
    assert platform.gettext("sw", pickle.loads(pickle.dumps(sent))) == "Mwaliko umetumwa kama mratibu."


async def test_a_refusal_with_values_reaches_the_reader_translated() -> None:
    owner = make_organizer()
    workspace = make_workspace(owner)
    members = _in(MembersState, owner, f"/workspace/{workspace.id}/members", "fr")
    members.invite_rows = [InviteRow(f"person{n}@example.test") for n in range(51)]

    await run_handler(members, "send_invitations")

    assert members.field_errors == {"invitations": "Invitez au plus 50 personnes à la fois."}


def test_dashboard_comparisons_are_whole_sentences() -> None:
    grew, all_new = MetricChange(current=12, previous=10), MetricChange(current=3, previous=0)

    assert change_label(grew, "7 days") == "+20% vs previous 7 days"
    assert change_label(grew, "7 days", "fr") == "+20 % par rapport aux 7 jours précédents"
    assert change_label(all_new, "24 h", "sw") == "mpya katika saa 24 zilizopita"


def _in(state_cls: type, user: Any, path: str, language: str) -> Any:
    cookie = f"ep_session={user.token}; {LANGUAGE_COOKIE}={language}"
    return state_for(state_cls, token=user.token, path=path, headers={"cookie": cookie})


async def test_an_invitation_refused_in_french_and_sent_in_kiswahili() -> None:
    owner = make_organizer()
    workspace = make_workspace(owner)
    french = _in(MembersState, owner, f"/workspace/{workspace.id}/members", "fr")
    french.invite_rows = [InviteRow("pas-une-adresse", "moderator")]

    await run_handler(french, "send_invitations")

    assert french.invite_rows == [
        InviteRow("pas-une-adresse", "moderator", "Saisissez une adresse e-mail valide, comme nom@example.com.")
    ]
    assert french.form_error == "Vérifiez l'adresse signalée ci-dessous."

    swahili = _in(MembersState, owner, f"/workspace/{workspace.id}/members", "sw")
    await run_handler(await swahili.get_state(WorkspaceState), "load_workspace")  # the page's shell first
    swahili.invite_rows = [InviteRow("rafiki@example.test", "member")]
    emitted = await run_handler(swahili, "send_invitations")

    assert "Mwaliko 1 umetumwa." in str(emitted)
    assert [(r.label, r.message) for r in swahili.invite_results] == [
        ("amealikwa", "Mwaliko umetumwa kama mwanachama.")
    ]
    assert swahili.pending[0].expires.split()[1] in {"Des", "Jan"}  # 7 days on, in Kiswahili months


async def test_the_workspace_shell_and_a_role_change_in_french() -> None:
    owner, colleague = make_organizer(), make_user(full_name="Awa Diop")
    workspace = make_workspace(owner)
    add_member(workspace.id, colleague, "member")
    shell = _in(WorkspaceState, owner, f"/workspace/{workspace.id}", "fr")

    await run_handler(shell, "load_workspace")

    assert shell.workspace.kyc_label == "Non commencé" and shell.role_label == "Propriétaire"
    assert shell.workspace.member_label.startswith("2 membres · depuis le ")

    members = _in(MembersState, owner, f"/workspace/{workspace.id}/members", "fr")
    emitted = await run_handler(members, "change_role", colleague.id, "moderator")

    assert "Rôle changé en modérateur." in str(emitted)


async def test_admin_pages_speak_french() -> None:
    admin = make_admin("super_admin")
    target = make_user()
    board = _in(AdminDashboardState, admin, "/admin", "fr")
    await run_handler(await board.get_state(AdminState), "enter_admin")  # every admin page's entry check

    await run_handler(board, "load_dashboard")

    labels = {card.label: card.note for card in board.cards}
    assert "Nouveaux utilisateurs (7 jours)" in labels and labels["KYC en attente"] == "En attente d'examen"

    users = _in(AdminUsersState, admin, "/admin/users", "fr")
    await run_handler(await users.get_state(AdminState), "enter_admin")
    await run_handler(users, "open_user", target.id)
    assert users.detail.account_type == "participant" and users.detail.last_sign_in

    await run_handler(users, "choose_action", "suspended", "orange")
    await run_handler(users, "change_status", {"reason": ""})
    assert users.action_error == "Indiquez un motif ; il est conservé dans le journal d'audit."
