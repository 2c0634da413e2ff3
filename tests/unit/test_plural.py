"""Counts in words (issue #24, item 8): "1 ticket sold", "1 try left", never "1 tickets" or "1 tries"."""

from __future__ import annotations

import pytest

from eventpalour.services.finance.event_totals import EventSalesTotals
from eventpalour.services.platform import plural
from eventpalour.services.platform.rate_limit import wait_text
from eventpalour.services.platform.text import plural as plural_in_module
from eventpalour.state.money_text import event_figures_text
from eventpalour.state.workspace import workspace_tab

pytestmark = pytest.mark.no_db  # reads no database: SQLite run only (tests/conftest.py checks)


@pytest.mark.parametrize(
    ("count", "noun", "words"),
    [
        (1, "ticket", "1 ticket"),
        (0, "ticket", "0 tickets"),
        (2, "ticket", "2 tickets"),
        (1, "try", "1 try"),
        (3, "try", "3 tries"),
        (2, "day", "2 days"),
        (2, "pass", "2 passes"),
        (2, "match", "2 matches"),
        (1200, "attendee", "1,200 attendees"),
        (1, "paid order", "1 paid order"),
    ],
)
def test_plural(count: int, noun: str, words: str) -> None:
    assert plural(count, noun) == words


def test_plural_irregular_and_one_helper() -> None:
    assert plural(1, "person", "people") == "1 person" and plural(5, "person", "people") == "5 people"
    assert plural is plural_in_module


def test_wait_text_reads_properly() -> None:
    assert [wait_text(s) for s in (1, 40, 60, 61, 900)] == [
        "1 second",
        "40 seconds",
        "1 minute",
        "2 minutes",
        "15 minutes",
    ]


def test_event_figures_word_their_counts() -> None:
    one = event_figures_text(EventSalesTotals("KES", paid_orders=1, tickets=1))
    many = event_figures_text(EventSalesTotals("KES", paid_orders=2, tickets=40))
    assert (one.tickets_sold_label, one.paid_orders_label) == ("1 ticket sold", "1 paid order")
    assert (many.tickets_sold_label, many.paid_orders_label) == ("40 tickets sold", "2 paid orders")


@pytest.mark.parametrize(
    ("path", "tab"),
    [
        ("/workspace/ab12", "dashboard"),
        ("/workspace/ab12/", "dashboard"),
        ("/workspace/ab12/events", "events"),
        ("/workspace/ab12/events/new", "events"),
        ("/workspace/ab12/events/xyz789/attendees", "events"),
        ("/workspace/ab12/members", "members"),
        ("/workspace/ab12/settings", "settings"),
        ("/workspace/ab12/billing", "billing"),
        ("/workspace/ab12/verification", "verification"),
    ],
)
def test_workspace_tab_follows_the_page(path: str, tab: str) -> None:
    assert workspace_tab(path) == tab
    french = event_figures_text(EventSalesTotals("KES", paid_orders=2, tickets=1), "fr")
    assert (french.tickets_sold_label, french.paid_orders_label) == ("1 billet vendu", "2 commandes payées")
