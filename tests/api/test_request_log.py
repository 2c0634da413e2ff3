"""Operators' logs (issue: scale-out): one access line per request with its request id, the id
echoed to the client, secrets kept out of the paths that are logged, domain actions logged too."""

from __future__ import annotations

import logging
import time

import httpx
import pytest

from eventpalour.logs import LOG_FORMAT, RequestIdFilter


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter(LOG_FORMAT))
        self.addFilter(RequestIdFilter())

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def log_lines():
    handler = Collect()
    logger = logging.getLogger("eventpalour")
    logger.addHandler(handler)
    yield handler.lines
    logger.removeHandler(handler)


def test_each_request_gets_an_id_and_one_access_line(http: httpx.Client, log_lines):
    response = http.get("/api/health")
    request_id = response.headers["x-request-id"]
    assert len(request_id) == 16

    # The line is written as the request ends, which may be just after the client has the answer.
    # Only this request's lines count: the app's background loops make requests of their own (a
    # refund sent to the built-in Paystack sandbox, over HTTP to this same app) at any moment.
    def mine() -> list[str]:
        return [line for line in log_lines if "eventpalour.access" in line and f"[{request_id}]" in line]

    deadline = time.monotonic() + 5
    while not mine() and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.2)  # a second line for the same request would come right after the first
    access = mine()
    assert len(access) == 1
    assert f"[{request_id}] GET /api/health 200" in access[0]


def test_a_sane_incoming_id_is_kept_and_a_strange_one_replaced(http: httpx.Client, log_lines):
    kept = http.get("/api/health", headers={"X-Request-ID": "lb-4f1c2a9e77"})
    assert kept.headers["x-request-id"] == "lb-4f1c2a9e77"
    replaced = http.get("/api/health", headers={"X-Request-ID": "spaces and $ymbols <script>"})
    assert replaced.headers["x-request-id"] != "spaces and $ymbols <script>"
    assert not any("script" in line for line in log_lines)


def test_tokens_in_paths_and_query_strings_never_reach_the_log(http: httpx.Client, log_lines):
    http.get("/invite/very-secret-invite-token")
    http.get("/api/health?token=very-secret-query")
    joined = "\n".join(log_lines)
    assert "very-secret" not in joined
    assert "GET /invite/… " in joined


def test_domain_actions_are_logged(http: httpx.Client, log_lines):
    from eventpalour.services.events.event_rules import TierInput
    from eventpalour.services.events.tiers import get_tiers
    from eventpalour.services.sales import checkout
    from tests.factories import make_event, make_organizer, make_user, make_workspace

    owner = make_organizer()
    event = make_event(owner, make_workspace(owner).id, publish=True, tiers=[TierInput(name="Entry", quantity=5)])
    tier_id = get_tiers(actor=owner.summary, event_id=event.id)[0].id
    result = checkout.book_ticket(actor=make_user().summary, event_id=event.id, quantities={tier_id: 2})
    placed = [line for line in log_lines if "order placed" in line]
    assert len(placed) == 1 and result.reference in placed[0] and "tickets=2" in placed[0]
