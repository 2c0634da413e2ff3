"""A workspace's API tokens and webhook endpoints over JSON (#23 §2), for its admins and owner with
their session cookie: what the workspace settings page's Integrations tab does, through the same
services (create / list / revoke tokens; register / list / remove endpoints, their delivery log, and
"Resend").

A token's or an endpoint's secret is in the creating answer only; lists never carry it. Revoking a
token and removing an endpoint keep them listed (`revokedAt`, `removedAt`) so the audit trail and
the delivery log stay readable; doing it twice changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from eventpalour.api.deps import CurrentUser
from eventpalour.api.errors import answers
from eventpalour.api.schemas import StrictIn
from eventpalour.services import workspaces
from eventpalour.services.workspaces import ApiTokenView, DeliveryView, WebhookView

router = APIRouter(prefix="/api/workspace", tags=["integrations"])

_SCOPES = ", ".join(workspaces.API_SCOPES)
_EVENTS = ", ".join(workspaces.WEBHOOK_EVENTS)


class ApiTokenIn(StrictIn):
    name: str = Field(max_length=1000, examples=["Door app"])
    scopes: list[str] = Field(max_length=20, description=f"One or more of: {_SCOPES}.", examples=[["checkins:write"]])


class ApiTokenOut(BaseModel):
    id: str
    name: str
    hint: str = Field(description="The secret's first characters, to tell tokens apart.")
    scopes: list[str]
    createdBy: str  # noqa: N815  (JSON field names are camelCase)
    createdAt: datetime  # noqa: N815
    lastUsedAt: datetime | None  # noqa: N815
    revokedAt: datetime | None  # noqa: N815
    canRevoke: bool  # noqa: N815

    @classmethod
    def of(cls, view: ApiTokenView) -> ApiTokenOut:
        return cls(
            id=view.id,
            name=view.name,
            hint=view.hint,
            scopes=list(view.scopes),
            createdBy=view.created_by_name,
            createdAt=view.created_at,
            lastUsedAt=view.last_used_at,
            revokedAt=view.revoked_at,
            canRevoke=view.can_revoke,
        )


class CreatedApiTokenOut(BaseModel):
    token: ApiTokenOut
    secret: str = Field(description="`Authorization: Bearer <secret>` for /api/v1. Shown this once only.")


class ApiTokenListOut(BaseModel):
    tokens: list[ApiTokenOut]


class WebhookIn(StrictIn):
    url: str = Field(max_length=2000, examples=["https://crm.example.com/eventpalour"])
    events: list[str] = Field(max_length=20, description=f"One or more of: {_EVENTS}.", examples=[["order.paid"]])


class WebhookOut(BaseModel):
    id: str
    url: str
    events: list[str]
    createdAt: datetime  # noqa: N815
    removedAt: datetime | None  # noqa: N815
    canRemove: bool  # noqa: N815

    @classmethod
    def of(cls, view: WebhookView) -> WebhookOut:
        return cls(
            id=view.id,
            url=view.url,
            events=list(view.events),
            createdAt=view.created_at,
            removedAt=view.removed_at,
            canRemove=view.can_remove,
        )


class CreatedWebhookOut(BaseModel):
    webhook: WebhookOut
    secret: str = Field(description="Checks each delivery's `EventPalour-Signature` header. Shown this once only.")


class WebhookListOut(BaseModel):
    webhooks: list[WebhookOut]


class DeliveryOut(BaseModel):
    id: int
    eventType: str  # noqa: N815
    status: str = Field(description="pending, sending, delivered or failed (given up after a day of retries).")
    statusLabel: str  # noqa: N815
    attempts: int
    responseStatus: int | None  # noqa: N815
    lastError: str  # noqa: N815
    createdAt: datetime  # noqa: N815
    deliveredAt: datetime | None  # noqa: N815
    nextAttemptAt: datetime  # noqa: N815
    body: str = Field(description="The JSON body as sent (and signed).")
    canResend: bool  # noqa: N815

    @classmethod
    def of(cls, view: DeliveryView) -> DeliveryOut:
        return cls(
            id=view.id,
            eventType=view.event_type,
            status=view.status,
            statusLabel=view.status_label,
            attempts=view.attempts,
            responseStatus=view.response_status,
            lastError=view.last_error,
            createdAt=view.created_at,
            deliveredAt=view.delivered_at,
            nextAttemptAt=view.next_attempt_at,
            body=view.body,
            canResend=view.can_resend,
        )


class DeliveryListOut(BaseModel):
    deliveries: list[DeliveryOut]


@router.get("/{workspace_id}/api-tokens", responses=answers(403, 404))
def list_tokens(workspace_id: str, user: CurrentUser) -> ApiTokenListOut:
    """The workspace's API tokens, active first, newest first (never their secrets)."""
    views = workspaces.list_api_tokens(actor=user, workspace_id=workspace_id)
    return ApiTokenListOut(tokens=[ApiTokenOut.of(v) for v in views])


@router.post("/{workspace_id}/api-tokens", status_code=201, responses=answers(403, 404))
def create_token(workspace_id: str, body: ApiTokenIn, user: CurrentUser) -> CreatedApiTokenOut:
    """A new token with a name and scopes; its secret is in this answer only. 400 names each bad field."""
    created = workspaces.create_api_token(actor=user, workspace_id=workspace_id, name=body.name, scopes=body.scopes)
    return CreatedApiTokenOut(token=ApiTokenOut.of(created.token), secret=created.secret)


@router.delete("/{workspace_id}/api-tokens/{token_id}", responses=answers(403, 404))
def revoke_token(workspace_id: str, token_id: str, user: CurrentUser) -> ApiTokenOut:
    """Revoke a token: /api/v1 refuses it from now on. It stays listed with `revokedAt`."""
    return ApiTokenOut.of(workspaces.revoke_api_token(actor=user, workspace_id=workspace_id, token_id=token_id))


@router.get("/{workspace_id}/webhooks", responses=answers(403, 404))
def list_endpoints(workspace_id: str, user: CurrentUser) -> WebhookListOut:
    """The workspace's webhook endpoints, active first, newest first (never their secrets)."""
    views = workspaces.list_webhooks(actor=user, workspace_id=workspace_id)
    return WebhookListOut(webhooks=[WebhookOut.of(v) for v in views])


@router.post("/{workspace_id}/webhooks", status_code=201, responses=answers(403, 404))
def create_endpoint(workspace_id: str, body: WebhookIn, user: CurrentUser) -> CreatedWebhookOut:
    """Register an https endpoint for the chosen events; its signing secret is in this answer only."""
    created = workspaces.register_webhook(actor=user, workspace_id=workspace_id, url=body.url, events=body.events)
    return CreatedWebhookOut(webhook=WebhookOut.of(created.endpoint), secret=created.secret)


@router.delete("/{workspace_id}/webhooks/{endpoint_id}", responses=answers(403, 404))
def remove_endpoint(workspace_id: str, endpoint_id: str, user: CurrentUser) -> WebhookOut:
    """Stop sending to an endpoint. It stays listed with `removedAt`, and its delivery log stays readable."""
    return WebhookOut.of(workspaces.remove_webhook(actor=user, workspace_id=workspace_id, endpoint_id=endpoint_id))


@router.get("/{workspace_id}/webhooks/{endpoint_id}/deliveries", responses=answers(403, 404))
def list_deliveries(workspace_id: str, endpoint_id: str, user: CurrentUser) -> DeliveryListOut:
    """The endpoint's latest deliveries, newest first."""
    views = workspaces.webhook_deliveries(actor=user, workspace_id=workspace_id, endpoint_id=endpoint_id)
    return DeliveryListOut(deliveries=[DeliveryOut.of(v) for v in views])


@router.post(
    "/{workspace_id}/webhook-deliveries/{delivery_id}/resend", status_code=201, responses=answers(403, 404, 409)
)
def resend(workspace_id: str, delivery_id: Annotated[int, Path(ge=1, le=2**31 - 1)], user: CurrentUser) -> DeliveryOut:
    """Queue a delivered or given-up delivery's body again to its endpoint; answers the new delivery.
    409 while it is still being tried, or when its endpoint was removed."""
    return DeliveryOut.of(workspaces.resend_delivery(actor=user, workspace_id=workspace_id, delivery_id=delivery_id))
