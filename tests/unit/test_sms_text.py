"""The text of an SMS (#23 §3): GSM-7 lengths, plain forms of typographic characters, and messages
that keep to one SMS by shortening the title first and never cutting a code or the link."""

from __future__ import annotations

import pytest

from eventpalour.services.platform.sms_text import (
    SINGLE_GSM7,
    SINGLE_UCS2,
    announcement_text,
    gsm7_length,
    sms_length,
    ticket_text,
    to_gsm7,
    transfer_text,
)

pytestmark = pytest.mark.no_db  # reads no database: SQLite run only (tests/conftest.py checks)

LINK = "https://eventpalour.example/tickets"
CODE = "ABCD2345"


def test_gsm7_length_counts_extension_characters_twice():
    assert gsm7_length("Hello @ £5") == 10
    assert gsm7_length("€10 [VIP]") == 12  # €, [ and ] take two septets each
    assert gsm7_length("Café Ñandú") is None  # ú is not in the GSM 03.38 alphabet
    assert gsm7_length("🎷") is None


def test_sms_length_falls_back_to_ucs2_with_its_limit():
    assert sms_length("Jazz") == (4, SINGLE_GSM7)
    assert sms_length("ሙዚቃ") == (3, SINGLE_UCS2)
    assert sms_length("🎷 Jazz") == (7, SINGLE_UCS2)  # an emoji is two UTF-16 units


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("“Live” – at the Lawn…", '"Live" - at the Lawn...'),
        ("Fête de la Musique", "Fete de la Musique"),
        ("Café Ñandú", "Café Ñandu"),  # é and Ñ are GSM-7; ú loses its accent
        ("Jazz 🎷 night", "Jazz night"),  # a symbol is left out
        ("Tab\tand\u00a0space", "Tab and space"),
    ],
)
def test_to_gsm7_writes_plain_forms(typed, plain):
    assert to_gsm7(typed) == plain
    assert gsm7_length(to_gsm7(typed)) is not None


def test_to_gsm7_keeps_a_script_it_cannot_write():
    assert to_gsm7("ሙዚቃ  ምሽት") == "ሙዚቃ ምሽት"


def test_ticket_text_names_the_event_codes_and_link():
    text = ticket_text(event_title="Jazz on the Lawn", codes=[CODE, "EFGH6789"], link=LINK)
    assert text == f"Jazz on the Lawn: your 2 tickets {CODE} EFGH6789. {LINK}"
    assert ticket_text(event_title="Jazz", codes=[CODE], link=LINK) == f"Jazz: your ticket {CODE}. {LINK}"


def test_ticket_text_shortens_a_long_title_and_keeps_every_code():
    title = "The Annual Nairobi Festival of Jazz, Blues and Soul Music under the Stars at the Arboretum Gardens"
    text = ticket_text(event_title=title, codes=[CODE] * 3, link=LINK)
    assert gsm7_length(text) <= SINGLE_GSM7
    assert text.count(CODE) == 3 and text.endswith(LINK)
    assert text.startswith("The Annual Nairobi Festival") and "...:" in text


def test_ticket_text_counts_the_codes_that_do_not_fit():
    codes = [f"CODE{n:04d}" for n in range(20)]
    text = ticket_text(event_title="Jazz on the Lawn", codes=codes, link=LINK)
    assert gsm7_length(text) <= SINGLE_GSM7
    assert text.startswith("Jazz on the Lawn: your 20 tickets CODE0000 ")
    shown = sum(code in text for code in codes)
    assert 0 < shown < 20 and f"+{20 - shown} more. {LINK}" in text


def test_ticket_text_with_non_gsm_characters_stays_gsm7():
    text = ticket_text(event_title="Fête “Live” — Café 🎷", codes=[CODE], link=LINK)
    assert text == f'Fete "Live" - Café: your ticket {CODE}. {LINK}'
    assert gsm7_length(text) is not None


def test_ticket_text_in_another_script_keeps_to_one_ucs2_sms():
    title = "ሙዚቃ ምሽት በአዲስ አበባ ከተማ ውስጥ ታላቅ ዝግጅት"
    text = ticket_text(event_title=title, codes=[CODE], link=LINK)
    assert sms_length(text)[0] <= SINGLE_UCS2
    assert text.startswith("ሙዚቃ ምሽት") and text.endswith(f"...: your ticket {CODE}. {LINK}")


def test_ticket_text_never_cuts_a_code_or_the_link_when_one_sms_cannot_hold_them():
    text = ticket_text(event_title="ሙዚቃ ምሽት በአዲስ አበባ", codes=[CODE, "EFGH6789"], link=LINK)
    assert CODE in text and text.endswith(f"+1 more. {LINK}")


def test_transfer_text_names_the_sender_and_new_code():
    text = transfer_text(event_title="Jazz on the Lawn", code=CODE, sender="Amina Wanjiru", link=LINK)
    assert text == f"Jazz on the Lawn: Amina Wanjiru sent you a ticket, code {CODE}. {LINK}"


def test_announcement_text_shortens_the_subject_to_fit():
    subject = "Gates open at 5pm; bring your ID and a warm jacket because it gets very cold by the lake at night!"
    text = announcement_text(event_title="Jazz on the Lawn", subject=subject, link=LINK)
    assert gsm7_length(text) <= SINGLE_GSM7
    assert text.startswith("Jazz on the Lawn: Gates open at 5pm") and text.endswith(f"Details: {LINK}")


def test_kiswahili_and_french_texts_speak_the_buyers_language():
    codes = ["ABCD2345", "EFGH6789"]

    assert ticket_text(event_title="Jazz Night", codes=codes, link=LINK, language="sw") == (
        f"Jazz Night: tiketi zako 2 ABCD2345 EFGH6789. {LINK}"
    )
    assert ticket_text(event_title="Jazz Night", codes=codes[:1], link=LINK, language="fr") == (
        f"Jazz Night: votre billet ABCD2345. {LINK}"
    )
    assert transfer_text(event_title="Jazz Night", code=CODE, sender="Amina", link=LINK, language="fr") == (
        f"Jazz Night: Amina vous a envoyé un billet, code {CODE}. {LINK}"
    )
    assert announcement_text(event_title="Jazz Night", subject="Gates open at 17:00", link=LINK, language="sw") == (
        f"Jazz Night: Gates open at 17:00. Maelezo: {LINK}"
    )


@pytest.mark.parametrize("language", ["sw", "fr"])
def test_translated_texts_stay_gsm7_in_one_sms(language):
    """Every word we add in Kiswahili or French is in the GSM-7 alphabet (é, è, à are; ê, ç are not),
    so a buyer's message keeps its 160 characters, even with many codes and a long title."""
    codes = [f"CODE{n:04d}" for n in range(6)]
    title = "Nairobi International Jazz and Food Festival: the grand finale weekend"
    texts = [
        ticket_text(event_title=title, codes=codes, link=LINK, language=language),
        transfer_text(event_title=title, code=CODE, sender="Aminata Diallo-Wanjiru", link=LINK, language=language),
        announcement_text(event_title=title, subject="Parking moved to gate B", link=LINK, language=language),
    ]

    for text in texts:
        septets = gsm7_length(text)
        assert septets is not None and septets <= SINGLE_GSM7, text
        assert LINK in text
