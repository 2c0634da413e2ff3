"""Public organizer profiles over HTTP (#20 §6): GET /api/organizers/{slug}, the page /o/{slug}
answering 404 for an unknown slug (as /e/{unknown} does) with its name in the tags otherwise, and
the organizers' sitemap named by robots.txt."""

from __future__ import annotations

import re
from html import unescape
from xml.etree import ElementTree

import httpx

from eventpalour.config import settings
from eventpalour.db import transaction
from eventpalour.models import Workspace
from eventpalour.services.events import lifecycle
from tests.api.serving import assert_json_error
from tests.api.test_not_found import site  # noqa: F401  (the fixture: the API with the production pages)
from tests.factories import make_event, make_organizer, make_workspace

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_the_api_answers_the_public_profile_with_public_events_only(http: httpx.Client) -> None:
    owner = make_organizer()
    workspace = make_workspace(owner, name="Savannah Sounds")
    shown = make_event(owner, workspace.id, publish=True, title="Jazz on the Lawn")
    make_event(owner, workspace.id, publish=False, title="Secret plans")
    hidden = make_event(owner, workspace.id, publish=True, title="Hidden again")
    lifecycle.change_status(actor=owner.summary, event_id=hidden.id, action="hide")
    with transaction() as session:
        session.get(Workspace, workspace.id).verified = True

    response = http.get("/api/organizers/savannah-sounds")

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["slug"] == "savannah-sounds" and body["name"] == "Savannah Sounds"
    assert body["url"] == "/o/savannah-sounds" and body["verified"] is True
    assert body["description"] == "Live jazz every Friday in Nairobi." and body["links"] == []
    assert [(e["title"], e["shortId"], e["url"]) for e in body["upcoming"]] == [
        ("Jazz on the Lawn", shown.short_id, f"/e/{shown.short_id}")
    ]
    assert body["past"] == [] and body["moreUpcoming"] is False and body["morePast"] is False
    assert "Secret plans" not in response.text and "Hidden again" not in response.text


def test_the_api_answers_404_in_the_json_error_format_for_an_unknown_slug(http: httpx.Client) -> None:
    assert "no organizer" in assert_json_error(http.get("/api/organizers/nobody-here"), 404)
    assert_json_error(http.get("/api/organizers/%00"), 404)
    assert_json_error(http.post("/api/organizers/nobody-here"), 405)


def test_the_organizer_page_answers_200_with_its_tags_and_an_unknown_slug_404(site: str) -> None:  # noqa: F811
    owner = make_organizer()
    workspace = make_workspace(owner, name="Savannah <Sounds>")

    shown = httpx.get(f"{site}/o/{workspace.slug}", timeout=10)
    unknown = httpx.get(f"{site}/o/nobody-here", timeout=10)

    assert shown.status_code == 200
    tags = dict(re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">', shown.text))
    assert unescape(tags["og:title"]) == "Savannah <Sounds>"
    assert tags["og:url"].endswith(f"/o/{workspace.slug}")
    assert "<title>Savannah &lt;Sounds&gt; · EventPalour</title>" in shown.text
    assert unknown.status_code == 404 and unknown.headers["content-type"].startswith("text/html")
    assert '<div id="root">' in unknown.text


def test_the_organizers_sitemap_lists_workspaces_with_public_events(http: httpx.Client) -> None:
    owner = make_organizer()
    make_event(owner, make_workspace(owner, name="Has Events").id, publish=True)
    make_event(owner, make_workspace(owner, name="Drafts Only").id, publish=False)

    response = http.get("/sitemap-organizers.xml")
    robots = http.get("/robots.txt").text.splitlines()

    assert response.status_code == 200 and response.headers["content-type"].startswith("application/xml")
    locs = [loc.text for loc in ElementTree.fromstring(response.content).iter(f"{SITEMAP_NS}loc")]
    assert locs == [f"{settings.app_url}/o/has-events"]
    assert f"Sitemap: {settings.app_url}/sitemap-organizers.xml" in robots
