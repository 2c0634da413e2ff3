"""The public side of events (SPEC §4): the event page's data, each tier's sale state, the /events query string,
and the time and price labels people read."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Integer, literal, select, update
from sqlalchemy.orm.attributes import set_committed_value

from eventpalour.db import read_only, transaction
from eventpalour.models import Event, EventStatus, TicketTier, TierSeats, Workspace
from eventpalour.models.types import utcnow
from eventpalour.services.events import lifecycle as events
from eventpalour.services.events.discovery import PublicEvent, get_public_event, read_query, summary_text
from eventpalour.services.events.event_rules import PartnerInput, TierInput
from eventpalour.services.platform.dates import event_schedule, event_when, sales_start_label
from eventpalour.services.platform.errors import NotFound
from eventpalour.services.platform.money import price_from_label, price_label
from eventpalour.services.sales.fees import price_of
from eventpalour.services.sales.tier_sales import SaleState, clamp_quantity, tier_sale
from tests.factories import approve_kyc, make_event, make_organizer, make_workspace

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
EVENT_END = NOW + timedelta(days=30)


def _sale(tier: TicketTier, *, status: str = EventStatus.ACTIVE, end: datetime = EVENT_END):
    return tier_sale(tier, event_status=status, event_end=end, zone_name="Africa/Nairobi", now=NOW)


def _tier(**values) -> TicketTier:
    """A tier as if loaded: its seats left worked out from its counters by the database (TierSeats)."""
    tier = TicketTier(event_id="e", name="General", **{"price": 0, "sold": 0, "held": 0, "max_per_order": 10, **values})
    counters = (literal(tier.quantity, Integer), literal(tier.sold, Integer), literal(tier.held, Integer))
    with read_only() as session:
        set_committed_value(tier, "seats_left", session.execute(select(TierSeats(*counters).left)).scalar_one())
    return tier


def test_tier_sale_unlimited_tier_on_sale_up_to_max_per_order():
    sale = _sale(_tier(quantity=None, max_per_order=6))
    assert (sale.state, sale.label, sale.available, sale.max_quantity) == (SaleState.ON_SALE, "On sale", None, 6)


def test_tier_sale_few_seats_left_caps_the_order():
    sale = _sale(_tier(quantity=10, sold=6, held=1))
    assert (sale.state, sale.available, sale.max_quantity) == (SaleState.ON_SALE, 3, 3)


@pytest.mark.parametrize(("sold", "held"), [(10, 0), (7, 3), (0, 10)])
def test_tier_sale_sold_out_counts_sold_and_held(sold, held):
    sale = _sale(_tier(quantity=10, sold=sold, held=held))
    assert (sale.state, sale.label, sale.max_quantity) == (SaleState.SOLD_OUT, "Sold out", 0)


def test_tier_sale_not_started_names_the_local_start():
    sale = _sale(_tier(sales_start=datetime(2026, 12, 5, 15, 0, tzinfo=UTC)))
    assert (sale.state, sale.label, sale.max_quantity) == (SaleState.NOT_STARTED, "Sales start 5 Dec, 18:00", 0)


def test_tier_sale_not_started_next_year_shows_the_year():
    sale = _sale(_tier(sales_start=datetime(2027, 1, 10, 7, 30, tzinfo=UTC)))
    assert sale.label == "Sales start 10 Jan 2027, 10:30"


def test_tier_sale_started_and_open_window_is_on_sale():
    sale = _sale(_tier(sales_start=NOW - timedelta(days=1), sales_end=NOW + timedelta(days=1)))
    assert sale.state == SaleState.ON_SALE


def test_tier_sale_ended_when_sales_end_passed():
    sale = _sale(_tier(sales_end=NOW - timedelta(minutes=1)))
    assert (sale.state, sale.label, sale.max_quantity) == (SaleState.ENDED, "Sales ended", 0)


def test_tier_sale_ended_when_event_over_even_if_sold_out():
    assert _sale(_tier(quantity=5, sold=5), end=NOW).state == SaleState.ENDED


@pytest.mark.parametrize("status", [EventStatus.CANCELLED, EventStatus.COMPLETED, EventStatus.INACTIVE])
def test_tier_sale_ended_for_event_not_on_sale(status):
    assert _sale(_tier(), status=status).state == SaleState.ENDED


def test_tier_sale_postponed_event_still_sells():
    assert _sale(_tier(), status=EventStatus.POSTPONED).state == SaleState.ON_SALE


def test_clamp_quantity_and_subtotal():
    assert [clamp_quantity(n, 4) for n in (-2, 0, 3, 9)] == [0, 0, 3, 4]
    assert price_of({"vip": 500000, "reg": 150000}, {"vip": 1, "reg": 2, "gone": 3}, "absorb").subtotal == 800000


@pytest.fixture
def org():
    owner = make_organizer()
    ws = make_workspace(owner, name="Savannah Sounds")
    approve_kyc(ws.id)
    return owner, ws


def test_get_public_event_shows_visible_tiers_partners_and_organizer(org):
    owner, ws = org
    with transaction() as session:
        session.get(Workspace, ws.id).verified = True
    event = make_event(
        owner,
        ws.id,
        publish=True,
        pricing="paid",
        type="hybrid",
        online_link="https://zoom.us/j/secret-room",
        meeting_platform="zoom",
        partners=(PartnerInput(name="Safaricom", url="https://safaricom.co.ke"),),
        tiers=[
            TierInput(name="Regular", price=150000, quantity=100),
            TierInput(name="Staff", price=0, hidden=True),
            TierInput(name="VIP", price=500000, quantity=2, max_per_order=4),
        ],
    )
    page = get_public_event(event.short_id.upper())
    assert (page.title, page.category, page.type) == ("Jazz on the Lawn", "Music", "hybrid")
    assert page.meeting_platform == "zoom"
    assert (page.organizer_name, page.organizer_verified, page.status) == ("Savannah Sounds", True, "active")
    assert [(t.name, t.price, t.sale_state, t.max_quantity) for t in page.tiers] == [
        ("Regular", 150000, "on_sale", 10),
        ("VIP", 500000, "on_sale", 2),
    ]
    assert [(p.name, p.url) for p in page.partners] == [("Safaricom", "https://safaricom.co.ke")]


def test_get_public_event_never_carries_the_online_link(org):
    owner, ws = org
    event = make_event(
        owner, ws.id, publish=True, type="online", online_link="https://meet.google.com/abc", meeting_platform="zoom"
    )
    page = get_public_event(event.short_id)
    assert "online_link" not in {f.name for f in fields(PublicEvent)}
    assert "meet.google.com" not in repr(page)


def test_get_public_event_unknown_id_not_found():
    with pytest.raises(NotFound):
        get_public_event("zzzzzz")


def test_get_public_event_draft_not_found(org):
    owner, ws = org
    draft = make_event(owner, ws.id)
    with pytest.raises(NotFound):
        get_public_event(draft.short_id)


def test_get_public_event_hidden_not_found(org):
    owner, ws = org
    event = make_event(owner, ws.id, publish=True)
    events.change_status(actor=owner.summary, event_id=event.id, action="hide")
    with pytest.raises(NotFound):
        get_public_event(event.short_id)


def test_get_public_event_cancelled_still_shown_with_status(org):
    owner, ws = org
    event = make_event(owner, ws.id, publish=True)
    events.change_status(actor=owner.summary, event_id=event.id, action="cancel")
    page = get_public_event(event.short_id)
    assert page.status == "cancelled"
    assert [t.sale_state for t in page.tiers] == ["ended"]


def test_the_event_page_note_looks_by_the_flags_the_service_returns(org):
    """The page renders note_icon and note_tone; they come from is_cancelled / is_postponed, not status words."""
    from eventpalour.state.event_detail import event_page

    owner, ws = org
    live, stopped = make_event(owner, ws.id, publish=True), make_event(owner, ws.id, publish=True)
    events.change_status(actor=owner.summary, event_id=stopped.id, action="cancel")
    shown = get_public_event(live.short_id)
    assert (shown.is_cancelled, shown.is_postponed) == (False, False)
    assert (event_page(shown).note_icon, event_page(shown).note_tone) == ("info", "gray")
    cancelled = get_public_event(stopped.short_id)
    assert cancelled.is_cancelled and event_page(cancelled).note_tone == "red"
    assert event_page(cancelled).note_icon == "circle-x"
    # The note is said in the reader's language (#23 §1); an event with none shows none in any.
    assert event_page(cancelled).status_note == "This event was cancelled. Tickets are no longer on sale."
    assert event_page(cancelled, "fr").status_note == "Cet événement a été annulé. Les billets ne sont plus en vente."
    assert event_page(shown, "sw").status_note == ""


def test_get_public_event_past_event_reads_completed(org):
    owner, ws = org
    event = make_event(owner, ws.id, publish=True)
    with transaction() as session:
        session.execute(
            update(Event)
            .where(Event.id == event.id)
            .values(start_at=utcnow() - timedelta(days=3), end_at=utcnow() - timedelta(days=2))
        )
    page = get_public_event(event.short_id)
    assert (page.status, page.tiers[0].sale_state, page.tiers[0].sale_label) == ("completed", "ended", "Sales ended")


def test_get_public_event_sold_out_and_not_started_tiers(org):
    owner, ws = org
    later = utcnow() + timedelta(days=2)
    event = make_event(
        owner,
        ws.id,
        publish=True,
        tiers=[
            TierInput(name="Early", price=0, quantity=3),
            TierInput(name="Late", price=0, sales_start_local=later.strftime("%Y-%m-%dT%H:%M")),
        ],
    )
    with transaction() as session:
        session.execute(update(TicketTier).where(TicketTier.name == "Early").values(sold=2, held=1))
    early, late = get_public_event(event.short_id).tiers
    assert (early.sale_state, early.sale_label) == ("sold_out", "Sold out")
    assert late.sale_state == "not_started" and late.sale_label.startswith("Sales start ")


def test_summary_text_strips_markdown_and_cuts_at_a_word():
    description = "# Jazz **night**\n\n- Live [band](https://x.test) <b>and</b> `food`\n1. Gates open at 5. Come early"
    assert summary_text(description) == "Jazz night Live band and food Gates open at 5. Come early"
    long = "word " * 100
    cut = summary_text(long, limit=30)
    assert cut.endswith("…") and len(cut) <= 30 and not cut[:-1].endswith(" ")


def test_read_query_keeps_valid_values_and_drops_the_rest():
    query = read_query(
        {"q": "  jazz   night ", "type": "online", "price": "cheap", "from": "2026-12-01", "to": "bad", "page": "3"}
    )
    assert query.params == {"q": "jazz night", "type": "online", "from": "2026-12-01", "page": "3"}
    assert (query.filters.query, query.filters.type, query.filters.pricing) == ("jazz night", "online", "")
    assert query.page == 3
    # Calendar days in East Africa Time: 1 Dec 00:00 EAT is 30 Nov 21:00 UTC.
    assert query.filters.starts_after == datetime(2026, 11, 30, 21, 0, tzinfo=UTC)
    assert query.filters.starts_before is None


def test_read_query_to_date_is_inclusive_and_page_bounded():
    query = read_query({"to": "2026-12-31", "page": "-1"})
    assert query.filters.starts_before == datetime(2026, 12, 31, 21, 0, tzinfo=UTC) and query.page == 1


def test_event_time_labels_use_the_event_zone():
    start = datetime(2026, 12, 5, 15, 0, tzinfo=UTC)
    assert event_when(start, "Africa/Nairobi", now=NOW) == "Sat 5 Dec · 18:00 EAT"
    assert event_when(start, "Africa/Lagos", now=NOW) == "Sat 5 Dec · 16:00 WAT"
    assert event_when(start, "Africa/Nairobi", now=NOW + timedelta(days=365)) == "Sat 5 Dec 2026 · 18:00 EAT"
    assert event_schedule(start, start + timedelta(hours=5), "Africa/Nairobi") == "Sat 5 Dec 2026 · 18:00 – 23:00 EAT"
    assert (
        event_schedule(start, start + timedelta(days=2), "Africa/Johannesburg")
        == "Sat 5 Dec 2026, 17:00 – Mon 7 Dec 2026, 17:00 SAST"
    )
    assert sales_start_label(start, "Africa/Nairobi", now=NOW) == "Sales start 5 Dec, 18:00"


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (None, None, "Free"),
        (0, 0, "Free"),
        (150000, 150000, "KES 1,500.00"),
        (150000, 500000, "From KES 1,500.00"),
        (0, 500000, "Free – KES 5,000.00"),
    ],
)
def test_price_from_label(low, high, expected):
    assert price_from_label(low, high, "KES") == expected


def test_price_label_free_for_zero():
    assert (price_label(0, "NGN"), price_label(250000, "NGN")) == ("Free", "NGN 2,500.00")


def test_event_page_carries_the_description_as_html_without_the_authors_own(org):
    """The page ships no Markdown renderer: the description arrives as HTML, its Markdown rendered on
    the server, with the author's own HTML kept as text and no javascript: link."""
    from eventpalour.state.event_detail import event_page

    owner, ws = org
    description = "**Doors** at 6.\n\n<script>alert(1)</script>\n\n[map](javascript:alert(1)) [site](https://a.example)"
    event = make_event(owner, ws.id, publish=True, description=description)
    html = event_page(get_public_event(event.short_id)).description_html
    assert "<strong>Doors</strong>" in html
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="https://a.example"' in html and 'href="javascript' not in html
