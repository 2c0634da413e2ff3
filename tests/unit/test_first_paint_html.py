"""The static copy's place in the page (api/first_paint.py): first in the <body>, the app's
stylesheet deferred; the page unchanged when either is missing (never a block the app's styles cover)."""

from __future__ import annotations

import pytest

from eventpalour.api.first_paint import BLOCK_ID, add_first_paint
from eventpalour.services.events import EventWords, TierWords

pytestmark = pytest.mark.no_db  # reads no database: SQLite run only (tests/conftest.py checks)

WORDS = EventWords(
    title="Jazz",
    category="",
    schedule="Fri 5 Dec 2025 · 18:00 – 23:00 EAT",
    zone="Africa/Nairobi",
    venue="Arboretum",
    place="Nairobi, Kenya",
    online="",
    banner_url="",
    status_note="",
    organizer="Savannah Sounds",
    organizer_url="/o/savannah-sounds",
    verified=True,
    price_from="Free",
    tiers=(TierWords("General", "", "Free", "On sale", sold_out=False, on_sale=True),),
)
STYLESHEET = b'<link href="/assets/__reflex_global_styles-Ab_1.css" rel="stylesheet" type="text/css"/>'


def test_block_first_in_body_and_stylesheet_deferred():
    html = b"<html><head>" + STYLESHEET + b'</head><body class="x"><div id="root"></div></body></html>'

    page = add_first_paint(html, WORDS)

    assert page.index(b'<body class="x"><div id="' + BLOCK_ID.encode()) < page.index(b'<div id="root">')
    assert b'rel="stylesheet" media="not all" data-ep-deferred="" type="text/css"/>' in page
    assert b"<h1>Jazz</h1>" in page and b">Verified<" in page


def test_page_unchanged_without_the_app_stylesheet_or_a_body():
    no_stylesheet = b'<html><head></head><body><div id="root"></div></body></html>'
    no_body = b"<html><head>" + STYLESHEET + b"</head></html>"

    assert add_first_paint(no_stylesheet, WORDS) == no_stylesheet
    assert add_first_paint(no_body, WORDS) == no_body
