"""Recurring events over JSON (#22 §3): repeat an event as a series, read its dates; the same
services as the management page's Repeat tab and the public page's date picker."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from eventpalour.api.deps import CurrentUser
from eventpalour.api.errors import answers
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


@router.get("/{event_id}/series", responses=answers(403, 404))
def read_series(event_id: str, user: CurrentUser) -> SeriesOut:
    """The event's series with every date and its status (members of its workspace)."""
    return _series(events.get_event_series(actor=user, event_id=event_id))


@router.get("/{short_id}/dates")
def read_event_dates(short_id: str) -> list[SeriesDateOut]:
    """The dates a buyer can pick from the public event page: the series' upcoming dates on sale,
    with what is left; empty for a one-off event."""
    return [_date(row) for row in events.list_series_dates(short_id=short_id)]
