"""Recurring events over JSON (#22 §3): repeat an event as a series, read its dates; the same
services as the management page's Repeat tab and the public page's date picker."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from eventpalour.api.deps import CurrentUser
from eventpalour.api.errors import answers
from eventpalour.api.schemas import StrictIn
from eventpalour.services import events

router = APIRouter(prefix="/api/events", tags=["events"])

_Day = Annotated[str, Field(max_length=10)]


class SeriesIn(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    rule: str = Field(max_length=16)  # daily, weekly, monthly or dates
    interval: int = Field(default=1, ge=0, le=1000)
    until_date: str = Field(default="", alias="untilDate", max_length=10)  # local YYYY-MM-DD, inclusive
    count: int | None = Field(default=None, ge=0, le=1000)  # dates in all, the event's own counted
    dates: list[_Day] = Field(default=[], max_length=100)  # rule `dates`: the other local days

    def as_input(self) -> events.SeriesInput:
        return events.SeriesInput(
            rule=self.rule,
            interval=self.interval,
            until_date=self.until_date,
            count=self.count,
            dates=tuple(self.dates),
        )


class SeriesChangeIn(SeriesIn):
    """A change of a series' dates: `mode` extend (add after the last date; `count` counts the new
    dates) or rerule (a new rule from this date on), with the rule's fields."""

    mode: str = Field(max_length=16)


class KeptDateOut(BaseModel):
    label: str
    reason: str


class SeriesPlanOut(BaseModel):
    added: list[str]
    removed: list[str]
    kept: list[KeptDateOut]
    total: int


class SeriesTierIn(StrictIn):
    """A tier as the tickets editor sends it: `id` for a kept tier (none: a new one), `price` in minor
    units, `quantity` null for unlimited, sales window as local "YYYY-MM-DDTHH:MM" in the event's zone."""

    id: str = Field(default="", max_length=16)
    name: str = Field(max_length=1000)
    description: str = Field(default="", max_length=5000)
    price: int = 0
    quantity: int | None = None
    sales_start_local: str = Field(default="", alias="salesStartLocal", max_length=32)
    sales_end_local: str = Field(default="", alias="salesEndLocal", max_length=32)
    max_per_order: int = Field(default=10, alias="maxPerOrder")
    hidden: bool = False
    waitlist: bool = False

    def as_input(self) -> events.TierInput:
        return events.TierInput(**self.model_dump())


class SeriesTiersIn(StrictIn):
    tiers: list[SeriesTierIn] = Field(max_length=50)


class SeriesTierOut(BaseModel):
    id: str
    name: str
    price: int
    quantity: int | None
    sold: int
    hidden: bool


class SeriesTiersOut(BaseModel):
    tiers: list[SeriesTierOut]
    laterDates: int  # noqa: N815
    notes: list[str]


class SeriesPostponeIn(BaseModel):
    """The edited date's new times, ISO 8601 with an offset (JSON has no datetime to be strict about)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    start_at: AwareDatetime = Field(alias="startAt")
    end_at: AwareDatetime = Field(alias="endAt")


class SeriesDateOut(BaseModel):
    eventId: str  # noqa: N815  (JSON field names are camelCase)
    shortId: str  # noqa: N815
    label: str
    status: str
    availability: str
    isCurrent: bool  # noqa: N815
    canBuy: bool  # noqa: N815
    publicPath: str  # noqa: N815


class SeriesOut(BaseModel):
    seriesId: str  # noqa: N815
    label: str
    canRepeat: bool  # noqa: N815
    canChangeRule: bool  # noqa: N815
    dates: list[SeriesDateOut]


def _date(row: events.SeriesDate) -> SeriesDateOut:
    return SeriesDateOut(
        eventId=row.event_id,
        shortId=row.short_id,
        label=row.label,
        status=row.status,
        availability=row.availability,
        isCurrent=row.is_current,
        canBuy=row.can_buy,
        publicPath=row.public_path,
    )


def _series(view: events.SeriesView) -> SeriesOut:
    return SeriesOut(
        seriesId=view.series_id,
        label=view.label,
        canRepeat=view.can_repeat,
        canChangeRule=view.can_change_rule,
        dates=[_date(d) for d in view.dates],
    )


@router.post("/{event_id}/series", status_code=201, responses=answers(403, 404, 409))
def create_series(event_id: str, body: SeriesIn, user: CurrentUser) -> SeriesOut:
    """Repeat the event (moderators and above): `rule` daily, weekly or monthly every `interval`, up
    to `untilDate` or for `count` dates; or rule `dates` with the other `dates`. Each date is a new
    event copying this one (own tiers and capacity) at its local time; at most 52 dates."""
    return _series(events.create_series(actor=user, event_id=event_id, data=body.as_input()))


@router.post("/{event_id}/series/preview", responses=answers(403, 404, 409))
def preview_series_change(event_id: str, body: SeriesChangeIn, user: CurrentUser) -> SeriesPlanOut:
    """The dates a change of the series would add and remove, and the dates it keeps against the new
    rule (tickets sold) with the reason; nothing changes (moderators and above)."""
    plan = events.preview_series_change(actor=user, event_id=event_id, mode=body.mode, data=body.as_input())
    return SeriesPlanOut(
        added=plan.added,
        removed=plan.removed,
        kept=[KeptDateOut(label=k.label, reason=k.reason) for k in plan.kept],
        total=plan.total,
    )


@router.put("/{event_id}/series/dates", responses=answers(403, 404, 409))
def change_series_dates(event_id: str, body: SeriesChangeIn, user: CurrentUser) -> SeriesOut:
    """Make the change the preview showed: add the new dates (copies of the latest date, on sale
    like it) and delete the dropped unsold ones; at most 100 dates in all (moderators and above)."""
    return _series(events.change_series_dates(actor=user, event_id=event_id, mode=body.mode, data=body.as_input()))


@router.put("/{event_id}/series/tiers", responses=answers(403, 404, 409))
def save_series_tiers(event_id: str, body: SeriesTiersIn, user: CurrentUser) -> SeriesTiersOut:
    """Save this date's tiers and carry them to the series' later dates (moderators and above): prices,
    quantities (never below a later date's sales: a field error naming it), added, hidden and removed
    tiers. Orders already placed keep what they paid; `notes` say what a later date kept."""
    saved = events.save_series_tiers(actor=user, event_id=event_id, tiers=[t.as_input() for t in body.tiers])
    return SeriesTiersOut(
        tiers=[
            SeriesTierOut(id=t.id, name=t.name, price=t.price, quantity=t.quantity, sold=t.sold, hidden=t.hidden)
            for t in saved.tiers
        ],
        laterDates=saved.later_dates,
        notes=saved.notes,
    )


@router.post("/{event_id}/series/postpone", responses=answers(403, 404, 409))
def postpone_series_dates(event_id: str, body: SeriesPostponeIn, user: CurrentUser) -> SeriesOut:
    """Postpone this date to `startAt`–`endAt` and move each later date of the series the same way on
    the event's wall clock (the local hour holds across daylight-saving changes); holders are told."""
    events.change_status(
        actor=user,
        event_id=event_id,
        action="postpone",
        new_start=body.start_at,
        new_end=body.end_at,
        later_dates=True,
    )
    return _series(events.get_event_series(actor=user, event_id=event_id))


@router.get("/{event_id}/series", responses=answers(403, 404))
def read_series(event_id: str, user: CurrentUser) -> SeriesOut:
    """The event's series with every date and its status (members of its workspace)."""
    return _series(events.get_event_series(actor=user, event_id=event_id))


@router.get("/{short_id}/dates")
def read_event_dates(short_id: str) -> list[SeriesDateOut]:
    """The dates a buyer can pick from the public event page: the series' upcoming dates on sale,
    with what is left; empty for a one-off event."""
    return [_date(row) for row in events.list_series_dates(short_id=short_id)]
