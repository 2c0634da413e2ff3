"""Open Graph tags on shared event links (api/og.py), over real HTTP through the middleware stack."""

from __future__ import annotations

import re
from dataclasses import fields, replace
from html import unescape

import pytest
from sqlalchemy import update

from eventpalour.api.og import inject
from eventpalour.db import transaction
from eventpalour.models import Event
from eventpalour.models.types import utcnow
from eventpalour.services.events import lifecycle as events
from eventpalour.services.events.discovery import PublicEvent
from tests.api.conftest import PAGE_SHELL
from tests.factories import make_event, make_organizer, make_workspace

DESCRIPTION = (
    "## Live **jazz** under the stars\n\nFood, friends and [three bands](https://bands.test). " + "More. " * 60
)


def _tags(html: str) -> dict[str, str]:
    found = re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', html)
    return {key: unescape(value) for key, value in found}


@pytest.fixture
def org():
    owner = make_organizer()
    return owner, make_workspace(owner, name="Savannah Sounds")


def test_og_tags_injected_for_public_event(http, api_url, org):
    owner, ws = org
    event = make_event(owner, ws.id, publish=True, title="Jazz on the Lawn", description=DESCRIPTION)
    with transaction() as session:
        session.execute(update(Event).where(Event.id == event.id).values(banner_url="/api/files/EVENTS/b/x.jpg"))

    response = http.get(f"/e/{event.short_id}", headers={"Accept-Encoding": "gzip"})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert int(response.headers["content-length"]) == len(response.content)
    tags = _tags(response.text)
    assert tags["og:title"] == "Jazz on the Lawn"
    assert tags["og:description"].startswith("Live jazz under the stars Food, friends and three bands. More.")
    assert len(tags["og:description"]) <= 160 and tags["og:description"].endswith("…")
    assert tags["og:url"] == f"{api_url}/e/{event.short_id}"
    assert tags["og:image"] == f"{api_url}/api/files/EVENTS/b/x.jpg"
    assert tags["twitter:card"] == "summary_large_image"
    assert "<title>Jazz on the Lawn · EventPalour</title>" in response.text
    assert response.text.index('property="og:title"') < response.text.index("</head>")


def test_og_tags_escape_event_text(http, org):
    owner, ws = org
    title = 'Rock "n" <Roll> & </head><script>alert(1)</script>'
    event = make_event(
        owner,
        ws.id,
        publish=True,
        title=title,
        type="online",
        online_link="https://zoom.us/j/9",
        meeting_platform="zoom",
    )

    response = http.get(f"/e/{event.short_id}")

    assert "<script>alert(1)</script>" not in response.text and "<Roll>" not in response.text
    assert response.text.count("</head>") == 1
    tags = _tags(response.text)
    assert tags["og:title"] == " ".join(title.split())
    assert tags["twitter:card"] == "summary" and "og:image" not in tags
    assert "zoom.us" not in response.text


def test_og_cancelled_event_still_described(http, org):
    owner, ws = org
    event = make_event(owner, ws.id, publish=True, title="Sunset Yoga")
    events.change_status(actor=owner.summary, event_id=event.id, action="cancel")

    assert _tags(http.get(f"/e/{event.short_id}").text)["og:title"] == "Sunset Yoga"


@pytest.mark.parametrize("kind", ["unknown", "draft", "hidden"])
def test_og_private_or_unknown_event_page_is_the_shell_with_404(http, org, kind):
    """No public event at that link: the same shell (the browser shows "Event not found"), status 404."""
    owner, ws = org
    short_id = "zzzzzz"
    if kind != "unknown":
        event = make_event(owner, ws.id, publish=kind == "hidden", title="Secret plans")
        short_id = event.short_id
        if kind == "hidden":
            events.change_status(actor=owner.summary, event_id=event.id, action="hide")

    response = http.get(f"/e/{short_id}")

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert response.text == PAGE_SHELL and int(response.headers["content-length"]) == len(response.content)


def test_og_leaves_non_html_and_other_methods_alone(http, org):
    owner, ws = org
    event = make_event(owner, ws.id, publish=True)

    as_json = http.get(f"/e/{event.short_id}", params={"json": "1"})
    head = http.head(f"/e/{event.short_id}")
    nested = http.get(f"/e/{event.short_id}/extra")

    assert as_json.json() == {"page": f"/e/{event.short_id}"}
    assert head.status_code in (200, 405) and "og:title" not in head.text
    assert nested.text == PAGE_SHELL


def test_inject_adds_a_title_when_the_page_has_none_and_skips_pages_without_head():
    page = PublicEvent(
        **{f.name: "" for f in fields(PublicEvent) if f.name not in ("start_at", "end_at", "organizer_verified")},
        start_at=utcnow(),
        end_at=utcnow(),
        organizer_verified=False,
    )
    page = replace(page, title="A & B", short_id="abc234")

    assert inject(b"<html><head></head></html>", page).endswith(
        b"<title>A &amp; B \xc2\xb7 EventPalour</title></head></html>"
    )
    assert inject(b"<p>fragment</p>", page) == b"<p>fragment</p>"
