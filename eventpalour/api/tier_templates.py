"""A workspace's ticket tier templates for API clients (#19 §6): list, add, change and delete them.

The same service as the workspace settings page; moderators and above (the people who create
events) may use them. Prices are in minor units of the template's currency (KES 1,500.00 is 150000).
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from eventpalour.api.deps import CurrentUser
from eventpalour.api.errors import answers
from eventpalour.api.schemas import StrictIn
from eventpalour.services import events
from eventpalour.services.events import TierTemplateInput, TierTemplateView

router = APIRouter(prefix="/api/workspace", tags=["tier templates"])


class TierTemplateIn(StrictIn):
    """A template. `price` in minor units of `currency` (0: free); `quantity` null: unlimited."""

    name: str = Field(max_length=1000)
    description: str = Field(default="", max_length=5000)
    price: int = 0
    currency: str = Field(default="KES", max_length=8)
    quantity: int | None = None
    max_per_order: int = Field(default=10, alias="maxPerOrder")


class TierTemplatePatch(StrictIn):
    """The fields to change; those left out keep their value."""

    name: str = Field(default="", max_length=1000)
    description: str = Field(default="", max_length=5000)
    price: int = 0
    currency: str = Field(default="KES", max_length=8)
    quantity: int | None = None
    max_per_order: int = Field(default=10, alias="maxPerOrder")


class TierTemplateOut(BaseModel):
    id: str
    name: str
    description: str
    price: int = Field(description="In minor units of `currency`; 0 is a free ticket.")
    currency: str
    quantity: int | None = Field(description="Seats a tier started from it offers; null: unlimited.")
    maxPerOrder: int  # noqa: N815  (JSON field names are camelCase)
    createdAt: datetime  # noqa: N815
    updatedAt: datetime  # noqa: N815

    @classmethod
    def of(cls, view: TierTemplateView) -> TierTemplateOut:
        return cls(
            id=view.id,
            name=view.name,
            description=view.description,
            price=view.price,
            currency=view.currency,
            quantity=view.quantity,
            maxPerOrder=view.max_per_order,
            createdAt=view.created_at,
            updatedAt=view.updated_at,
        )


class TierTemplateListOut(BaseModel):
    templates: list[TierTemplateOut]


def _input(body: TierTemplateIn | TierTemplatePatch) -> TierTemplateInput:
    return TierTemplateInput(**{name: getattr(body, name) for name in events.TEMPLATE_FIELDS})


@router.get("/{workspace_id}/tier-templates", responses=answers(403))
def list_templates(workspace_id: str, user: CurrentUser) -> TierTemplateListOut:
    """The workspace's ticket templates, by name (moderators and above)."""
    views = events.list_tier_templates(actor=user, workspace_id=workspace_id)
    return TierTemplateListOut(templates=[TierTemplateOut.of(v) for v in views])


@router.post("/{workspace_id}/tier-templates", status_code=201, responses=answers(403))
def create_template(workspace_id: str, body: TierTemplateIn, user: CurrentUser) -> TierTemplateOut:
    """Add a template. 400 names each field that breaks a tier rule, or a name the workspace already
    uses (names are compared whatever their case)."""
    view = events.create_tier_template(actor=user, workspace_id=workspace_id, data=_input(body))
    return TierTemplateOut.of(view)


@router.patch("/{workspace_id}/tier-templates/{template_id}", responses=answers(403))
def update_template(workspace_id: str, template_id: str, body: TierTemplatePatch, user: CurrentUser) -> TierTemplateOut:
    """Change the fields sent; the rest keep their value. Tiers already started from it do not change."""
    view = events.update_tier_template(
        actor=user,
        workspace_id=workspace_id,
        template_id=template_id,
        data=_input(body),
        only=frozenset(body.model_fields_set),
    )
    return TierTemplateOut.of(view)


@router.delete("/{workspace_id}/tier-templates/{template_id}", status_code=204, responses=answers(403))
def delete_template(workspace_id: str, template_id: str, user: CurrentUser) -> Response:
    """Delete a template. Tiers already started from it do not change."""
    events.delete_tier_template(actor=user, workspace_id=workspace_id, template_id=template_id)
    return Response(status_code=204)
