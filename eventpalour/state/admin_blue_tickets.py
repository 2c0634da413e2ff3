"""/admin/blue-tickets: verification requests; approve, reject (reason required) or revoke."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import reflex as rx

from eventpalour import routes
from eventpalour.services import workspaces
from eventpalour.services.platform import N_, DomainError, utc_moment
from eventpalour.state.admin import admin_entered
from eventpalour.state.base import AuthState, call_service

ACTIONS = {
    "approve": workspaces.approve_request,
    "reject": workspaces.reject_request,
    "revoke": workspaces.revoke_request,
}
DONE = {
    "approve": N_("{workspace} approved: the badge is live."),
    "reject": N_("{workspace} rejected."),
    "revoke": N_("{workspace} revoked: the badge is gone."),
}


@dataclass(frozen=True)
class BlueTicketRequest:
    """A request as the review queue shows it: the service's view and the links and time it reads as."""

    view: workspaces.BlueTicketView
    workspace_url: str
    document_url: str  # "" when no document is attached
    submitted: str


def blue_ticket_request(view: workspaces.BlueTicketView, language: str) -> BlueTicketRequest:
    return BlueTicketRequest(
        view=view,
        workspace_url=routes.workspace_url(view.workspace_id),
        document_url=routes.file_url(view.document_key) if view.document_key else "",
        submitted=utc_moment(view.created_at, language),
    )


class AdminBlueTicketsState(AuthState):
    request_status: str = "pending"
    requests: list[BlueTicketRequest] = []
    requests_loaded: bool = False
    acting_on: str = ""
    action: str = ""
    reason_error: str = ""

    @rx.event
    async def load_requests(self):
        if not await admin_entered(self):  # the not-found view is showing; nothing to load
            return None
        self.requests_loaded = False
        try:
            actor = await self.require_user()
            rows = await call_service(workspaces.list_requests, actor=actor, status=self.request_status)
        except DomainError as error:
            self.requests, self.requests_loaded = [], True
            return self.show_error(error)
        self.requests, self.requests_loaded = [blue_ticket_request(v, self._language()) for v in rows], True
        return None

    @rx.event
    def set_request_status(self, value: str):
        self.request_status, self.acting_on = value, ""
        return AdminBlueTicketsState.load_requests

    @rx.event
    def start(self, request_id: str, action: str) -> None:
        self.acting_on, self.action, self.reason_error = request_id, action, ""

    @rx.event
    def cancel(self) -> None:
        self.acting_on, self.action = "", ""

    @rx.event
    async def decide(self, form: dict[str, Any]):
        if self.action not in ACTIONS:
            return None
        try:
            actor = await self.require_user()
            view = await call_service(
                ACTIONS[self.action],
                actor=actor,
                request_id=self.acting_on,
                reason=str(form.get("reason", "")),
                client=self._client(),
            )
        except DomainError as error:
            self.reason_error = error.details[0].in_language(self._language()) if error.details else ""
            return self.show_error(error)
        done, self.acting_on, self.action = DONE[self.action], "", ""
        return [
            rx.toast.success(self._t(done).format(workspace=view.workspace_name)),
            AdminBlueTicketsState.load_requests,
        ]
