"""The event page readable before its scripts (#24 §2): GET /e/{short_id} carries the event's title,
date, venue, organizer and tier prices as escaped HTML (api/first_paint.py), over real HTTP."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import update

from eventpalour.db import transaction
from eventpalour.models import Event, TicketTier
from eventpalour.services.events import lifecycle as events
from eventpalour.services.events.event_rules import TierInput
from tests.api.conftest import PAGE_SHELL
from tests.factories import approve_kyc, make_event, make_organizer, make_workspace

BLOCK = re.compile(r'<div id="ep-first-paint">(.*?)</main></div>', re.DOTALL)


def _block(html: str) -> str:
    found = BLOCK.search(html)
    assert found, "no first-paint block in the page"
    return found.group(1)


def _text(block: str) -> str:
    """The block as a reader sees it: tags and the inline CSS gone, entities decoded."""
    without_style = re.sub(r"<style>.*?</style>", "", block, flags=re.DOTALL)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", without_style)).split())


@pytest.fixture
def paid_event():
    owner = make_organizer()
    workspace = make_workspace(owner, name="Savannah Sounds")
    approve_kyc(workspace.id)
    tiers = [
        TierInput(name="Early bird", price=150000, quantity=5),
        TierInput(name="VIP", description="Front row, a drink", price=500000, quantity=2),
        TierInput(name="Door", price=250000, quantity=50),
    ]
    event = make_event(
        owner, workspace.id, publish=True, pricing="paid", tiers=tiers, venue="Arboretum", city="Nairobi"
    )
    with transaction() as session:  # the VIP seats all sold
        session.execute(
            update(TicketTier).where(TicketTier.event_id == event.id, TicketTier.name == "VIP").values(sold=2)
        )
        session.execute(update(Event).where(Event.id == event.id).values(banner_url="/api/files/EVENTS/b/x.jpg"))
    return owner, event


def test_event_page_html_reads_before_scripts(http, paid_event):
    _, event = paid_event

    response = http.get(f"/e/{event.short_id}")

    assert response.status_code == 200
    assert int(response.headers["content-length"]) == len(response.content)
    html = response.text
    block = _block(html)
    text = _text(block)
    assert "<h1>Jazz on the Lawn</h1>" in block
    assert "By Savannah Sounds" in text
    # When, in the event's zone (EAT, as the live page shows it), and where.
    assert re.search(r"\w{3} \d{1,2} \w{3} \d{4} · \d\d:\d\d – \d\d:\d\d EAT Time zone: Africa/Nairobi", text)
    assert "Arboretum Nairobi, Kenya" in text
    assert "From KES 1,500.00" in text
    assert "Early bird KES 1,500.00 On sale" in text
    assert "VIP KES 5,000.00 Front row, a drink Sold out" in text
    assert "Door KES 2,500.00 On sale" in text
    # The banner keeps its space before it arrives.
    assert re.search(r'<img class="epf-banner" src="/api/files/EVENTS/b/x.jpg" alt="" width="\d+" height="\d+"', block)
    # First thing in the body; the app's stylesheet no longer holds back that paint (the app restores it).
    assert html.index('<body><div id="ep-first-paint">') < html.index('<div id="root">')
    assert (
        '<link href="/assets/__reflex_global_styles-T3st_1.css" rel="stylesheet" media="not all" data-ep-deferred=""'
        in html
    )
    assert html.count("<body>") == 1 and html.count("</head>") == 1


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "sw",
            [
                "Imeandaliwa na Savannah Sounds",
                "Saa za eneo: Africa/Nairobi",
                "Tiketi Kuanzia KES 1,500.00",
                "Early bird KES 1,500.00 Zinauzwa",
                "Front row, a drink Zimekwisha",
            ],
        ),
        (
            "fr",
            [
                "Par Savannah Sounds",
                "Fuseau horaire : Africa/Nairobi",
                "Billets À partir de",
                "Early bird 1 500,00",
                "Front row, a drink Complet",
            ],
        ),
    ],
)
def test_event_page_html_reads_in_the_visitors_language(http, paid_event, language, expected):
    """A visitor who chose Kiswahili or French (the footer's cookie) reads the copy in it before any
    script arrives, as the live page then says it (its labels, dates, prices and sale words); what the
    organizer wrote stays as written. A first visit's Accept-Language picks it the same way."""
    _, event = paid_event

    chosen = _text(_block(http.get(f"/e/{event.short_id}", headers={"Cookie": f"ep_lang={language}"}).text))
    first_visit = _text(_block(http.get(f"/e/{event.short_id}", headers={"Accept-Language": language}).text))

    assert chosen == first_visit
    for words in expected:
        assert words in chosen, (words, chosen)
    assert "By Savannah" not in chosen and "On sale" not in chosen


def test_event_page_html_escapes_what_the_organizer_wrote(http):
    owner = make_organizer()
    workspace = make_workspace(owner, name='Bad <b>"Org"</b>')
    title = "Rock <script>alert(1)</script> & Roll"
    event = make_event(
        owner,
        workspace.id,
        publish=True,
        title=title,
        venue="<img src=x onerror=alert(2)>",
        tiers=[TierInput(name="<i>Floor</i>", description="</main></div><script>alert(3)</script>", price=0)],
    )

    html = http.get(f"/e/{event.short_id}").text

    assert "<script>alert" not in html and "<img src=x" not in html and "<i>Floor" not in html
    assert "<b>" not in html
    block = _block(html)
    assert "<h1>Rock &lt;script&gt;alert(1)&lt;/script&gt; &amp; Roll</h1>" in block
    text = _text(block)
    assert f"By {unescape(workspace.name)}" in text
    assert "<img src=x onerror=alert(2)>" in text
    assert "<i>Floor</i> Free" in text and "</main></div><script>alert(3)</script>" in text


def test_online_free_event_says_where_it_happens(http):
    owner = make_organizer()
    workspace = make_workspace(owner)
    event = make_event(
        owner, workspace.id, publish=True, type="online", online_link="https://zoom.us/j/9", meeting_platform="zoom"
    )

    html = http.get(f"/e/{event.short_id}").text

    text = _text(_block(html))
    assert "Online event on Zoom The link is sent to ticket holders." in text
    assert "General Free On sale" in text and "From" not in text
    assert "zoom.us" not in html
    assert '<div class="epf-banner" aria-hidden="true"></div>' in html  # no banner: the gradient, same size


def test_cancelled_event_says_so(http):
    owner = make_organizer()
    event = make_event(owner, make_workspace(owner).id, publish=True, title="Sunset Yoga")
    events.change_status(actor=owner.summary, event_id=event.id, action="cancel")

    text = _text(_block(http.get(f"/e/{event.short_id}").text))

    assert "This event was cancelled. Tickets are no longer on sale." in text
    assert "Sunset Yoga" in text


@pytest.mark.parametrize("kind", ["draft", "hidden"])
def test_no_content_for_private_events(http, kind):
    owner = make_organizer()
    event = make_event(owner, make_workspace(owner).id, publish=kind == "hidden", title="Secret plans")
    if kind == "hidden":
        events.change_status(actor=owner.summary, event_id=event.id, action="hide")

    response = http.get(f"/e/{event.short_id}")

    assert response.status_code == 404
    assert response.text == PAGE_SHELL and "Secret plans" not in response.text
