"""The "Ticket templates" section of /workspace/{id}/settings: the workspace's tier templates, listed,
added, edited and deleted in a dialog. Every rule is the events service's; prices are typed in major
units and read here as the tier editor reads them."""

from __future__ import annotations

from dataclasses import dataclass, replace

import reflex as rx

from eventpalour.services import events
from eventpalour.services.events import TierTemplateInput, TierTemplateView
from eventpalour.services.platform import N_, DomainError, count_words, format_amount, gettext, price_label
from eventpalour.state.base import AuthState, call_service
from eventpalour.state.event_form import read_tier_numbers
from eventpalour.state.forms import FormMixin
from eventpalour.state.workspace import workspace_in


@dataclass(frozen=True)
class TemplateDraft:
    """The editor's fields as typed (price in major units; quantity empty: unlimited)."""

    name: str = ""
    description: str = ""
    price: str = "0"
    currency: str = "KES"
    quantity: str = "100"
    max_per_order: str = "10"


@dataclass(frozen=True)
class TemplateRow:
    """A template in the list: its labels, and its fields as the editor shows them."""

    id: str
    name: str
    description: str
    price_label: str
    quantity_label: str
    per_order_label: str
    draft: TemplateDraft


def template_row(view: TierTemplateView, language: str) -> TemplateRow:
    return TemplateRow(
        id=view.id,
        name=view.name,
        description=view.description,
        price_label=price_label(view.price, view.currency, language),
        quantity_label=(
            gettext(language, "Unlimited")
            if view.quantity is None
            else count_words(view.quantity, N_("{count} seat"), N_("{count} seats"), language)
        ),
        per_order_label=gettext(language, "Up to {count} per order").format(count=view.max_per_order),
        draft=TemplateDraft(
            name=view.name,
            description=view.description,
            price="0" if view.price == 0 else format_amount(view.price, view.currency),
            currency=view.currency,
            quantity="" if view.quantity is None else str(view.quantity),
            max_per_order=str(view.max_per_order),
        ),
    )


class TierTemplatesState(FormMixin, AuthState):
    """The workspace's tier templates (moderators and above: the people who create events)."""

    templates: list[TemplateRow] = []
    loaded: bool = False
    load_problem: str = ""
    editor_open: bool = False
    editing_id: str = ""
    draft: TemplateDraft = TemplateDraft()

    def _workspace_id(self) -> str:
        return workspace_in(self.router.url.path)

    async def _read(self) -> None:
        actor = await self.require_user()
        views = await call_service(events.list_tier_templates, actor=actor, workspace_id=self._workspace_id())
        self.templates = [template_row(v, self._language()) for v in views]

    @rx.event
    async def load_templates(self) -> None:
        """on_load of the settings page; members below moderator see no section (and get no list)."""
        self.loaded, self.load_problem, self.editor_open = False, "", False
        try:
            await self._read()
        except DomainError as error:
            self.templates, self.load_problem = [], error.in_language(self._language())
        self.loaded = True

    def _open(self, template_id: str, draft: TemplateDraft) -> None:
        self.editing_id, self.draft = template_id, draft
        self.field_errors, self.form_error, self.is_submitting = {}, "", False
        self.editor_open = True

    @rx.event
    def new_template(self) -> None:
        self._open("", TemplateDraft())

    @rx.event
    def edit_template(self, template_id: str):
        row = next((r for r in self.templates if r.id == template_id), None)
        if row is None:
            return rx.toast.error(self._t(N_("This ticket template does not exist.")))
        self._open(row.id, row.draft)
        return None

    @rx.event
    def set_editor_open(self, is_open: bool) -> None:
        self.editor_open = is_open

    @rx.event
    def set_draft(self, name: str, value: str) -> None:
        self.draft = replace(self.draft, **{name: value})
        self.field_errors = {k: m for k, m in self.field_errors.items() if k != name}

    @rx.event
    async def save_template(self):
        self._start()
        yield
        d = self.draft
        numbers = read_tier_numbers(d.price, d.quantity, d.max_per_order, d.currency)
        if numbers.problems:
            self.field_errors, self.is_submitting = numbers.problems, False
            yield rx.toast.error(next(iter(numbers.problems.values())))
            return
        data = TierTemplateInput(
            name=d.name,
            description=d.description,
            price=numbers.price,
            currency=d.currency,
            quantity=numbers.quantity,
            max_per_order=numbers.max_per_order,
        )
        try:
            actor = await self.require_user()
            if self.editing_id:
                view = await call_service(
                    events.update_tier_template,
                    actor=actor,
                    workspace_id=self._workspace_id(),
                    template_id=self.editing_id,
                    data=data,
                )
            else:
                view = await call_service(
                    events.create_tier_template, actor=actor, workspace_id=self._workspace_id(), data=data
                )
            await self._read()
        except DomainError as error:
            yield self._fail(error)
            return
        self.is_submitting, self.editor_open = False, False
        done = N_("Template {name} saved.") if self.editing_id else N_("Template {name} added.")
        yield rx.toast.success(self._t(done).format(name=view.name))

    @rx.event
    async def delete_template(self, template_id: str):
        row = next((r for r in self.templates if r.id == template_id), None)
        try:
            actor = await self.require_user()
            await call_service(
                events.delete_tier_template, actor=actor, workspace_id=self._workspace_id(), template_id=template_id
            )
            await self._read()
        except DomainError as error:
            return self.show_error(error)
        if row is None:
            return rx.toast.success(self._t(N_("Template deleted.")))
        return rx.toast.success(self._t(N_("Template {name} deleted.")).format(name=row.name))
