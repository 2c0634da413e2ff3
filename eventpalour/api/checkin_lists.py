"""An event's check-in lists (gates, #21 §5) over JSON: list them with their counters (members who
may scan), add, change and delete them (moderators and above). The same service as the manage
page's Check-in lists tab; the rule a list applies at the door is services/tickets/gates.py."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from eventpalour.api.deps import CurrentUser
from eventpalour.api.errors import answers
from eventpalour.api.schemas import StrictIn
from eventpalour.services import tickets
from eventpalour.services.tickets import ListInput, ListRow

router = APIRouter(prefix="/api/events", tags=["check-in lists"])


class CheckInListIn(StrictIn):
    """A list: its name, the tiers it admits (`allTiers`, or the ids in `tierIds`), and whether it
    re-admits once per day (multi-day events) and counts exits."""

    name: str = Field(max_length=1000)
    all_tiers: bool = Field(default=True, alias="allTiers")
    tier_ids: list[str] = Field(default=[], alias="tierIds", max_length=100)
    readmit_daily: bool = Field(default=False, alias="readmitDaily")
    count_exits: bool = Field(default=False, alias="countExits")

    def input(self) -> ListInput:
        return ListInput(
            name=self.name,
            all_tiers=self.all_tiers,
            tier_ids=tuple(t[:16] for t in self.tier_ids),
            readmit_daily=self.readmit_daily,
            count_exits=self.count_exits,
        )


class CheckInListOut(BaseModel):
    id: str
    name: str
    allTiers: bool  # noqa: N815  (JSON field names are camelCase)
    tierIds: list[str]  # noqa: N815
    tiers: str = Field(description='"All tiers" or the names of the tiers it admits.')
    readmitDaily: bool  # noqa: N815
    countExits: bool  # noqa: N815
    isDefault: bool = Field(description="The event's main list: scans without a list id go to it.")  # noqa: N815
    admitted: int = Field(description="Tickets with an entry on this list.")
    total: int = Field(description="Tickets sold that this list admits.")
    inside: int = Field(
        description="Entries minus exits; on a list that re-admits daily, today's only (the event's time zone). "
        "0 on a list that does not count exits."
    )
    canDelete: bool  # noqa: N815

    @classmethod
    def of(cls, row: ListRow) -> CheckInListOut:
        return cls(
            id=row.id,
            name=row.name,
            allTiers=row.all_tiers,
            tierIds=list(row.tier_ids),
            tiers=row.tiers_label,
            readmitDaily=row.readmit_daily,
            countExits=row.count_exits,
            isDefault=row.is_default,
            admitted=row.admitted,
            total=row.total,
            inside=row.inside,
            canDelete=row.can_delete,
        )


@router.get("/{event_id}/checkin-lists", responses=answers(403, 404))
def list_checkin_lists(event_id: str, user: CurrentUser) -> list[CheckInListOut]:
    """The event's check-in lists, the main one first, with their counters."""
    return [CheckInListOut.of(row) for row in tickets.event_checkin_lists(actor=user, event_id=event_id)]


@router.post("/{event_id}/checkin-lists", status_code=201, responses=answers(403, 404))
def create_checkin_list(event_id: str, body: CheckInListIn, user: CurrentUser) -> CheckInListOut:
    """Add a list. 400 names each bad field (`name`, `tier_ids`)."""
    return CheckInListOut.of(tickets.create_checkin_list(actor=user, event_id=event_id, data=body.input()))


@router.put("/{event_id}/checkin-lists/{list_id}", responses=answers(403, 404))
def update_checkin_list(event_id: str, list_id: str, body: CheckInListIn, user: CurrentUser) -> CheckInListOut:
    """Rename a list, change its tiers or settings; its check-ins stay."""
    row = tickets.update_checkin_list(actor=user, event_id=event_id, list_id=list_id, data=body.input())
    return CheckInListOut.of(row)


@router.delete("/{event_id}/checkin-lists/{list_id}", status_code=204, responses=answers(403, 404, 409))
def delete_checkin_list(event_id: str, list_id: str, user: CurrentUser) -> Response:
    """Delete a list nobody was checked in on (409 otherwise, and for the main list)."""
    tickets.delete_checkin_list(actor=user, event_id=event_id, list_id=list_id)
    return Response(status_code=204)
