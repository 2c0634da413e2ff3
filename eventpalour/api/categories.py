"""The managed category list and organizers' suggestions for it (#24 §7), over JSON; the same
services as the event creator's select and "Suggest a category" dialog."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from eventpalour.api.deps import CurrentUser
from eventpalour.api.errors import answers
from eventpalour.api.schemas import StrictIn
from eventpalour.services import events

router = APIRouter(prefix="/api", tags=["categories"])


class CategoryOut(BaseModel):
    slug: str = Field(description="What /events?category= takes, e.g. arts-culture.")
    name: str


class CategoryListOut(BaseModel):
    categories: list[CategoryOut]


class SuggestionIn(StrictIn):
    name: str = Field(max_length=1000)


class SuggestionOut(BaseModel):
    id: str
    name: str
    status: str


@router.get("/categories")
def list_categories() -> CategoryListOut:
    """Every category an event can have, by name with Other last (anyone may read it)."""
    return CategoryListOut(categories=[CategoryOut(slug=c.slug, name=c.name) for c in events.list_categories()])


@router.post("/workspace/{workspace_id}/category-suggestions", status_code=201, responses=answers(403, 404))
def suggest_category(workspace_id: str, body: SuggestionIn, user: CurrentUser) -> SuggestionOut:
    """Suggest a category the list lacks, for the platform's admins to approve (moderators and above of
    the workspace). 400 on `name` when it is listed already or already waiting for review."""
    view = events.suggest_category(actor=user, workspace_id=workspace_id, name=body.name)
    return SuggestionOut(id=view.id, name=view.name, status=view.status)
