"""Recurring events (#22 §3): rule expansion on the event's wall clock (DST), caps, field errors,
dates that are real events of their own, later-date edits and one-date cancellation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from eventpalour.db import read_only
from eventpalour.models import Event, EventPartner, Order, OrderItem, OutboxEmail, Ticket, TicketStatus, TicketTier
from eventpalour.services import events
from eventpalour.services.events import MAX_OCCURRENCES, SeriesInput, expand_series
from eventpalour.services.events.discovery import DiscoveryFilters, discover_events, upcoming_events
from eventpalour.services.events.event_rules import PartnerInput, TierInput
from eventpalour.services.platform.errors import Conflict, PermissionDenied, ValidationFailed
from eventpalour.services.sales import checkout
from eventpalour.state.discovery import listed_event
from eventpalour.state.event_detail import EventDetailState
from eventpalour.state.event_series import EventSeriesState
from eventpalour.state.events import EventManageState
from tests.factories import (
    add_member,
    approve_kyc,
    event_input,
    local,
    make_event,
    make_organizer,
    make_user,
    make_workspace,
)
from tests.state_support import run_handler, state_for

LONDON_START = datetime(2031, 3, 21, 18, 0, tzinfo=UTC)  # Fri 21 Mar 2031, 18:00 GMT (BST starts 30 Mar)


def _expand(data: SeriesInput, start: datetime = LONDON_START, zone: str = "Europe/London"):
    return expand_series(start, start + timedelta(hours=3), zone, data)


def test_weekly_rule_keeps_local_time_across_dst():
    dates = _expand(SeriesInput("weekly", count=4))
    assert [d.start_at.hour for d in dates] == [18, 18, 17, 17]  # 18:00 local throughout: GMT, GMT, BST, BST
    assert [d.start_at.day for d in dates] == [21, 28, 4, 11]
    assert all(d.end_at - d.start_at == timedelta(hours=3) for d in dates)


def test_daily_rule_until_date_is_inclusive_and_crosses_autumn_change():
    start = datetime(2031, 10, 24, 9, 0, tzinfo=UTC)  # 10:00 BST; clocks go back on 26 Oct
    dates = _expand(SeriesInput("daily", until_date="2031-10-27"), start)
    local_hours = [d.start_at.astimezone(ZoneInfo("Europe/London")).hour for d in dates]
    assert len(dates) == 4 and local_hours == [10, 10, 10, 10]
    assert [d.start_at.hour for d in dates] == [9, 9, 10, 10]  # the 26th is already GMT at 10:00


def test_monthly_rule_with_interval_and_picked_dates():
    monthly = _expand(SeriesInput("monthly", interval=2, count=3))
    assert [(d.start_at.month, d.start_at.day) for d in monthly] == [(3, 21), (5, 21), (7, 21)]
    picked = _expand(SeriesInput("dates", dates=("2031-04-15", "2031-03-25")))
    assert [d.start_at for d in picked] == [
        LONDON_START,
        datetime(2031, 3, 25, 18, 0, tzinfo=UTC),
        datetime(2031, 4, 15, 17, 0, tzinfo=UTC),  # 18:00 BST
    ]


def test_series_is_capped():
    assert len(_expand(SeriesInput("weekly", count=MAX_OCCURRENCES))) == MAX_OCCURRENCES
    with pytest.raises(ValidationFailed) as error:
        _expand(SeriesInput("daily", until_date="2031-12-31"))
    assert error.value.details[0].path == ("until_date",) and f"at most {MAX_OCCURRENCES}" in error.value.message


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (SeriesInput("yearly", count=3), "rule"),
        (SeriesInput("weekly"), "until_date"),
        (SeriesInput("weekly", count=3, until_date="2031-05-01"), "until_date"),
        (SeriesInput("weekly", count=1), "count"),
        (SeriesInput("weekly", count=MAX_OCCURRENCES + 1), "count"),
        (SeriesInput("weekly", interval=0, count=3), "interval"),
        (SeriesInput("weekly", until_date="21/04/2031"), "until_date"),
        (SeriesInput("weekly", until_date="2031-03-21"), "until_date"),
        (SeriesInput("monthly", until_date="2031-04-01"), "until_date"),
        (SeriesInput("dates"), "dates"),
        (SeriesInput("dates", dates=("2031-04-01", "2031-04-01")), "dates"),
        (SeriesInput("dates", dates=("2031-03-20",)), "dates"),
        (SeriesInput("dates", dates=("next friday",)), "dates"),
    ],
)
def test_bad_rules_give_field_errors(data, field):
    with pytest.raises(ValidationFailed) as error:
        _expand(data)
    assert field in [problem.path[0] for problem in error.value.details]


@pytest.fixture
def weekly():
    owner = make_organizer()
    ws = make_workspace(owner)
    event = make_event(
        owner, ws.id, publish=True, tiers=[TierInput(name="General", price=0, quantity=5)], title="Salsa night"
    )
    view = events.create_series(actor=owner.summary, event_id=event.id, data=SeriesInput("weekly", count=4))
    return owner, event, view


def _tiers(event_id: str) -> list[TicketTier]:
    with read_only() as session:
        query = select(TicketTier).where(TicketTier.event_id == event_id)
        return list(session.exec(query.order_by(col(TicketTier.sort_order), col(TicketTier.id))))


def test_create_series_makes_real_events_with_own_tiers(weekly):
    owner, event, view = weekly
    assert view.label == "Every week · 4 dates" and not view.can_repeat
    assert [d.is_current for d in view.dates] == [True, False, False, False]
    with read_only() as session:
        dates = list(session.exec(select(Event).where(Event.series_id == view.series_id).order_by(Event.start_at)))
    assert dates[0].id == event.id
    assert [d.start_at - dates[0].start_at for d in dates] == [timedelta(weeks=n) for n in range(4)]
    assert {d.status for d in dates} == {"active"} and all(d.is_listed for d in dates)
    assert len({d.short_id for d in dates}) == 4 and {d.title for d in dates} == {"Salsa night"}
    tier_ids = {t.id for d in dates for t in _tiers(d.id)}
    assert len(tier_ids) == 4 and all(t.quantity == 5 and t.sold == 0 for d in dates for t in _tiers(d.id))


def test_buying_one_date_leaves_the_others_untouched(weekly):
    owner, event, view = weekly
    second = view.dates[1]
    tier = _tiers(second.event_id)[0]
    buyer = make_user()
    checkout.book_ticket(actor=buyer.summary, event_id=second.short_id, quantities={tier.id: 2})
    sold = {d.event_id: _tiers(d.event_id)[0].sold for d in view.dates}
    assert sold == {d.event_id: (2 if d.event_id == second.event_id else 0) for d in view.dates}
    public = events.list_series_dates(short_id=event.short_id)
    assert [d.availability for d in public] == ["5 tickets left", "3 tickets left", "5 tickets left", "5 tickets left"]
    assert [d.is_current for d in public] == [True, False, False, False]
    # The buyer's language: the counts and the dates' days (#23 §1).
    french = events.list_series_dates(short_id=event.short_id, language="fr")
    assert [d.availability for d in french] == ["5 billets restants", "3 billets restants"] + ["5 billets restants"] * 2
    kiswahili = events.list_series_dates(short_id=event.short_id, language="sw")
    assert kiswahili[1].availability == "Zimebaki tiketi 3"
    assert [d.label for d in french] != [d.label for d in public]


def test_cancelling_one_date_cancels_its_tickets_only(weekly):
    owner, event, view = weekly
    buyers = [make_user(), make_user()]
    for buyer, date in zip(buyers, view.dates[1:3], strict=True):
        checkout.book_ticket(actor=buyer.summary, event_id=date.short_id, quantities={_tiers(date.event_id)[0].id: 1})
    events.change_status(actor=owner.summary, event_id=view.dates[1].event_id, action="cancel")
    with read_only() as session:
        statuses = dict(session.exec(select(Ticket.event_id, Ticket.status)).all())
    assert statuses == {view.dates[1].event_id: TicketStatus.CANCELLED, view.dates[2].event_id: TicketStatus.VALID}
    public = events.list_series_dates(short_id=view.dates[2].short_id)
    assert view.dates[1].short_id not in [d.short_id for d in public] and len(public) == 3


def _start(event_id: str) -> datetime:
    with read_only() as session:
        return session.get(Event, event_id).start_at


def _form(event_id: str, **changes):
    """The event form with the date's own times (published dates cannot move in place)."""
    start = _start(event_id)
    return event_input(start_local=local(start), end_local=local(start + timedelta(hours=3)), **changes)


def test_edit_applies_to_later_dates_only_when_asked(weekly):
    owner, event, view = weekly
    first, second, third, fourth = (d.event_id for d in view.dates)
    data = _form(second, title="Salsa & bachata", venue="Hall B", partners=[PartnerInput(name="Dance Co")])
    events.update_event(actor=owner.summary, event_id=second, data=data, later_dates=True)
    with read_only() as session:
        rows = session.exec(select(Event).where(Event.series_id == view.series_id)).all()
        details = {e.id: (e.title, e.venue) for e in rows}
        partners = session.exec(select(EventPartner.event_id).where(EventPartner.name == "Dance Co")).all()
    assert details[first] == ("Salsa night", "Arboretum")
    assert details[second] == details[third] == details[fourth] == ("Salsa & bachata", "Hall B")
    assert set(partners) == {second, third, fourth}
    events.update_event(actor=owner.summary, event_id=third, data=_form(third, title="Only the third"))
    with read_only() as session:
        assert session.get(Event, fourth).title == "Salsa & bachata"
        assert session.get(Event, third).title == "Only the third"


def test_repeat_refused_twice_for_members_and_with_bad_rules(weekly):
    owner, event, view = weekly
    with pytest.raises(Conflict):
        events.create_series(actor=owner.summary, event_id=event.id, data=SeriesInput("weekly", count=2))
    member = make_user()
    add_member(event.workspace_id, member, "member")
    other = make_event(owner, event.workspace_id, title="One-off")
    with pytest.raises(PermissionDenied):
        events.create_series(actor=member.summary, event_id=other.id, data=SeriesInput("weekly", count=2))
    with pytest.raises(ValidationFailed):
        events.create_series(actor=owner.summary, event_id=other.id, data=SeriesInput("weekly", count=0))
    with read_only() as session:
        assert len(session.exec(select(Event).where(col(Event.series_id).is_not(None))).all()) == 4
        assert session.get(Event, other.id).series_id is None
    assert events.get_event_series(actor=owner.summary, event_id=other.id).can_repeat
    assert events.list_series_dates(short_id=other.short_id) == []


async def test_the_repeat_tab_shows_field_errors_then_creates_the_dates():

    owner = make_organizer()
    ws = make_workspace(owner)
    event = make_event(owner, ws.id, publish=True)
    manage = state_for(EventManageState, token=owner.token, path=f"/workspace/{ws.id}/events/{event.short_id}")
    await run_handler(manage, "load_event")
    assert not manage.actions.is_series_date
    tab = await manage.get_state(EventSeriesState)
    await run_handler(tab, "load_series")
    assert tab.series_loaded and tab.can_repeat and tab.date_lines == []
    await run_handler(tab, "set_choice", "count", "101")
    await run_handler(tab, "create_series")
    assert tab.field_errors == {"count": f"Choose 2 to {MAX_OCCURRENCES} dates."} and not tab.is_submitting
    await run_handler(tab, "set_choice", "count", "many")
    await run_handler(tab, "create_series")
    assert tab.field_errors == {"count": "Enter a whole number."}
    await run_handler(tab, "set_choice", "rule", "dates")
    await run_handler(tab, "set_choice", "new_date", "2020-01-01")
    await run_handler(tab, "add_date")
    await run_handler(tab, "create_series")
    assert set(tab.field_errors) == {"dates"}
    await run_handler(tab, "remove_date", "2020-01-01")
    await run_handler(tab, "set_choice", "rule", "weekly")
    await run_handler(tab, "set_choice", "count", "3")
    await run_handler(tab, "create_series")
    assert tab.field_errors == {} and tab.series_label == "Every week · 3 dates" and len(tab.date_lines) == 3
    assert manage.actions.is_series_date  # the details form now offers "later dates too"
    await run_handler(manage, "set_value", "title", "Jazz every Friday")
    await run_handler(manage, "set_apply_later", True)
    await run_handler(manage, "save_details")
    with read_only() as session:
        titles = session.exec(select(Event.title).where(col(Event.series_id).is_not(None))).all()
    assert titles == ["Jazz every Friday"] * 3

    public = state_for(EventDetailState, token=None, path=f"/e/{tab.date_lines[1].short_id}")
    await run_handler(public, "load_event")
    assert [c.is_current for c in public.date_choices] == [False, True, False]
    assert public.date_choices[0].path == f"/e/{event.short_id}"


async def test_the_date_picker_is_empty_for_unknown_and_forged_ids_and_one_off_events():
    owner = make_organizer()
    one_off = make_event(owner, make_workspace(owner).id, publish=True)
    page = state_for(EventDetailState, token=None, path=f"/e/{one_off.short_id}")
    await run_handler(page, "load_event")
    assert page.loaded and page.date_choices == []
    for path in ("/e/nosuch", "/e/ab\x00cd"):  # PostgreSQL refuses a NUL outright: still no picker
        page = state_for(EventDetailState, token=None, path=path)
        await run_handler(page, "load_event")
        assert page.date_choices == []


def _salsa_cards(cards) -> list[tuple[str, int]]:
    return [(card.short_id, card.more_dates) for card in cards if card.title == "Salsa night"]


def test_discovery_shows_a_series_once_as_its_next_date(weekly):
    owner, event, view = weekly
    first, second = view.dates[0], view.dates[1]
    listing = discover_events(DiscoveryFilters())
    assert _salsa_cards(listing.cards) == [(first.short_id, 3)] and listing.total == 1
    assert _salsa_cards(discover_events(DiscoveryFilters(query="salsa")).cards) == [(first.short_id, 3)]
    assert _salsa_cards(discover_events(DiscoveryFilters(category="music")).cards) == [(first.short_id, 3)]
    assert _salsa_cards(upcoming_events()) == [(first.short_id, 3)]
    after_first = DiscoveryFilters(starts_after=_start(first.event_id) + timedelta(days=1))
    assert _salsa_cards(discover_events(after_first).cards) == [(second.short_id, 2)]
    events.change_status(actor=owner.summary, event_id=first.event_id, action="cancel")
    assert _salsa_cards(discover_events(DiscoveryFilters()).cards) == [(second.short_id, 2)]


def _series_starts(series_id: str) -> list[datetime]:
    with read_only() as session:
        return list(
            session.exec(select(Event.start_at).where(Event.series_id == series_id).order_by(col(Event.start_at)))
        )


def test_extend_previews_then_adds_weekly_dates_after_the_last(weekly):
    owner, event, view = weekly
    more = SeriesInput("weekly", count=4)
    plan = events.preview_series_change(actor=owner.summary, event_id=event.id, mode="extend", data=more)
    assert len(plan.added) == 4 and plan.removed == [] and plan.total == 8 and plan.summary == "4 dates added"
    assert len(_series_starts(view.series_id)) == 4  # a preview changes nothing
    after = events.change_series_dates(actor=owner.summary, event_id=event.id, mode="extend", data=more)
    starts = _series_starts(view.series_id)
    assert after.label == "Every week · 8 dates" and [d.label for d in after.dates[4:]] == plan.added
    assert [s - starts[0] for s in starts] == [timedelta(weeks=n) for n in range(8)]
    added = after.dates[7]
    assert added.status == "active" and _tiers(added.event_id)[0].quantity == 5
    assert len(events.list_series_dates(short_id=event.short_id)) == 8


def test_extend_by_picked_dates_and_the_cap_of_100(weekly):
    owner, event, view = weekly
    last = _series_starts(view.series_id)[-1].astimezone(ZoneInfo("Africa/Nairobi"))
    day = (last + timedelta(days=3)).date().isoformat()
    picked = SeriesInput("dates", dates=(day,))
    events.change_series_dates(actor=owner.summary, event_id=event.id, mode="extend", data=picked)
    assert _series_starts(view.series_id)[-1] - last == timedelta(days=3)
    with pytest.raises(ValidationFailed) as error:
        events.preview_series_change(
            actor=owner.summary, event_id=event.id, mode="extend", data=SeriesInput("daily", count=96)
        )
    assert error.value.details[0].path == ("count",)
    assert error.value.details[0].message == "A series has at most 100 dates; this one has 5, so add 1 to 95."
    with pytest.raises(ValidationFailed) as error:
        events.preview_series_change(
            actor=owner.summary, event_id=event.id, mode="extend", data=SeriesInput("daily", until_date="2020-01-01")
        )
    assert error.value.details[0].path == ("until_date",)


def test_rerule_keeps_earlier_and_sold_dates_and_explains_why(weekly):
    owner, event, view = weekly
    first, second, third, fourth = view.dates
    buyer = make_user()
    checkout.book_ticket(actor=buyer.summary, event_id=third.short_id, quantities={_tiers(third.event_id)[0].id: 1})
    every_two = SeriesInput("weekly", interval=2, count=3)  # second, fourth, and two weeks after the fourth
    plan = events.preview_series_change(actor=owner.summary, event_id=second.event_id, mode="rerule", data=every_two)
    assert plan.removed == [] and [k.label for k in plan.kept] == [third.label] and len(plan.added) == 1
    assert plan.kept[0].reason == "tickets are sold or reserved for it"
    before = _series_starts(view.series_id)
    after = events.change_series_dates(actor=owner.summary, event_id=second.event_id, mode="rerule", data=every_two)
    starts = _series_starts(view.series_id)
    assert starts == [*before, before[3] + timedelta(weeks=2)]
    assert after.label == "Every 2 weeks · 5 dates"
    # Without the sale the third date goes.
    events.change_status(actor=owner.summary, event_id=third.event_id, action="cancel")
    daily = SeriesInput("daily", count=2)
    plan = events.preview_series_change(actor=owner.summary, event_id=fourth.event_id, mode="rerule", data=daily)
    assert len(plan.added) == 1 and len(plan.removed) == 1 and plan.total == 5


def test_series_changes_refused_for_one_offs_members_and_no_change(weekly):
    owner, event, view = weekly
    one_off = make_event(owner, event.workspace_id, title="One-off")
    data = SeriesInput("weekly", count=2)
    with pytest.raises(Conflict):
        events.preview_series_change(actor=owner.summary, event_id=one_off.id, mode="extend", data=data)
    member = make_user()
    add_member(event.workspace_id, member, "member")
    with pytest.raises(PermissionDenied):
        events.change_series_dates(actor=member.summary, event_id=event.id, mode="extend", data=data)
    with pytest.raises(ValidationFailed):
        events.preview_series_change(actor=owner.summary, event_id=event.id, mode="shuffle", data=data)
    same = SeriesInput("weekly", count=4)
    with pytest.raises(ValidationFailed) as error:
        events.preview_series_change(actor=owner.summary, event_id=event.id, mode="rerule", data=same)
    assert error.value.details[0].message == "This rule gives the dates the series already has."
    assert len(_series_starts(view.series_id)) == 4


@pytest.fixture
def paid_weekly():
    owner = make_organizer()
    ws = make_workspace(owner)
    approve_kyc(ws.id)
    regular = TierInput(name="Regular", price=100000, quantity=10)
    event = make_event(owner, ws.id, publish=True, pricing="paid", tiers=[regular], title="Comedy club")
    view = events.create_series(actor=owner.summary, event_id=event.id, data=SeriesInput("weekly", count=4))
    return owner, view


def _tier_rows(view) -> list[list[tuple[str, int, int | None, bool]]]:
    """(name, price, quantity, hidden) of each date's tiers, date by date."""
    return [sorted((t.name, t.price, t.quantity, t.hidden) for t in _tiers(d.event_id)) for d in view.dates]


def _edited(event_id: str, **changes) -> list[TierInput]:
    """The date's tiers as the editor would send them back, with `changes` by tier name."""
    typed = []
    for t in sorted(_tiers(event_id), key=lambda t: t.sort_order):
        fields = dict(id=t.id, name=t.name, price=t.price, quantity=t.quantity, max_per_order=t.max_per_order)
        typed.append(TierInput(**{**fields, "hidden": t.hidden, **changes.get(t.name, {})}))
    return typed


def _unit_prices(event_id: str) -> list[int]:
    with read_only() as session:
        return list(
            session.exec(
                select(OrderItem.unit_price)
                .join(Order, Order.id == OrderItem.order_id)
                .where(Order.event_id == event_id)
            )
        )


def test_price_for_this_and_later_dates_leaves_earlier_dates_and_paid_orders(paid_weekly):
    owner, view = paid_weekly
    first, second, third, fourth = view.dates
    early = make_user()
    checkout.book_ticket(actor=early.summary, event_id=second.short_id, quantities={_tiers(second.event_id)[0].id: 1})
    saved = events.save_series_tiers(
        actor=owner.summary, event_id=third.event_id, tiers=_edited(third.event_id, Regular={"price": 150000})
    )
    assert saved.later_dates == 1 and saved.notes == [] and saved.tiers[0].price == 150000
    assert [rows[0][1] for rows in _tier_rows(view)] == [100000, 100000, 150000, 150000]
    buyer = make_user()
    checkout.book_ticket(actor=buyer.summary, event_id=fourth.short_id, quantities={_tiers(fourth.event_id)[0].id: 2})
    assert _unit_prices(fourth.event_id) == [150000] and _unit_prices(second.event_id) == [100000]
    # From the first date: the second's sales freeze its price, and the organizer is told.
    saved = events.save_series_tiers(
        actor=owner.summary, event_id=first.event_id, tiers=_edited(first.event_id, Regular={"price": 120000})
    )
    assert saved.later_dates == 3
    assert saved.notes == [
        f"{second.label}: Regular keeps its price, as tickets were already sold.",
        f"{fourth.label}: Regular keeps its price, as tickets were already sold.",
    ]
    assert [rows[0][1] for rows in _tier_rows(view)] == [120000, 100000, 120000, 150000]
    assert _unit_prices(second.event_id) == [100000]


def test_capacity_for_later_dates_never_below_their_sales_and_names_the_date(paid_weekly):
    owner, view = paid_weekly
    third, fourth = view.dates[2], view.dates[3]
    buyer = make_user()
    checkout.book_ticket(actor=buyer.summary, event_id=fourth.short_id, quantities={_tiers(fourth.event_id)[0].id: 3})
    with pytest.raises(ValidationFailed) as error:
        events.save_series_tiers(
            actor=owner.summary, event_id=third.event_id, tiers=_edited(third.event_id, Regular={"quantity": 2})
        )
    problem = error.value.details[0]
    assert problem.path == ("tiers", 0, "quantity")
    assert problem.message == f"On {fourth.label}, Regular already has 3 sold or reserved; offer at least that many."
    assert [rows[0][2] for rows in _tier_rows(view)] == [10, 10, 10, 10]  # nothing changed, this date's either
    events.save_series_tiers(
        actor=owner.summary, event_id=third.event_id, tiers=_edited(third.event_id, Regular={"quantity": 3})
    )
    assert [rows[0][2] for rows in _tier_rows(view)] == [10, 10, 3, 3]


def test_add_hide_and_remove_tiers_for_later_dates(paid_weekly):
    owner, view = paid_weekly
    first, second, third, fourth = view.dates
    vip = TierInput(name="VIP", price=300000, quantity=4)
    events.save_series_tiers(actor=owner.summary, event_id=second.event_id, tiers=[*_edited(second.event_id), vip])
    assert _tier_rows(view) == [
        [("Regular", 100000, 10, False)],
        *[[("Regular", 100000, 10, False), ("VIP", 300000, 4, False)]] * 3,
    ]
    events.save_series_tiers(
        actor=owner.summary, event_id=third.event_id, tiers=_edited(third.event_id, VIP={"hidden": True})
    )
    assert [rows[-1][3] for rows in _tier_rows(view)] == [False, False, True, True]
    buyer = make_user()
    checkout.book_ticket(actor=buyer.summary, event_id=fourth.short_id, quantities={_tiers(fourth.event_id)[0].id: 1})
    regular_only = [t for t in _edited(third.event_id) if t.name == "Regular"]
    saved = events.save_series_tiers(actor=owner.summary, event_id=third.event_id, tiers=regular_only)
    assert saved.notes == []  # the sale on the 4th date was a Regular ticket: its VIP tier goes too
    assert [len(rows) for rows in _tier_rows(view)] == [1, 2, 1, 1]
    # This date only: the later dates keep their tiers.
    events.save_tiers(
        actor=owner.summary, event_id=second.event_id, tiers=_edited(second.event_id, VIP={"price": 250000})
    )
    assert _tier_rows(view)[2] == [("Regular", 100000, 10, False)]


def test_postponing_this_and_later_dates_keeps_the_local_hour_across_dst():
    owner = make_organizer()
    ws = make_workspace(owner)
    london = ZoneInfo("Europe/London")
    start = datetime(2027, 3, 16, 18, 0, tzinfo=london)  # Tuesdays; the clocks go forward on 28 March
    event = make_event(
        owner,
        ws.id,
        publish=True,
        title="Quiz night",
        timezone="Europe/London",
        start_local="2027-03-16T18:00",
        end_local="2027-03-16T21:00",
    )
    view = events.create_series(actor=owner.summary, event_id=event.id, data=SeriesInput("weekly", count=4))
    first, second, third, fourth = view.dates
    buyer = make_user()
    checkout.book_ticket(actor=buyer.summary, event_id=third.short_id, quantities={_tiers(third.event_id)[0].id: 1})
    new_start, new_end = start.replace(day=23, hour=19), start.replace(day=23, hour=22, minute=30)
    events.change_status(
        actor=owner.summary,
        event_id=second.event_id,
        action="postpone",
        new_start=new_start,
        new_end=new_end,
        later_dates=True,
    )
    with read_only() as session:
        rows = [session.get(Event, d.event_id) for d in view.dates]
        told = session.exec(select(OutboxEmail.to_email).where(OutboxEmail.subject == "New dates for Quiz night")).all()
    local = [(r.start_at.astimezone(london), r.end_at.astimezone(london)) for r in rows]
    assert [(s.day, s.hour, s.minute, e.hour, e.minute) for s, e in local] == [
        (16, 18, 0, 21, 0),
        (23, 19, 0, 22, 30),
        (30, 19, 0, 22, 30),
        (6, 19, 0, 22, 30),
    ]
    assert [r.start_at.hour for r in rows] == [18, 19, 18, 18]  # UTC: the last two are in summer time
    assert [r.status for r in rows] == ["active", "postponed", "postponed", "postponed"]
    assert told == [buyer.summary.email]


async def test_the_repeat_tab_previews_then_adds_dates(weekly):
    owner, event, view = weekly
    tab = state_for(
        EventSeriesState, token=owner.token, path=f"/workspace/{event.workspace_id}/events/{event.short_id}"
    )
    await run_handler(tab, "load_series")
    assert len(tab.date_lines) == 4 and tab.can_change_rule
    await run_handler(tab, "set_choice", "change_mode", "extend")
    await run_handler(tab, "set_choice", "count", "97")
    await run_handler(tab, "preview_change")
    assert tab.field_errors == {"count": "A series has at most 100 dates; this one has 4, so add 1 to 96."}
    assert not tab.has_preview
    await run_handler(tab, "set_choice", "count", "2")
    await run_handler(tab, "preview_change")
    assert tab.has_preview and len(tab.preview_added) == 2 and tab.preview_total == 6 and tab.field_errors == {}
    await run_handler(tab, "set_choice", "count", "3")
    assert not tab.has_preview  # a changed choice needs a new preview
    await run_handler(tab, "preview_change")
    await run_handler(tab, "confirm_change")
    assert not tab.has_preview and tab.series_label == "Every week · 7 dates" and len(tab.date_lines) == 7


def test_a_series_card_quotes_from_the_lowest_price_of_its_dates(paid_weekly):
    owner, view = paid_weekly
    card = discover_events(DiscoveryFilters()).cards[0]
    assert (card.short_id, card.more_dates, card.min_price, card.max_price) == (
        view.dates[0].short_id,
        3,
        100000,
        100000,
    )
    assert listed_event(card).price == "From KES 1,000.00"
    third = view.dates[2].event_id
    events.save_series_tiers(actor=owner.summary, event_id=third, tiers=_edited(third, Regular={"price": 80000}))
    card = discover_events(DiscoveryFilters()).cards[0]
    assert (card.min_price, card.max_price) == (80000, 100000) and listed_event(card).price == "From KES 800.00"
