"""The development outbox page: every captured email and text message, newest first, and what the
SMS sandbox received."""

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
    sms: bool = False  # a text message queued in the outbox (channel sms), not an email


@dataclass(frozen=True)
class ReceivedText:
    """A text message the SMS sandbox received, and whether it was delivered (101 Success)."""

    number: str  # "to" in the sandbox's record (a Var already has a `to` method)
    message: str
    status: str
    message_id: str
    created_at: str
    delivered: bool


class DevOutboxState(AuthState):
    emails: list[CapturedEmail] = []
    texts: list[ReceivedText] = []
    enabled: bool = True
    only_local: bool = False
    loaded: bool = False
    filter_to: str = ""

    @rx.event
    async def load(self) -> None:
        """Only in development without SMTP, and only to a browser on this machine: the websocket's
        TCP peer must be loopback with no proxy's forwarding headers on its handshake."""
        self.emails, self.texts, self.enabled, self.only_local = [], [], True, False
        where = {
            "client_ip": self.router.session.client_ip or None,
            "proxied": platform.came_through_proxy(self.router.headers.raw_headers.keys()),
        }
        try:
            texts = await call_service(platform.dev_outbox_text_messages, **where, limit=50)
            items = await call_service(
                platform.dev_outbox_emails,
                **where,
                limit=100,
                to_email=self.filter_to.strip().lower() or None,
            )
        except NotFound:
            self.enabled = False
        except PermissionDenied:
            self.only_local = True
        else:
            self.emails = [CapturedEmail(item, item.is_sent, item.is_sms) for item in items]
            self.texts = [
                ReceivedText(sms.to, sms.message, sms.status, sms.message_id, sms.created_at, sms.delivered)
                for sms in texts
            ]
        self.loaded = True

    @rx.event
    async def set_filter(self, value: str):
        self.filter_to = value
        return DevOutboxState.load
