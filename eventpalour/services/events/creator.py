"""The step-by-step event creator's server side (#24 §6): the checks each step runs (the same ones
`create_event` runs), the defaults a workspace's country gives, and the draft kept as you go.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, select

from eventpalour.db import read_only, transaction
from eventpalour.models import EventDraft, EventStatus
from eventpalour.models.types import utcnow
from eventpalour.services import sales, workspaces
from eventpalour.services.events.categories import category_named, check_category
from eventpalour.services.events.discovery import PublicEvent, PublicPartner, PublicTier
from eventpalour.services.events.event_rules import (
    MAX_PARTNERS,
    MAX_TIERS,
    EventInput,
    TierInput,
    clean_event,
    paid_tiers_refusal,
)
from eventpalour.services.events.tiers import check_tiers
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import N_, FieldError, Message, ValidationFailed, clean_line, clean_text
from eventpalour.services.workspaces import WorkspaceAction, load_workspace_for


def check_new_event(data: EventInput, tiers: list[TierInput] | None = None) -> dict[str, object]:
    """Every rule a new event must pass, each problem under its field: the event's fields, that its
    category is on the list, and (when `tiers` is given) every tier and that a paid event sells
    something. The creator runs it at each step (showing that step's fields), `create_event` whole.
    Returns clean_event's values; raises ValidationFailed."""
    problems: list[FieldError] = []
    cleaned: dict[str, object] | None = None
    try:
        cleaned = clean_event(data)
    except ValidationFailed as failure:
        problems.extend(failure.details)
    if not any(problem.path == ("category",) for problem in problems):
        try:
            check_category(data.category)
        except ValidationFailed as failure:
            problems.extend(failure.details)
    if tiers is not None and cleaned is not None:
        problems.extend(_tier_problems(tiers, cleaned))
    if problems:
        raise ValidationFailed(problems[0].message, details=problems)
    return cleaned


def _tier_problems(tiers: list[TierInput], cleaned: dict[str, Any]) -> list[FieldError]:
    try:
        check_tiers(
            tiers,
            pricing=cleaned["pricing"],
            currency=cleaned["currency"],
            timezone=cleaned["timezone"],
            event_end=cleaned["end_at"],
        )
    except ValidationFailed as failure:
        return list(failure.details)
    if refusal := paid_tiers_refusal(cleaned["pricing"], [tier.price for tier in tiers]):
        return [FieldError(("tiers",), refusal)]
    return []


@dataclass(frozen=True)
class CreatorDefaults:
    """What a new event starts with: the currency, time zone and country of the workspace's country."""

    currency: str = "KES"
    timezone: str = "Africa/Nairobi"
    country: str = "Kenya"


COUNTRY_DEFAULTS = {
    "KE": CreatorDefaults("KES", "Africa/Nairobi", "Kenya"),
    "NG": CreatorDefaults("NGN", "Africa/Lagos", "Nigeria"),
    "GH": CreatorDefaults("GHS", "Africa/Accra", "Ghana"),
    "ZA": CreatorDefaults("ZAR", "Africa/Johannesburg", "South Africa"),
}
"""By the workspace's country (its KYC filing's tax country); any other country keeps the defaults."""


def creator_defaults(*, actor: UserSummary | None, workspace_id: str) -> CreatorDefaults:
    """The creator's starting currency, zone and country for this workspace (moderators and above)."""
    with read_only() as session:
        load_workspace_for(session, actor, workspace_id, WorkspaceAction.MANAGE_EVENTS)
        country = workspaces.workspace_country(session, workspace_id)
    return COUNTRY_DEFAULTS.get(country, CreatorDefaults())


DRAFT_VALUE_KEYS = tuple(f.name for f in fields(EventInput) if f.name != "partners")
DRAFT_TIER_KEYS = ("name", "description", "price", "quantity", "sales_start_local", "sales_end_local", "max_per_order")
DRAFT_PARTNER_KEYS = ("name", "url", "logo_url")
MAX_DRAFT_TEXT = 20_000


@dataclass(frozen=True)
class DraftForm:
    """The creator's fields as typed (text; a tier's `hidden` is a flag) and the step reached."""

    values: dict[str, str]
    tiers: tuple[dict[str, Any], ...] = ()
    partners: tuple[dict[str, str], ...] = ()
    step: int = 0


@dataclass(frozen=True)
class EventDraftView:
    form: DraftForm
    title: str  # the typed title, or "Untitled event" (said in the reader's language: `platform.said`)
    updated_at: datetime


def _text(value: object, path: tuple, *, lines: bool = False) -> str:
    text = clean_text(str(value)) if lines else clean_line(str(value))
    if len(text) > MAX_DRAFT_TEXT:
        raise ValidationFailed(
            N_("This field is too long to keep in a draft."),
            details=[FieldError(path, N_("Use at most 20,000 characters."))],
        )
    return text


def _clean_draft(form: DraftForm) -> dict[str, Any]:
    """The draft as stored: known fields only, text cleaned and bounded; the event rules wait for Create."""
    if len(form.tiers) > MAX_TIERS or len(form.partners) > MAX_PARTNERS or not 0 <= form.step <= 20:
        raise ValidationFailed(N_("This draft has more tiers, partners or steps than an event can."))
    values = {k: _text(form.values.get(k, ""), (k,), lines=k == "description") for k in DRAFT_VALUE_KEYS}
    tiers = [
        {
            **{k: _text(tier.get(k, ""), ("tiers", i, k), lines=k == "description") for k in DRAFT_TIER_KEYS},
            "hidden": bool(tier.get("hidden", False)),
        }
        for i, tier in enumerate(form.tiers)
    ]
    partners = [
        {k: _text(p.get(k, ""), ("partners", i, k)) for k in DRAFT_PARTNER_KEYS} for i, p in enumerate(form.partners)
    ]
    return {"values": values, "tiers": tiers, "partners": partners}


def save_event_draft(*, actor: UserSummary | None, workspace_id: str, form: DraftForm) -> EventDraftView:
    """Keep the actor's unfinished event for this workspace (one per organizer and workspace), replacing
    the one kept before. Moderators and above; raises the access errors and ValidationFailed."""
    stored = _clean_draft(form)
    with transaction() as session:
        load_workspace_for(session, actor, workspace_id, WorkspaceAction.MANAGE_EVENTS)
        draft = session.exec(
            select(EventDraft).where(EventDraft.workspace_id == workspace_id, EventDraft.user_id == actor.id)
        ).first()
        if draft is None:
            draft = EventDraft(workspace_id=workspace_id, user_id=actor.id)
            session.add(draft)
        draft.form, draft.step, draft.updated_at = stored, form.step, utcnow()
        session.flush()
        return _draft_view(draft)


def get_event_draft(*, actor: UserSummary | None, workspace_id: str) -> EventDraftView | None:
    """The actor's unfinished event for this workspace, or None (moderators and above)."""
    with read_only() as session:
        load_workspace_for(session, actor, workspace_id, WorkspaceAction.MANAGE_EVENTS)
        draft = session.exec(
            select(EventDraft).where(EventDraft.workspace_id == workspace_id, EventDraft.user_id == actor.id)
        ).first()
        return _draft_view(draft) if draft else None


def discard_event_draft(*, actor: UserSummary | None, workspace_id: str) -> None:
    """Throw the actor's unfinished event for this workspace away (nothing to do when there is none)."""
    with transaction() as session:
        load_workspace_for(session, actor, workspace_id, WorkspaceAction.MANAGE_EVENTS)
        remove_draft(session, workspace_id=workspace_id, user_id=actor.id)


def remove_draft(session: Session, *, workspace_id: str, user_id: str) -> None:
    """Delete the organizer's draft for the workspace in `session` (creating the event does)."""
    session.execute(delete(EventDraft).where(EventDraft.workspace_id == workspace_id, EventDraft.user_id == user_id))


def _draft_view(draft: EventDraft) -> EventDraftView:
    stored = draft.form or {}
    values = {k: str(v) for k, v in (stored.get("values") or {}).items()}
    form = DraftForm(
        values=values,
        tiers=tuple(stored.get("tiers") or ()),
        partners=tuple(stored.get("partners") or ()),
        step=draft.step,
    )
    return EventDraftView(
        form=form, title=values.get("title") or Message(N_("Untitled event")), updated_at=draft.updated_at
    )


def preview_event(
    *, actor: UserSummary | None, workspace_id: str, data: EventInput, tiers: list[TierInput]
) -> PublicEvent:
    """The public page the form would make, before anything is saved (moderators and above): checked
    as `create_event` checks it, shown as `get_public_event` shows an event, its visible tiers on sale.
    Raises the access errors and ValidationFailed."""
    cleaned = check_new_event(data, tiers)
    with read_only() as session:
        access = load_workspace_for(session, actor, workspace_id, WorkspaceAction.MANAGE_EVENTS)
        category = category_named(session, data.category).name
    workspace = access.workspace
    return PublicEvent(
        short_id="",
        title=cleaned["title"],
        description=cleaned["description"],
        category=category,
        type=cleaned["type"],
        pricing=cleaned["pricing"],
        fee_mode=cleaned["fee_mode"],
        venue=cleaned["venue"] or "",
        city=cleaned["city"] or "",
        country=cleaned["country"] or "",
        meeting_platform=cleaned["meeting_platform"] or "",
        start_at=cleaned["start_at"],
        end_at=cleaned["end_at"],
        timezone=cleaned["timezone"],
        banner_url=cleaned["banner_url"] or "",
        currency=cleaned["currency"],
        status=EventStatus.DRAFT,
        organizer_name=workspace.name,
        organizer_slug=workspace.slug,
        organizer_logo_url=workspace.logo_url or "",
        organizer_verified=workspace.verified,
        partners=[PublicPartner(p["name"], p["url"] or "", p["logo_url"] or "") for p in cleaned["partners"]],
        tiers=_preview_tiers(cleaned, tiers),
    )


@dataclass(frozen=True)
class _UnsavedTier:
    """A checked tier before its event exists: nothing sold or held, so every seat is left."""

    max_per_order: int
    quantity: int | None
    sales_start: datetime | None
    sales_end: datetime | None

    @property
    def seats_left(self) -> int | None:
        return self.quantity


def _preview_tiers(cleaned: dict[str, Any], tiers: list[TierInput]) -> list[PublicTier]:
    """The visible tiers as the page will offer them once the event is published (`sales.tier_sale`)."""
    checked = check_tiers(
        tiers,
        pricing=cleaned["pricing"],
        currency=cleaned["currency"],
        timezone=cleaned["timezone"],
        event_end=cleaned["end_at"],
    )
    offered = []
    for index, tier in enumerate(checked):
        if tier["hidden"]:
            continue
        unsaved = _UnsavedTier(tier["max_per_order"], tier["quantity"], tier["sales_start"], tier["sales_end"])
        sale = sales.tier_sale(
            unsaved,
            event_status=EventStatus.ACTIVE,
            event_end=cleaned["end_at"],
            zone_name=cleaned["timezone"],
            now=utcnow(),
        )
        offered.append(
            PublicTier(
                id=f"preview-{index}",
                name=tier["name"],
                description=tier["description"],
                price=tier["price"],
                sale_state=sale.state,
                sale_label=sale.label,
                available=sale.available,
                max_quantity=sale.max_quantity,
            )
        )
    return offered
