"""The development outbox page: every captured email, newest first."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from eventpalour.services import platform
from eventpalour.services.platform import NotFound, OutboxItem, PermissionDenied
from eventpalour.state.base import AuthState, call_service


@dataclass(frozen=True)
class CapturedEmail:
    """A captured email and whether it went out (the service's `is_sent`, a property its API's JSON leaves out)."""

    email: OutboxItem
    sent: bool


class DevOutboxState(AuthState):
    emails: list[CapturedEmail] = []
    enabled: bool = True
    only_local: bool = False
    loaded: bool = False
    filter_to: str = ""

    @rx.event
    async def load(self) -> None:
        """Only in development without SMTP, and only to a browser on this machine: the websocket's
        TCP peer must be loopback with no proxy's forwarding headers on its handshake."""
        self.emails, self.enabled, self.only_local = [], True, False
        try:
            items = await call_service(
                platform.dev_outbox_emails,
                client_ip=self.router.session.client_ip or None,
                proxied=platform.came_through_proxy(self.router.headers.raw_headers.keys()),
                limit=100,
                to_email=self.filter_to.strip().lower() or None,
            )
        except NotFound:
            self.enabled = False
        except PermissionDenied:
            self.only_local = True
        else:
            self.emails = [CapturedEmail(item, item.is_sent) for item in items]
        self.loaded = True

    @rx.event
    async def set_filter(self, value: str):
        self.filter_to = value
        return DevOutboxState.load
