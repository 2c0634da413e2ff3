"""The organizer's event form, shared by the step-by-step creator and the event's edit page.

Values are kept as the text people typed (prices in major units, local times); every rule is
decided by the services, and their errors land under the fields they name.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import reflex as rx

from eventpalour import routes
from eventpalour.models import EventPricing, RefundPolicy, UploadBucket
from eventpalour.services import events
from eventpalour.services.events import (
    EventInput,
    PartnerInput,
    TierInput,
    TierTemplateView,
    list_tier_templates,
    offered_templates,
    template_offer_refusal,
)
from eventpalour.services.platform import (
    N_,
    DomainError,
    FieldError,
    ValidationFailed,
    count_words,
    format_amount,
    gettext,
    parse_amount,
    price_label,
)
from eventpalour.state.base import call_service
from eventpalour.state.workspace import workspace_in

BANNER_UPLOAD_ID = "event-banner"
DEFAULT_VALUES = {
    "title": "",
    "description": "",
    "category": "",
    "type": "physical",
    "pricing": "free",
    "venue": "",
    "city": "",
    "country": "Kenya",
    "online_link": "",
    "meeting_platform": "zoom",
    "start_local": "",
    "end_local": "",
    "timezone": "Africa/Nairobi",
    "banner_url": "",
    "currency": "KES",
    "fee_mode": "absorb",
    "refund_policy": "none",
    "refund_days": "7",
    "refund_policy_text": "",
    "waitlist_offer_minutes": "30",
    "sms_tickets": "",  # "yes" when the box is ticked: checkout asks for a phone, tickets go by SMS too
}


@dataclass(frozen=True)
class TierRow:
    """One ticket tier in the form: what the organizer typed (price, quantity and limits as text),
    and what is already sold of it with what that still allows (from the services)."""

    id: str = ""
    name: str = ""
    description: str = ""
    price: str = "0"
    quantity: str = "100"
    sales_start_local: str = ""
    sales_end_local: str = ""
    max_per_order: str = "10"
    hidden: bool = False
    waitlist: bool = False
    sold: int = 0
    held: int = 0
    # A tier not saved yet has nothing sold: it can be removed and repriced.
    has_sales: bool = False
    can_delete: bool = True
    can_change_price: bool = True


@dataclass(frozen=True)
class PartnerRow:
    name: str = ""
    url: str = ""
    logo_url: str = ""


@dataclass(frozen=True)
class TierNumbers:
    """A tier's (or a tier template's) numbers read from the text typed, and what could not be read,
    by field key."""

    price: int
    quantity: int | None
    max_per_order: int
    problems: dict[str, str]


def read_tier_numbers(price: str, quantity: str, max_per_order: str, currency: str, prefix: str = "") -> TierNumbers:
    """Price (major units, as typed, to minor units of `currency`), quantity (empty: unlimited) and
    cap per order as numbers; text that is not a number becomes a problem under `prefix` + field."""
    problems: dict[str, str] = {}
    amount = parse_amount(price, currency)
    if amount is None:
        problems[f"{prefix}price"] = N_("Enter a price like 1500 or 1500.50.")
    quantity, per_order = quantity.strip(), max_per_order.strip() or "10"
    if quantity and not quantity.isdigit():
        problems[f"{prefix}quantity"] = N_("Enter a whole number, or leave empty for unlimited.")
    if not per_order.isdigit():
        problems[f"{prefix}max_per_order"] = N_("Enter a whole number.")
    return TierNumbers(
        price=amount or 0,
        quantity=int(quantity) if quantity.isdigit() else None,
        max_per_order=int(per_order) if per_order.isdigit() else 10,
        problems=problems,
    )


@dataclass(frozen=True)
class TemplateChoice:
    """A tier template the event may start a tier from, as the "Add from template" menu lists it."""

    id: str
    label: str


def quantity_label(quantity: int | None, language: str) -> str:
    if quantity is None:
        return gettext(language, "Unlimited")
    return count_words(quantity, N_("{count} seat"), N_("{count} seats"), language)


def template_label(template: TierTemplateView, language: str) -> str:
    """ "VIP · KES 5,000.00 · 100 seats" in `language` ("VIP · 5 000,00 KES · 100 places")."""
    price = price_label(template.price, template.currency, language)
    return f"{template.name} · {price} · {quantity_label(template.quantity, language)}"


def tier_from_template(template: TierTemplateView) -> TierRow:
    """A new tier row holding a copy of the template's fields, to edit before saving."""
    return TierRow(
        name=template.name,
        description=template.description,
        price="0" if template.price == 0 else format_amount(template.price, template.currency),
        quantity="" if template.quantity is None else str(template.quantity),
        max_per_order=str(template.max_per_order),
    )


def blank_tier(pricing: str = EventPricing.FREE, language: str = "en") -> TierRow:
    """A new tier row, named as an organizer names a first tier, in the organizer's language."""
    return TierRow(name=gettext(language, N_("General admission") if pricing == EventPricing.FREE else N_("Regular")))


class EventFormMixin(rx.State, mixin=True):
    """The event form of the creator and of the edit page: values as typed, tiers and partners being
    edited, errors keyed by dotted path (`tiers.0.price`), the saving flag and the banner's upload
    progress. All of it is on screen, so these are vars; each page gets its own copy."""

    values: dict[str, str] = dict(DEFAULT_VALUES)
    tier_rows: list[TierRow] = [blank_tier()]
    partner_rows: list[PartnerRow] = []
    errors: dict[str, str] = {}
    is_saving: bool = False
    banner_progress: int = 0
    # The workspace's tier templates (loaded with the page); the menu offers those that fit the event.
    _tier_templates: list[TierTemplateView] = []
    has_tier_templates: bool = False
    template_choices: list[TemplateChoice] = []
    templates_path: str = ""
    # The managed category list (the select's options) and the "Suggest a category" dialog.
    category_names: list[str] = []
    suggesting: bool = False
    suggestion_error: str = ""

    def _workspace_id(self) -> str:
        return workspace_in(self.router.url.path)

    def _offer_templates(self) -> None:
        """The templates this event may start a tier from, again: its currency and pricing decide
        (`events.template_offer_refusal`), so this runs whenever either changes."""
        offered = offered_templates(
            self._tier_templates,
            currency=self.values.get("currency", "KES"),
            pricing=self.values.get("pricing", "free"),
        )
        language = self._language()
        self.template_choices = [TemplateChoice(id=t.id, label=template_label(t, language)) for t in offered]

    async def _load_tier_templates(self, workspace_id: str) -> None:
        """The workspace's templates for the menu; none when they cannot be read (the page says why)."""
        try:
            actor = await self.require_user()
            templates = await call_service(list_tier_templates, actor=actor, workspace_id=workspace_id)
        except DomainError:
            templates = []
        self._tier_templates, self.has_tier_templates = templates, bool(templates)
        self.templates_path = routes.workspace_url(workspace_id, "settings")
        self._offer_templates()

    def _reset_form(self, values: dict[str, str] | None = None) -> None:
        self.values = {**DEFAULT_VALUES, **(values or {})}
        self.tier_rows, self.partner_rows = [blank_tier(self.values["pricing"], self._language())], []
        self.errors, self.is_saving = {}, False

    def _event_input(self) -> EventInput:
        v = self.values
        partners = tuple(PartnerInput(p.name, p.url, p.logo_url) for p in self.partner_rows)
        return EventInput(**{k: v.get(k, "") for k in DEFAULT_VALUES}, partners=partners)

    def _tier_inputs(self) -> list[TierInput]:
        """The tier rows as the service wants them; unreadable numbers become errors right here."""
        inputs, problems = [], {}
        for i, row in enumerate(self.tier_rows):
            numbers = read_tier_numbers(
                row.price, row.quantity, row.max_per_order, self.values.get("currency", "KES"), f"tiers.{i}."
            )
            problems.update(numbers.problems)
            inputs.append(
                TierInput(
                    id=row.id,
                    name=row.name,
                    description=row.description,
                    price=numbers.price,
                    quantity=numbers.quantity,
                    sales_start_local=row.sales_start_local,
                    sales_end_local=row.sales_end_local,
                    max_per_order=numbers.max_per_order,
                    hidden=row.hidden,
                    waitlist=row.waitlist,
                )
            )
        if problems:
            raise ValidationFailed(next(iter(problems.values())), details=[_detail(k, m) for k, m in problems.items()])
        return inputs

    def _show_errors(self, error: DomainError, only: set[str] | None = None) -> list[rx.event.EventSpec]:
        """Errors under their fields (limited to `only` top-level fields when validating one step)."""
        language = self._language()
        found = {".".join(str(p) for p in d.path): d.in_language(language) for d in error.details if d.path}
        if only is not None:
            found = {k: m for k, m in found.items() if k.split(".")[0] in only}
        self.errors, self.is_saving = found, False
        if error.details and not found:
            return []
        return [rx.toast.error(error.in_language(language))]

    async def _check(self, fields: set[str]) -> bool:
        """Run the rules a new event must pass (`events.check_new_event`, as creating it does) and keep
        only the errors of one step's `fields`; tiers are checked from their own step on."""
        try:
            tiers = self._tier_inputs() if "tiers" in fields else None
            await call_service(events.check_new_event, data=self._event_input(), tiers=tiers)
        except ValidationFailed as error:
            self._show_errors(error, only=fields)
            return not self.errors
        self.errors = {}
        return True

    async def _load_categories(self) -> None:
        """The managed list the category select offers (#24 §7)."""
        self.category_names = [option.name for option in await call_service(events.list_categories)]

    @rx.event
    def open_suggestion(self, is_open: bool = True) -> None:
        self.suggesting, self.suggestion_error = is_open, ""

    @rx.event
    async def suggest_category(self, form: dict[str, Any]):
        """Send a new category name for the admins to approve; the event keeps one from the list meanwhile."""
        try:
            actor = await self.require_user()
            await self._limit("general", actor)  # as POST /api/workspace/{id}/category-suggestions
            view = await call_service(
                events.suggest_category,
                actor=actor,
                workspace_id=self._workspace_id(),
                name=str(form.get("name", "")),
            )
        except ValidationFailed as error:
            language = self._language()
            self.suggestion_error = (error.details[0] if error.details else error).in_language(language)
            return None
        except DomainError as error:
            return self.show_error(error)
        self.suggesting, self.suggestion_error = False, ""
        return rx.toast.success(
            self._t(N_("Thanks: {name} was sent to the EventPalour team. Pick the closest category for now.")).format(
                name=view.name
            )
        )

    @rx.event
    def set_value(self, name: str, value: str | list[str]) -> None:
        """Any field's new value (segmented controls may send a one-item list)."""
        value = value if isinstance(value, str) else (value[0] if value else "")
        self.values = {**self.values, name: value}
        self.errors = {k: m for k, m in self.errors.items() if k != name}
        if name in ("currency", "pricing"):
            self._offer_templates()

    @rx.event
    def set_flag(self, name: str, checked: bool) -> None:
        """A box's new state, kept as the form keeps every value: as text ("yes" or "")."""
        self.set_value(name, "yes" if checked else "")

    @rx.var
    def refund_days_shown(self) -> bool:
        """The policy counts days before the start, so the days field shows."""
        return self.values.get("refund_policy") == RefundPolicy.DAYS_BEFORE

    @rx.var
    def is_paid(self) -> bool:
        """The form is for a paid event: its currency and fee choices show."""
        return self.values.get("pricing") == EventPricing.PAID

    @rx.event
    def set_pricing(self, value: str | list[str]) -> None:
        self.set_value("pricing", value)
        if self.values["pricing"] == EventPricing.FREE:
            self.tier_rows = [replace(row, price="0") for row in self.tier_rows]

    @rx.event
    def set_tier(self, index: int, name: str, value: str | bool) -> None:
        """A tier's typed field (text), or its `hidden` or `waitlist` checkbox (a flag)."""
        self.tier_rows = [replace(r, **{name: value}) if i == index else r for i, r in enumerate(self.tier_rows)]
        self.errors = {k: m for k, m in self.errors.items() if k != f"tiers.{index}.{name}"}

    @rx.event
    def add_tier(self) -> None:
        self.tier_rows = [*self.tier_rows, blank_tier(self.values.get("pricing", "free"), self._language())]

    @rx.event
    def add_tier_from_template(self, template_id: str):
        """Append a tier pre-filled from the template (a copy: editable, and the template stays as it is)."""
        template = next((t for t in self._tier_templates if t.id == template_id), None)
        if template is None:
            return rx.toast.error(self._t(N_("This ticket template no longer exists.")))
        refusal = template_offer_refusal(
            template, currency=self.values.get("currency", "KES"), pricing=self.values.get("pricing", "free")
        )
        if refusal:
            return rx.toast.error(self._t(refusal))
        self.tier_rows = [*self.tier_rows, tier_from_template(template)]
        return rx.toast.success(
            self._t(N_("{name} added from its template. Change anything before saving.")).format(name=template.name)
        )

    @rx.event
    def remove_tier(self, index: int) -> None:
        self.tier_rows = [r for i, r in enumerate(self.tier_rows) if i != index]

    @rx.event
    def set_partner(self, index: int, name: str, value: str) -> None:
        self.partner_rows = [replace(r, **{name: value}) if i == index else r for i, r in enumerate(self.partner_rows)]

    @rx.event
    def add_partner(self) -> None:
        self.partner_rows = [*self.partner_rows, PartnerRow()]

    @rx.event
    def remove_partner(self, index: int) -> None:
        self.partner_rows = [r for i, r in enumerate(self.partner_rows) if i != index]

    @rx.event
    def track_banner(self, progress: dict[str, Any]) -> None:
        self.banner_progress = round(progress.get("progress", 0) * 100)

    @rx.event
    async def upload_banner(self, files: list[rx.UploadFile]):
        if not files:
            return None
        try:
            result = await self._store_picked_file(files, UploadBucket.EVENTS, "banners")
        except DomainError as error:
            message = error.in_language(self._language())
            self.errors = {**self.errors, "banner_url": message}
            return rx.toast.error(message)
        self.set_value("banner_url", result.url)
        return rx.toast.success(self._t(N_("Banner uploaded.")))


def _detail(key: str, message: str) -> FieldError:
    return FieldError(tuple(int(p) if p.isdigit() else p for p in key.split(".")), message)
