"""Counting views of an event's public page (issue #22 §1): one daily counter per event, referrer
host and UTM campaign (models/analytics.py `ViewDay`), with no third-party tracker and nothing about
the visitor kept: no address, no cookie, no browser string, only the host of the page that linked
here and the `utm_campaign` of a shared link.

api/og.py counts each GET of /e/{short_id} that answers 200 (a real, public event), after it has
found the event; robots and link previewers (by their user agent) are not counted.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

from sqlmodel import select

from eventpalour.db import transaction
from eventpalour.models import Event
from eventpalour.models.types import utcnow
from eventpalour.services import finance
from eventpalour.services.platform import clean_line

MAX_HOST = 255
MAX_CAMPAIGN = 100
# Crawlers, link previewers, monitors and scripts name themselves in their user agent; browsers do not.
BOT_AGENT = re.compile(
    r"bot|crawl|spider|slurp|preview|fetch|scan|monitor|facebookexternalhit|whatsapp|telegram|skype|"
    r"embedly|quora link|pinterest|vkshare|w3c_validator|lighthouse|pagespeed|curl|wget|python-|httpx|"
    r"go-http|java/|okhttp|axios|node-fetch|libwww|headless",
    re.IGNORECASE,
)


def is_bot(user_agent: str) -> bool:
    """A request from a robot, not a person's browser (an empty agent is a robot too)."""
    agent = (user_agent or "").strip()
    return not agent or not agent.startswith("Mozilla/") or BOT_AGENT.search(agent) is not None


def referrer_host(referrer: str) -> str:
    """The host that linked to the page ("" when typed, bookmarked or hidden), lowercase, no port."""
    try:
        host = urlsplit((referrer or "").strip()).hostname or ""
    except ValueError:
        return ""
    host = host.lower().removeprefix("www.")
    return host if len(host) <= MAX_HOST and re.fullmatch(r"[a-z0-9.-]+", host) else ""


def utm_campaign(query_string: str) -> str:
    """The shared link's `utm_campaign`, cleaned ("" without one)."""
    values = parse_qs(query_string or "", max_num_fields=50).get("utm_campaign") or [""]
    return clean_line(values[0])[:MAX_CAMPAIGN]


def count_page_view(
    *,
    short_id: str,
    user_agent: str,
    referrer: str = "",
    query_string: str = "",
    at: datetime | None = None,
) -> bool:
    """Count one view of the page of the event with `short_id`; False (nothing counted) for a robot
    or an unknown event."""
    if is_bot(user_agent):
        return False
    with transaction() as session:
        found = session.exec(
            select(Event.id, Event.workspace_id).where(Event.short_id == (short_id or "").strip().lower())
        ).first()
        if found is None:
            return False
        finance.record_page_view(
            session.connection(),
            event_id=found[0],
            workspace_id=found[1],
            referrer_host=referrer_host(referrer),
            campaign=utm_campaign(query_string),
            at=at or utcnow(),
        )
    return True
