"""A workspace's outgoing webhook endpoints (#23 §2): registered by admins and the owner with the
event types they want, each with a signing secret shown once; their delivery log, and "Resend".

Queueing, signing and delivering are platform/webhooks.py's. An endpoint is removed, not deleted,
so its delivery log stays readable; a removed endpoint gets nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlmodel import Session, col, select

from eventpalour.config import settings
from eventpalour.db import read_only, transaction
from eventpalour.models import WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint, WebhookEventType
from eventpalour.models.types import utcnow
from eventpalour.services import admin, platform
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import N_, Conflict, FieldError, NotFound, ValidationFailed, message, new_token
from eventpalour.services.workspaces.access import WorkspaceAction, load_workspace_for

MAX_URL = 500
MAX_ENDPOINTS = 10
LOG_SIZE = 50
SECRET_PREFIX = "whsec_"
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]", "::1")

WEBHOOK_EVENTS: dict[str, str] = {
    WebhookEventType.ORDER_PAID: N_("An order is paid (or a free registration is complete)"),
    WebhookEventType.ORDER_REFUNDED: N_("An order is refunded, in full or in part"),
    WebhookEventType.TICKET_TRANSFERRED: N_("A ticket is transferred to someone else"),
    WebhookEventType.TICKET_CHECKED_IN: N_("A ticket holder is checked in at the door"),
    WebhookEventType.EVENT_UPDATED: N_("An event is edited, published, postponed, cancelled or completed"),
}


@dataclass(frozen=True)
class WebhookView:
    id: str
    url: str
    events: tuple[str, ...]
    created_at: datetime
    removed_at: datetime | None

    @property
    def can_remove(self) -> bool:
        return self.removed_at is None


@dataclass(frozen=True)
class CreatedWebhook:
    """A new endpoint and its signing secret: the only time the secret is shown."""

    endpoint: WebhookView
    secret: str


@dataclass(frozen=True)
class DeliveryView:
    """One delivery in an endpoint's log."""

    id: int
    event_type: str
    status: str
    attempts: int
    response_status: int | None
    last_error: str
    created_at: datetime
    delivered_at: datetime | None
    next_attempt_at: datetime
    body: str

    @property
    def is_waiting(self) -> bool:
        """Not delivered yet and still being retried."""
        return platform.delivery_is_waiting(self.status)

    @property
    def status_label(self) -> str:
        """The delivery's state in words, for the log (English: the API's)."""
        return self.status_text(platform.DEFAULT_LANGUAGE)

    def status_text(self, language: str) -> str:
        """The delivery's state in words in `language`: "Delivered", "Gave up after 3 tries"."""
        if self.status == WebhookDeliveryStatus.DELIVERED:
            return platform.gettext(language, "Delivered")
        if self.status == WebhookDeliveryStatus.FAILED:
            return platform.count_words(
                self.attempts, N_("Gave up after {count} try"), N_("Gave up after {count} tries"), language
            )
        if self.attempts:
            return platform.count_words(
                self.attempts, N_("Retrying ({count} failed try)"), N_("Retrying ({count} failed tries)"), language
            )
        return platform.gettext(language, "Queued")

    @property
    def can_resend(self) -> bool:
        """Sending it again makes sense once this one is done (delivered or given up)."""
        return not self.is_waiting


def webhook_url_refusal(url: str) -> str | None:
    """Why `url` cannot receive webhooks, or None. HTTPS only; plain HTTP to this machine
    (localhost) outside production, for trying a receiver out."""
    if not url:
        return N_("Enter the URL that should receive the webhooks.")
    if len(url) > MAX_URL:
        return message(N_("Keep the URL to {count} characters or fewer."), count=MAX_URL)
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return None
    local = parts.scheme == "http" and (parts.hostname or "") in LOCAL_HOSTS
    if local and not settings.is_production:
        return None
    return N_("Use an https:// URL (http:// works only for localhost while developing).")


def _clean_events(events: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    unknown = [e for e in events if e not in WEBHOOK_EVENTS]
    if unknown:
        raise ValidationFailed.field(
            "events",
            N_("Unknown event '{event}'. Choose from {choices}."),
            event=unknown[0],
            choices=", ".join(WEBHOOK_EVENTS),
        )
    chosen = tuple(e for e in WEBHOOK_EVENTS if e in events)
    if not chosen:
        raise ValidationFailed.field("events", N_("Choose at least one event to send."))
    return chosen


def _view(endpoint: WebhookEndpoint) -> WebhookView:
    return WebhookView(
        id=endpoint.id,
        url=endpoint.url,
        events=tuple(e for e in endpoint.events.split(",") if e),
        created_at=endpoint.created_at,
        removed_at=endpoint.removed_at,
    )


def register_webhook(
    *, actor: UserSummary | None, workspace_id: str, url: str, events: list[str] | tuple[str, ...]
) -> CreatedWebhook:
    """A new endpoint for the workspace (admins and the owner). Raises ValidationFailed (`url`,
    `events`), NotAuthenticated, NotFound, PermissionDenied."""
    wanted = (url or "").strip()
    problems: list[FieldError] = []
    if refusal := webhook_url_refusal(wanted):
        problems.append(FieldError(("url",), refusal))
    chosen: tuple[str, ...] = ()
    try:
        chosen = _clean_events(events)
    except ValidationFailed as refused:
        problems.extend(refused.details)
    with transaction() as session:
        load_workspace_for(session, actor, workspace_id, WorkspaceAction.MANAGE_INTEGRATIONS)
        assert actor is not None  # load_workspace_for refused nobody signed in
        if problems:
            raise ValidationFailed(problems[0].message, details=problems)
        active = session.exec(
            select(WebhookEndpoint.id).where(
                WebhookEndpoint.workspace_id == workspace_id, col(WebhookEndpoint.removed_at).is_(None)
            )
        ).all()
        if len(active) >= MAX_ENDPOINTS:
            raise ValidationFailed.field(
                "url", message(N_("A workspace can have {count} webhooks. Remove one first."), count=MAX_ENDPOINTS)
            )
        secret = SECRET_PREFIX + new_token(24)
        endpoint = WebhookEndpoint(
            workspace_id=workspace_id,
            created_by=actor.id,
            url=wanted,
            events="," + ",".join(chosen) + ",",
            secret=secret,
        )
        session.add(endpoint)
        admin.record_audit(
            session,
            action="webhook.create",
            actor_id=actor.id,
            target=("workspace", workspace_id),
            details={"endpoint_id": endpoint.id, "url": wanted, "events": list(chosen)},
        )
        session.flush()
        return CreatedWebhook(endpoint=_view(endpoint), secret=secret)


def list_webhooks(*, actor: UserSummary | None, workspace_id: str) -> list[WebhookView]:
    """The workspace's endpoints, active first, newest first (admins and the owner)."""
    with read_only() as session:
        load_workspace_for(session, actor, workspace_id, WorkspaceAction.MANAGE_INTEGRATIONS)
        rows = session.exec(
            select(WebhookEndpoint)
            .where(WebhookEndpoint.workspace_id == workspace_id)
            .order_by(col(WebhookEndpoint.removed_at).is_not(None), col(WebhookEndpoint.created_at).desc())
        ).all()
    return [_view(row) for row in rows]


def _endpoint(session: Session, workspace_id: str, endpoint_id: str) -> WebhookEndpoint:
    endpoint = session.get(WebhookEndpoint, endpoint_id or "")
    if endpoint is None or endpoint.workspace_id != workspace_id:
        raise NotFound(N_("This webhook does not exist."))
    return endpoint


def remove_webhook(*, actor: UserSummary | None, workspace_id: str, endpoint_id: str) -> WebhookView:
    """Stop sending to an endpoint; its log stays. Removing twice changes nothing."""
    with transaction() as session:
        load_workspace_for(session, actor, workspace_id, WorkspaceAction.MANAGE_INTEGRATIONS)
        assert actor is not None
        endpoint = _endpoint(session, workspace_id, endpoint_id)
        if endpoint.removed_at is None:
            endpoint.removed_at = utcnow()
            admin.record_audit(
                session,
                action="webhook.remove",
                actor_id=actor.id,
                target=("workspace", workspace_id),
                details={"endpoint_id": endpoint.id, "url": endpoint.url},
            )
        session.flush()
        return _view(endpoint)


def _delivery_view(row: WebhookDelivery) -> DeliveryView:
    assert row.id is not None  # read from the table
    return DeliveryView(
        id=row.id,
        event_type=row.event_type,
        status=row.status,
        attempts=row.attempts,
        response_status=row.response_status,
        last_error=row.last_error or "",
        created_at=row.created_at,
        delivered_at=row.delivered_at,
        next_attempt_at=row.next_attempt_at,
        body=row.body,
    )


def webhook_deliveries(*, actor: UserSummary | None, workspace_id: str, endpoint_id: str) -> list[DeliveryView]:
    """The endpoint's latest LOG_SIZE deliveries, newest first (admins and the owner)."""
    with read_only() as session:
        load_workspace_for(session, actor, workspace_id, WorkspaceAction.MANAGE_INTEGRATIONS)
        endpoint = _endpoint(session, workspace_id, endpoint_id)
        rows = session.exec(
            select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint.id)
            .order_by(col(WebhookDelivery.id).desc())
            .limit(LOG_SIZE)
        ).all()
    return [_delivery_view(row) for row in rows]


def resend_delivery(*, actor: UserSummary | None, workspace_id: str, delivery_id: int) -> DeliveryView:
    """Queue a finished delivery's body again to its endpoint (admins and the owner). Raises NotFound,
    Conflict (the endpoint was removed, or the delivery is still being tried)."""
    with transaction() as session:
        load_workspace_for(session, actor, workspace_id, WorkspaceAction.MANAGE_INTEGRATIONS)
        assert actor is not None
        delivery = session.get(WebhookDelivery, delivery_id)
        if delivery is None:
            raise NotFound(N_("This delivery does not exist."))
        endpoint = _endpoint(session, workspace_id, delivery.endpoint_id)
        if endpoint.removed_at is not None:
            raise Conflict(N_("This webhook was removed; it receives nothing more."))
        if not _delivery_view(delivery).can_resend:
            raise Conflict(N_("This delivery is still being tried. Resend it once it is delivered or given up."))
        again = platform.queue_webhook_again(session, delivery)
        admin.record_audit(
            session,
            action="webhook.resend",
            actor_id=actor.id,
            target=("workspace", workspace_id),
            details={"endpoint_id": endpoint.id, "delivery_id": delivery_id, "new_delivery_id": again.id},
        )
        return _delivery_view(again)
