"""The event manage page's states in the reader's language (#23 §1): a code's row (its discount, uses,
validity and status), a check-in list's counts, a question's row and the waiting room's figures are
whole sentences per language, and a tab's toast reaches an organizer who reads Kiswahili in Kiswahili."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from eventpalour.cookies import LANGUAGE_COOKIE
from eventpalour.models.types import utcnow
from eventpalour.services.platform import Message
from eventpalour.services.sales import CodeRow, QuestionRow
from eventpalour.services.tickets import AnnouncementRow, ListRow
from eventpalour.state.announcements import line_of
from eventpalour.state.checkin_lists import _line
from eventpalour.state.discount_codes import code_line
from eventpalour.state.questions import question_line
from eventpalour.state.waiting_room import EventWaitingRoomState
from tests.factories import local, make_event, make_organizer, make_workspace
from tests.state_support import run_handler, state_for

CODE = CodeRow(
    id="c1",
    code="HALF",
    kind="percent",
    value=50,
    label="50% off",
    tier_ids=(),
    tiers_label=Message("All tickets"),  # as the service words it
    unlock_tier_ids=(),
    unlocks_label="",
    valid_from=None,
    valid_until=None,
    max_uses=10,
    per_buyer_limit=None,
    active=True,
    uses_held=1,
    uses_sold=3,
    uses_label="3 of 10 (+1 held)",
    can_deactivate=True,
    can_activate=False,
    can_delete=True,
)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ("50% off", "All tickets", "3 of 10 (+1 held)", "Always", "Active")),
        ("sw", ("Punguzo la 50%", "Tiketi zote", "3 kati ya 10 (+1 yameshikiliwa)", "Wakati wote", "Inatumika")),
        ("fr", ("50 % de réduction", "Tous les billets", "3 sur 10 (+1 en attente)", "Toujours", "Actif")),
    ],
)
def test_a_codes_row_speaks_the_readers_language(language: str, words: tuple[str, ...]) -> None:
    line = code_line(CODE, "Africa/Nairobi", "KES", language)

    assert (line.label, line.tiers, line.uses, line.valid, line.status) == words


def test_a_fixed_code_without_limit_and_a_window_in_french() -> None:
    start = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)
    row = replace(CODE, kind="fixed", value=50000, max_uses=None, uses_held=0, valid_from=start, active=False)

    line = code_line(row, "Africa/Dakar", "XOF", "fr")

    assert line.label.endswith("XOF de réduction") and line.uses == "3 sur illimité"
    assert line.valid.startswith("À partir du ") and "mars" in line.valid
    assert line.status == "Inactif"
    assert code_line(replace(row, kind=None, value=None), "UTC", "KES", "sw").label == "Bila punguzo"


def test_a_check_in_lists_counts_are_whole_sentences() -> None:
    row = ListRow(
        id="l1",
        name="Main",
        all_tiers=True,
        tier_ids=(),
        tiers_label=Message("All tiers"),  # as the service words it
        readmit_daily=True,
        count_exits=True,
        is_default=True,
        admitted=12,
        total=40,
        inside=3,
        can_delete=False,
    )

    english, swahili, french = (_line(row, language) for language in ("en", "sw", "fr"))

    assert english.counts_label == "12 of 40 tickets admitted · 3 inside now"
    assert swahili.counts_label == "12 kati ya tiketi 40 wameingia · 3 wako ndani sasa"
    assert french.counts_label == "12 sur 40 billets admis · 3 à l'intérieur"
    assert french.settings_label == "Réadmet une fois par jour · Compte les sorties"
    assert (swahili.tiers_label, french.tiers_label) == ("Aina zote za tiketi", "Tous les types de billets")


def test_a_questions_row_in_kiswahili() -> None:
    row = QuestionRow(
        id="q1",
        label="T-shirt size",
        kind="single_choice",
        kind_label="Single choice",
        options=("S", "M"),
        required=False,
        per_ticket=True,
        scope_label="Each ticket",
        tier_ids=(),
        tiers_label=Message("All tickets"),
        position=0,
        answers=2,
        answers_label="2 answers",
        can_delete=False,
        can_move_up=False,
        can_move_down=False,
    )

    line = question_line(row, "sw")

    assert (line.kind, line.scope, line.required, line.tiers, line.answers) == (
        "Chaguo moja",
        "Kila tiketi",
        "Si lazima",
        "Tiketi zote",
        "majibu 2",
    )
    assert question_line(row, "fr").answers == "2 réponses"


async def test_the_waiting_room_speaks_kiswahili_down_to_its_toast() -> None:
    owner = make_organizer()
    workspace = make_workspace(owner)
    event = make_event(owner, workspace.id, publish=True)
    path = f"/workspace/{workspace.id}/events/{event.short_id}"
    cookie = f"ep_session={owner.token}; {LANGUAGE_COOKIE}=sw"
    room = state_for(EventWaitingRoomState, token=owner.token, path=path, headers={"cookie": cookie})
    await run_handler(room, "load_room")
    await run_handler(room, "set_enabled", True)
    now = utcnow()
    form = {"opens_at": local(now - timedelta(minutes=5)), "starts_at": local(now + timedelta(hours=1))}

    emitted = await run_handler(room, "save_room", {**form, "rate_per_minute": "1200"})

    assert "Chumba cha kusubiri kimewashwa." in str(emitted)
    assert room.figures_status.startswith("Imefunguliwa: kuingia kunaanza ")
    assert (room.rate_label, room.clear_label) == ("1,200 kwa dakika", "Hakuna anayesubiri")


async def test_the_waiting_room_figures_group_digits_as_french_does() -> None:
    """ "1 200 par minute": Babel's grouping for the reader's locale, a narrow no-break space in French."""
    owner = make_organizer()
    workspace = make_workspace(owner)
    event = make_event(owner, workspace.id, publish=True)
    path = f"/workspace/{workspace.id}/events/{event.short_id}"
    cookie = f"ep_session={owner.token}; {LANGUAGE_COOKIE}=fr"
    room = state_for(EventWaitingRoomState, token=owner.token, path=path, headers={"cookie": cookie})
    await run_handler(room, "load_room")
    await run_handler(room, "set_enabled", True)
    now = utcnow()
    form = {"opens_at": local(now - timedelta(minutes=5)), "starts_at": local(now + timedelta(hours=1))}

    await run_handler(room, "save_room", {**form, "rate_per_minute": "1200"})

    assert (room.rate_label, room.waiting) == ("1\u202f200 par minute", "0")


def _announcement(**changes: object) -> AnnouncementRow:
    row = AnnouncementRow(
        id="a1",
        subject="Gates open at 17:00",
        body="",
        body_html="",
        audience="tiers",
        audience_label="Chosen ticket types: VIP",
        tier_ids=("t1", "gone"),
        status="sent",
        status_label="Sent",
        send_at=datetime(2030, 3, 1, 9, 0, tzinfo=UTC),
        sent_at=datetime(2030, 3, 1, 9, 0, tzinfo=UTC),
        when_label="",
        recipients_count=12,
        recipients_label="12 recipients",
        can_cancel=False,
        is_queued=False,
    )
    return replace(row, **changes)


def test_an_announcements_row_in_french_and_kiswahili() -> None:
    french = line_of(_announcement(), "Africa/Dakar", "fr", {"t1": "VIP"})

    assert french.audience == "Types de billets choisis : VIP, type de billet supprimé"
    assert french.when.startswith("Envoyée le ") and "mars" in french.when
    assert (french.recipients, french.status) == ("12 destinataires", "Envoyée")

    scheduled = _announcement(audience="all", status="scheduled", status_label="Scheduled", sent_at=None)
    swahili = line_of(scheduled, "Africa/Nairobi", "sw", {})
    assert (swahili.audience, swahili.recipients, swahili.status) == ("Wenye tiketi wote", "—", "Limepangwa")
    assert swahili.when.startswith("Limepangwa ") and "Mac" in swahili.when
