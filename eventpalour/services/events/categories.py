"""The managed category list (#24 §7): what organizers pick from, what /events filters by, and the
"suggest a category" path that platform admins approve or reject.

Names are compared by their slug (lower-case, dashes between words), so "Sports", "sports" and
" SPORTS " are one category and a suggestion of a name already listed is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from eventpalour.db import read_only, transaction
from eventpalour.models import Category, CategorySuggestion, CategorySuggestionStatus, Workspace
from eventpalour.models.types import utcnow
from eventpalour.services import admin
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import N_, Conflict, NotFound, ValidationFailed, clean_line
from eventpalour.services.workspaces import WorkspaceAction, load_workspace_for

DEFAULT_CATEGORIES = (
    "Music",
    "Sports",
    "Business",
    "Technology",
    "Arts & Culture",
    "Food & Drink",
    "Community",
    "Education",
    "Health & Wellness",
    "Nightlife",
    "Religion & Spirituality",
    "Family",
    "Other",
)
"""The list every platform starts with (seeded by migration 9c4a2e7f1b63)."""
FALLBACK_CATEGORY = "Other"
PICK_FROM_LIST = N_("Choose a category from the list, or suggest a new one.")


def category_slug(name: str) -> str:
    """ "Arts & Culture" → "arts-culture": how category names are compared and put in /events?category=."""
    return re.sub(r"[^a-z0-9]+", "-", clean_line(name).lower()).strip("-")


@dataclass(frozen=True)
class CategoryOption:
    slug: str
    name: str


def list_categories() -> list[CategoryOption]:
    """The list, by name with Other last: the creator's choices and the /events filter."""
    with read_only() as session:
        rows = session.exec(select(Category).order_by(col(Category.name))).all()
    options = [CategoryOption(c.slug, c.name) for c in rows]
    return sorted(options, key=lambda option: option.name == FALLBACK_CATEGORY)


def category_named(session: Session, name: str) -> Category:
    """The listed category called `name` (any case or spacing); a field error on `category` otherwise."""
    slug = category_slug(name)
    found = session.exec(select(Category).where(Category.slug == slug)).first() if slug else None
    if found is None:
        raise ValidationFailed.field("category", PICK_FROM_LIST)
    return found


def check_category(name: str) -> None:
    """`category_named` in its own read, for the creator's first step."""
    with read_only() as session:
        category_named(session, name)


@dataclass(frozen=True)
class CategorySuggestionView:
    """A suggestion as its organizer and the admins' review queue see it; `can_decide` while pending."""

    id: str
    name: str
    workspace_name: str
    status: str
    created_at: datetime
    decided_at: datetime | None
    can_decide: bool


def _view(suggestion: CategorySuggestion, workspace_name: str) -> CategorySuggestionView:
    return CategorySuggestionView(
        id=suggestion.id,
        name=suggestion.name,
        workspace_name=workspace_name,
        status=suggestion.status,
        created_at=suggestion.created_at,
        decided_at=suggestion.decided_at,
        can_decide=suggestion_decision_refusal(suggestion.status) is None,
    )


# A decided suggestion's refusal, one whole sentence per status (a language agrees its participle).
ALREADY_DECIDED: dict[str, str] = {
    CategorySuggestionStatus.APPROVED: N_("This suggestion was already approved."),
    CategorySuggestionStatus.REJECTED: N_("This suggestion was already rejected."),
}


def suggestion_decision_refusal(status: str) -> str | None:
    """Why a suggestion in `status` cannot be approved or rejected, or None (only pending ones can)."""
    return None if status == CategorySuggestionStatus.PENDING else ALREADY_DECIDED[status]


def suggest_category(*, actor: UserSummary | None, workspace_id: str, name: str) -> CategorySuggestionView:
    """Ask the admins to add `name` to the list (those who create events: moderators and above).

    Raises the access errors, and ValidationFailed on `name` when it is too short or long, already
    listed, or already waiting for review.
    """
    cleaned = clean_line(name)
    slug = category_slug(cleaned)
    if not 2 <= len(cleaned) <= 64 or len(slug) < 2:
        raise ValidationFailed.field("name", N_("Name the category in 2 to 64 characters, with letters or digits."))
    with transaction() as session:
        access = load_workspace_for(session, actor, workspace_id, WorkspaceAction.MANAGE_EVENTS)
        listed = session.exec(select(Category.name).where(Category.slug == slug)).first()
        if listed is not None:
            raise ValidationFailed.field(
                "name", N_("{category} is already in the list; pick it there."), category=listed
            )
        waiting = session.exec(
            select(CategorySuggestion.name).where(
                CategorySuggestion.slug == slug, CategorySuggestion.status == CategorySuggestionStatus.PENDING
            )
        ).first()
        if waiting is not None:
            raise ValidationFailed.field(
                "name",
                N_("{category} has been suggested already and is waiting for review."),
                category=waiting,
            )
        suggestion = CategorySuggestion(name=cleaned, slug=slug, workspace_id=workspace_id, suggested_by_id=actor.id)
        session.add(suggestion)
        session.flush()
        admin.record_audit(
            session, action="category.suggest", actor_id=actor.id, target=("category_suggestion", suggestion.id)
        )
        return _view(suggestion, access.workspace.name)


def list_category_suggestions(*, actor: UserSummary | None, status: str = "pending") -> list[CategorySuggestionView]:
    """The review queue of one status, oldest first (admins who review categories)."""
    with read_only() as session:
        admin.require_admin(session, actor, admin.AdminCapability.REVIEW_CATEGORIES)
        rows = session.exec(
            select(CategorySuggestion, Workspace.name)
            .join(Workspace, col(Workspace.id) == col(CategorySuggestion.workspace_id))
            .where(CategorySuggestion.status == status)
            .order_by(col(CategorySuggestion.created_at), col(CategorySuggestion.id))
            .limit(200)
        ).all()
        return [_view(suggestion, workspace_name) for suggestion, workspace_name in rows]


def decide_category_suggestion(
    *, actor: UserSummary | None, suggestion_id: str, approve: bool
) -> CategorySuggestionView:
    """Approve (the name joins the list, unless it is there already) or reject a pending suggestion.

    Raises PermissionDenied (not a reviewing admin), NotFound, Conflict (already decided).
    """
    with transaction() as session:
        reviewer = admin.require_admin(session, actor, admin.AdminCapability.REVIEW_CATEGORIES)
        suggestion = session.get(CategorySuggestion, clean_line(suggestion_id), with_for_update=True)
        if suggestion is None:
            raise NotFound(N_("This suggestion does not exist."))
        if refusal := suggestion_decision_refusal(suggestion.status):
            raise Conflict(refusal)
        if approve and session.exec(select(Category.id).where(Category.slug == suggestion.slug)).first() is None:
            session.add(Category(name=suggestion.name, slug=suggestion.slug))
        suggestion.status = CategorySuggestionStatus.APPROVED if approve else CategorySuggestionStatus.REJECTED
        suggestion.decided_by_id, suggestion.decided_at = reviewer.user_id, utcnow()
        admin.record_audit(
            session,
            action=f"category.{suggestion.status}",
            actor_id=actor.id,
            target=("category_suggestion", suggestion.id),
            details={"name": suggestion.name},
        )
        workspace = session.get(Workspace, suggestion.workspace_id)
        return _view(suggestion, workspace.name if workspace else "")
