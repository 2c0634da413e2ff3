"""An event's discount and access codes over JSON (#19): list, create, edit, (de)activate, delete
(while no order carries it), bulk-create and a CSV download, for the event's moderators and above.
The same service calls as the Codes tab. `kind` null is a code without a discount: an access code
that unlocks the hidden tiers in `unlockTierIds`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from eventpalour.api.deps import CurrentUser
from eventpalour.api.errors import answers
from eventpalour.services import sales

router = APIRouter(prefix="/api/events", tags=["discount codes"])

_TierId = Annotated[str, Field(max_length=16)]


class _In(BaseModel):
    # Not strict: the dates arrive as ISO 8601 strings.
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class TermsIn(_In):
    kind: Literal["percent", "fixed"] | None = None
    value: int | None = Field(default=None, ge=-(2**31), le=2**31 - 1)
    tier_ids: list[_TierId] = Field(default=[], alias="tierIds", max_length=100)
    unlock_tier_ids: list[_TierId] = Field(default=[], alias="unlockTierIds", max_length=100)
    valid_from: datetime | None = Field(default=None, alias="validFrom")
    valid_until: datetime | None = Field(default=None, alias="validUntil")
    max_uses: int | None = Field(default=None, alias="maxUses", ge=-(2**31), le=2**31 - 1)
    per_buyer_limit: int | None = Field(default=None, alias="perBuyerLimit", ge=-(2**31), le=2**31 - 1)
    active: bool = True

    def as_input(self, code: str = "") -> sales.CodeInput:
        return sales.CodeInput(
            code=code,
            kind=self.kind,
            value=self.value,
            tier_ids=tuple(self.tier_ids),
            unlock_tier_ids=tuple(self.unlock_tier_ids),
            valid_from=_utc(self.valid_from),
            valid_until=_utc(self.valid_until),
            max_uses=self.max_uses,
            per_buyer_limit=self.per_buyer_limit,
            active=self.active,
        )


def _utc(moment: datetime | None) -> datetime | None:
    """A moment without a zone is taken as UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


class CodeIn(TermsIn):
    code: str = Field(max_length=100)


class BulkIn(TermsIn):
    count: int = Field(ge=-(2**31), le=2**31 - 1)
    prefix: str = Field(default="", max_length=100)


class ActiveIn(_In):
    active: bool


class CodeOut(BaseModel):
    id: str
    code: str
    kind: str | None
    value: int | None
    label: str
    tier_ids: list[str]
    unlock_tier_ids: list[str]
    valid_from: datetime | None
    valid_until: datetime | None
    max_uses: int | None
    per_buyer_limit: int | None
    active: bool
    uses_held: int
    uses_sold: int
    can_delete: bool


def _out(row: sales.CodeRow) -> CodeOut:
    return CodeOut(
        id=row.id,
        code=row.code,
        kind=row.kind,
        value=row.value,
        label=row.label,
        tier_ids=list(row.tier_ids),
        unlock_tier_ids=list(row.unlock_tier_ids),
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        max_uses=row.max_uses,
        per_buyer_limit=row.per_buyer_limit,
        active=row.active,
        uses_held=row.uses_held,
        uses_sold=row.uses_sold,
        can_delete=row.can_delete,
    )


@router.get("/{event_id}/discount-codes", responses=answers(403, 404))
def list_codes(event_id: str, user: CurrentUser) -> list[CodeOut]:
    """The event's codes with their uses, newest first."""
    return [_out(row) for row in sales.list_codes(actor=user, event_id=event_id)]


@router.post("/{event_id}/discount-codes", status_code=201, responses=answers(403, 404))
def create_code(event_id: str, body: CodeIn, user: CurrentUser) -> CodeOut:
    """A new code (case-insensitive, 3–32 letters, digits, - or _; unique in the event)."""
    return _out(sales.create_code(actor=user, event_id=event_id, data=body.as_input(body.code)))


@router.put("/{event_id}/discount-codes/{code_id}", responses=answers(403, 404))
def update_code(event_id: str, code_id: str, body: TermsIn, user: CurrentUser) -> CodeOut:
    """New terms for a code (its text stays)."""
    return _out(sales.update_code(actor=user, event_id=event_id, code_id=code_id, data=body.as_input()))


@router.post("/{event_id}/discount-codes/{code_id}/active", responses=answers(403, 404))
def set_active(event_id: str, code_id: str, body: ActiveIn, user: CurrentUser) -> CodeOut:
    """Deactivate (new checkouts refuse it) or activate a code."""
    return _out(sales.set_code_active(actor=user, event_id=event_id, code_id=code_id, active=body.active))


@router.delete("/{event_id}/discount-codes/{code_id}", status_code=204, responses=answers(403, 404, 409))
def delete_code(event_id: str, code_id: str, user: CurrentUser) -> Response:
    """Delete a code no order has carried; one that an order carries is refused (409): deactivate it."""
    sales.delete_code(actor=user, event_id=event_id, code_id=code_id)
    return Response(status_code=204)


@router.post("/{event_id}/discount-codes/bulk", status_code=201, responses=answers(403, 404))
def bulk_create(event_id: str, body: BulkIn, user: CurrentUser) -> list[CodeOut]:
    """`count` (1–500) random single-use codes, `prefix` + 8 characters each, on the same terms."""
    rows = sales.bulk_create_codes(
        actor=user, event_id=event_id, count=body.count, prefix=body.prefix, template=body.as_input()
    )
    return [_out(row) for row in rows]


@router.get("/{event_id}/discount-codes.csv", responses=answers(403, 404))
async def export_codes(event_id: str, user: CurrentUser) -> Response:
    """The event's codes as CSV."""
    body = await run_in_threadpool(sales.codes_csv, actor=user, event_id=event_id)
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="discount-codes-{event_id}.csv"',
            "Cache-Control": "no-store",
        },
    )
