"""The "Webhooks" section of /workspace/{id}/settings (#23 §2): the workspace's endpoints (the signing
secret shown once, here), each one's delivery log with "Resend", and removing one. Every rule is the
workspaces service's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import reflex as rx

from eventpalour.services import workspaces
from eventpalour.services.platform import N_, DomainError, gettext, utc_moment
from eventpalour.services.workspaces import WEBHOOK_EVENTS, DeliveryView, WebhookView
from eventpalour.state.base import AuthState, call_service
from eventpalour.state.forms import FormMixin
from eventpalour.state.workspace import workspace_in

# The form's checkbox for each event type: "event-order-paid" and so on.
EVENT_FIELDS = {kind: "event-" + kind.replace(".", "-").replace("_", "-") for kind in WEBHOOK_EVENTS}


@dataclass(frozen=True)
class EventChoice:
    kind: str
    field: str
    label: str


EVENT_CHOICES = [EventChoice(kind, EVENT_FIELDS[kind], label) for kind, label in WEBHOOK_EVENTS.items()]


@dataclass(frozen=True)
class WebhookRow:
    id: str
    url: str
    events: str
    created: str
    can_remove: bool


@dataclass(frozen=True)
class DeliveryRow:
    id: int
    event_type: str
    status_label: str
    delivered: bool
    answer: str  # the endpoint's last HTTP status or the error, "" before the first try
    queued: str
    can_resend: bool


def _when(moment: datetime | None, language: str) -> str:
    """ "5 Dec 2026 18:42:07 UTC": a moment to the second, in UTC as the endpoint's own logs have it."""
    return utc_moment(moment, language, seconds=True) if moment else ""


def webhook_row(view: WebhookView, language: str) -> WebhookRow:
    if view.removed_at:
        created = gettext(language, "Removed {when}").format(when=_when(view.removed_at, language))
    else:
        created = gettext(language, "Added {when}").format(when=_when(view.created_at, language))
    return WebhookRow(
        id=view.id,
        url=view.url,
        events=", ".join(view.events),
        created=created,
        can_remove=view.can_remove,
    )


def delivery_row(view: DeliveryView, language: str) -> DeliveryRow:
    answer = view.last_error or (f"HTTP {view.response_status}" if view.response_status else "")
    return DeliveryRow(
        id=view.id,
        event_type=view.event_type,
        status_label=view.status_text(language),
        delivered=view.delivered_at is not None,
        answer=answer,
        queued=_when(view.created_at, language),
        can_resend=view.can_resend,
    )


class WebhooksState(FormMixin, AuthState):
    """The workspace's webhook endpoints (admins and the owner; the section is hidden from the others)."""

    endpoints: list[WebhookRow] = []
    loaded: bool = False
    load_problem: str = ""
    new_secret: str = ""  # the signing secret just made, shown until dismissed and never again
    new_secret_url: str = ""
    log_open: bool = False
    log_endpoint_id: str = ""
    log_url: str = ""
    deliveries: list[DeliveryRow] = []
    log_loading: bool = False

    def _workspace_id(self) -> str:
        return workspace_in(self.router.url.path)

    async def _read(self) -> None:
        actor = await self.require_user()
        views = await call_service(workspaces.list_webhooks, actor=actor, workspace_id=self._workspace_id())
        self.endpoints = [webhook_row(v, self._language()) for v in views]

    async def _read_log(self) -> None:
        actor = await self.require_user()
        views = await call_service(
            workspaces.webhook_deliveries,
            actor=actor,
            workspace_id=self._workspace_id(),
            endpoint_id=self.log_endpoint_id,
        )
        self.deliveries = [delivery_row(v, self._language()) for v in views]

    @rx.event
    async def load_webhooks(self) -> None:
        """on_load of the settings page; a secret from an earlier visit is gone for good."""
        self.loaded, self.load_problem, self.new_secret, self.new_secret_url = False, "", "", ""
        self.log_open, self.deliveries = False, []
        try:
            await self._read()
        except DomainError as error:
            self.endpoints, self.load_problem = [], error.in_language(self._language())
        self.loaded = True

    @rx.event
    async def register(self, form: dict[str, Any]):
        self._start()
        yield
        kinds = [kind for kind, field in EVENT_FIELDS.items() if form.get(field)]
        try:
            actor = await self.require_user()
            created = await call_service(
                workspaces.register_webhook,
                actor=actor,
                workspace_id=self._workspace_id(),
                url=str(form.get("url") or ""),
                events=kinds,
            )
            await self._read()
        except DomainError as error:
            yield self._fail(error)
            return
        self.is_submitting = False
        self.new_secret, self.new_secret_url = created.secret, created.endpoint.url
        yield rx.toast.success(self._t(N_("Webhook added. Copy its signing secret now: it is shown only once.")))

    @rx.event
    def copy_secret(self):
        return [rx.set_clipboard(self.new_secret), rx.toast.success(self._t(N_("Signing secret copied.")))]

    @rx.event
    def dismiss_secret(self) -> None:
        self.new_secret, self.new_secret_url = "", ""

    @rx.event
    async def remove(self, endpoint_id: str):
        try:
            actor = await self.require_user()
            view = await call_service(
                workspaces.remove_webhook, actor=actor, workspace_id=self._workspace_id(), endpoint_id=endpoint_id
            )
            await self._read()
        except DomainError as error:
            return self.show_error(error)
        return rx.toast.success(self._t(N_("Webhook {url} removed. It receives nothing more.")).format(url=view.url))

    @rx.event
    async def open_log(self, endpoint_id: str):
        row = next((r for r in self.endpoints if r.id == endpoint_id), None)
        if row is None:
            yield rx.toast.error(self._t(N_("This webhook does not exist.")))
            return
        self.log_endpoint_id, self.log_url, self.deliveries = row.id, row.url, []
        self.log_open, self.log_loading = True, True
        yield
        try:
            await self._read_log()
        except DomainError as error:
            self.log_loading = False
            yield self.show_error(error)
            return
        self.log_loading = False

    @rx.event
    def set_log_open(self, is_open: bool) -> None:
        self.log_open = is_open

    @rx.event
    async def refresh_log(self):
        try:
            await self._read_log()
        except DomainError as error:
            return self.show_error(error)
        return None

    @rx.event
    async def resend(self, delivery_id: int):
        try:
            actor = await self.require_user()
            view = await call_service(
                workspaces.resend_delivery, actor=actor, workspace_id=self._workspace_id(), delivery_id=delivery_id
            )
            await self._read_log()
        except DomainError as error:
            return self.show_error(error)
        return rx.toast.success(self._t(N_("{event} queued again.")).format(event=view.event_type))
