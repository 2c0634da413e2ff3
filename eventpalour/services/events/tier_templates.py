"""A workspace's tier templates (#19 §6): ready-made ticket tiers (name, price, quantity, description,
cap per order) its event creators start tiers from.

Who may keep them is who may create and edit events (the permission table's MANAGE_EVENTS). Their
fields obey the tier rules of `event_rules.clean_tier_fields`, the same rules an event's tier obeys.
A template's price is in its own currency and is never converted: a priced template is offered only
to paid events in that currency, a free one to every event (`template_offer_refusal`). Names are
unique in a workspace whatever their case.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from eventpalour.db import read_only, transaction
from eventpalour.models import EventPricing, TierTemplate
from eventpalour.models.types import utcnow
from eventpalour.services import admin
from eventpalour.services.events.event_rules import check_currency, clean_tier_fields
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import N_, FieldError, NotFound, ValidationFailed, clean_line, message
from eventpalour.services.workspaces import WorkspaceAction, load_workspace_for

MAX_TEMPLATES = 50
_NAME_TAKEN = N_("This workspace already has a template called {name}. Choose another name.")


@dataclass(frozen=True)
class TierTemplateInput:
    """A template as typed. `price` is in minor units of `currency`; `quantity` None means unlimited."""

    name: str = ""
    description: str = ""
    price: int = 0
    currency: str = "KES"
    quantity: int | None = None
    max_per_order: int = 10


@dataclass(frozen=True)
class TierTemplateView:
    """A template as its workspace's organizers see it."""

    id: str
    name: str
    description: str
    price: int
    currency: str
    quantity: int | None
    max_per_order: int
    created_at: datetime
    updated_at: datetime

    @property
    def is_free(self) -> bool:
        return self.price == 0


def template_offer_refusal(template: TierTemplateView, *, currency: str, pricing: str) -> str | None:
    """Why `template` is not offered to an event of `currency` and `pricing`, or None when it is.

    Prices are not converted: a priced template fits only a paid event in its own currency. A free
    template fits every event (nothing to convert).
    """
    if template.is_free:
        return None
    if pricing != EventPricing.PAID:
        return message(N_("{name} has a price; a free event's tickets cost nothing."), name=template.name)
    if template.currency != currency:
        return message(
            N_("{name} is priced in {currency}; this event sells in {event_currency}."),
            name=template.name,
            currency=template.currency,
            event_currency=currency,
        )
    return None


def offered_templates(templates: list[TierTemplateView], *, currency: str, pricing: str) -> list[TierTemplateView]:
    """The templates an event of `currency` and `pricing` may start a tier from."""
    return [t for t in templates if template_offer_refusal(t, currency=currency, pricing=pricing) is None]


def _view(template: TierTemplate) -> TierTemplateView:
    return TierTemplateView(
        id=template.id,
        name=template.name,
        description=template.description,
        price=template.price,
        currency=template.currency,
        quantity=template.quantity,
        max_per_order=template.max_per_order,
        created_at=template.created_at,
        updated_at=template.updated_at,
    )


def name_key(name: str) -> str:
    """The form a template name is compared in: "VIP", "vip" and "Vip" are one name."""
    return clean_line(name).casefold()


def clean_template(data: TierTemplateInput) -> dict[str, object]:
    """Every rule about a template's fields (the tier rules, with the template's own currency)."""
    problems: list[FieldError] = []
    check_currency(data.currency, ("currency",), problems)
    # A template is priced (or free) on its own; the free-event rule applies when it is offered.
    cleaned = clean_tier_fields(data, path=(), pricing=EventPricing.PAID, currency=data.currency, problems=problems)
    if problems:
        raise ValidationFailed(problems[0].message, details=problems)
    return {**cleaned, "currency": data.currency, "name_key": name_key(str(cleaned["name"]))}


def _name_taken(name: str) -> ValidationFailed:
    return ValidationFailed(
        _NAME_TAKEN, details=[FieldError(("name",), _NAME_TAKEN, {"name": name})], values={"name": name}
    )


def _refuse_taken_name(session: Session, workspace_id: str, key: str, name: str, *, other_than: str = "") -> None:
    query = select(TierTemplate.id).where(TierTemplate.workspace_id == workspace_id, TierTemplate.name_key == key)
    if other_than:
        query = query.where(col(TierTemplate.id) != other_than)
    if session.exec(query).first() is not None:
        raise _name_taken(name)


def _flush(session: Session, name: str) -> None:
    """Write now; a template of the same name saved at the same moment is refused by the unique index."""
    try:
        session.flush()
    except IntegrityError as refused:
        raise _name_taken(name) from refused


def _load(session: Session, workspace_id: str, template_id: str) -> TierTemplate:
    template = session.get(TierTemplate, template_id or "")
    if template is None or template.workspace_id != workspace_id:
        raise NotFound(N_("This ticket template does not exist."))
    return template


def list_tier_templates(*, actor: UserSummary | None, workspace_id: str) -> list[TierTemplateView]:
    """The workspace's templates by name (moderators and above: the people who create events)."""
    with read_only() as session:
        access = load_workspace_for(session, actor, workspace_id, WorkspaceAction.MANAGE_EVENTS)
        rows = session.exec(
            select(TierTemplate)
            .where(TierTemplate.workspace_id == access.workspace.id)
            .order_by(col(TierTemplate.name_key), col(TierTemplate.id))
        ).all()
        return [_view(t) for t in rows]


def create_tier_template(*, actor: UserSummary | None, workspace_id: str, data: TierTemplateInput) -> TierTemplateView:
    """Add a template to the workspace (moderators and above)."""
    with transaction() as session:
        access = load_workspace_for(session, actor, workspace_id, WorkspaceAction.MANAGE_EVENTS)
        cleaned = clean_template(data)
        count = session.exec(
            select(func.count()).select_from(TierTemplate).where(TierTemplate.workspace_id == access.workspace.id)
        ).one()
        if count >= MAX_TEMPLATES:
            raise ValidationFailed(
                N_("A workspace keeps at most {count} ticket templates. Delete one first."),
                values={"count": MAX_TEMPLATES},
            )
        _refuse_taken_name(session, access.workspace.id, str(cleaned["name_key"]), str(cleaned["name"]))
        template = TierTemplate(workspace_id=access.workspace.id, **cleaned)
        session.add(template)
        _flush(session, template.name)
        admin.record_audit(
            session, action="tier_template.create", actor_id=actor.id, target=("tier_template", template.id)
        )
        return _view(template)


TEMPLATE_FIELDS = frozenset(f.name for f in fields(TierTemplateInput))


def update_tier_template(
    *,
    actor: UserSummary | None,
    workspace_id: str,
    template_id: str,
    data: TierTemplateInput,
    only: frozenset[str] = TEMPLATE_FIELDS,
) -> TierTemplateView:
    """Change a template (moderators and above): the fields named in `only` take their value from
    `data`, the others stay as stored (a partial update). Tiers already started from it keep what
    they copied."""
    with transaction() as session:
        access = load_workspace_for(session, actor, workspace_id, WorkspaceAction.MANAGE_EVENTS)
        template = _load(session, access.workspace.id, template_id)
        stored = {name: getattr(template, name) for name in TEMPLATE_FIELDS - only}
        cleaned = clean_template(replace(data, **stored))
        _refuse_taken_name(
            session, access.workspace.id, str(cleaned["name_key"]), str(cleaned["name"]), other_than=template.id
        )
        for name, value in cleaned.items():
            setattr(template, name, value)
        template.updated_at = utcnow()
        _flush(session, template.name)
        admin.record_audit(
            session, action="tier_template.update", actor_id=actor.id, target=("tier_template", template.id)
        )
        return _view(template)


def delete_tier_template(*, actor: UserSummary | None, workspace_id: str, template_id: str) -> None:
    """Remove a template (moderators and above). Tiers started from it are not touched."""
    with transaction() as session:
        access = load_workspace_for(session, actor, workspace_id, WorkspaceAction.MANAGE_EVENTS)
        template = _load(session, access.workspace.id, template_id)
        session.delete(template)
        admin.record_audit(
            session, action="tier_template.delete", actor_id=actor.id, target=("tier_template", template.id)
        )
