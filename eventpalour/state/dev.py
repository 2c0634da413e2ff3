"""The development outbox page: every captured email, newest first."""

from __future__ import annotations

import reflex as rx

from eventpalour.config import settings
from eventpalour.services import outbox
from eventpalour.state.base import AuthState, call_service


class DevOutboxState(AuthState):
    emails: list[dict[str, str]] = []
    enabled: bool = True
    loaded: bool = False
    filter_to: str = ""

    @rx.event
    async def load(self) -> None:
        """Only in development without SMTP: real emails are never shown in a browser."""
        self.enabled = settings.dev_outbox_enabled
        if not self.enabled:
            self.emails, self.loaded = [], True
            return
        items = await call_service(outbox.recent_emails, limit=100, to_email=self.filter_to.strip().lower() or None)
        self.emails = [item.__dict__ for item in items]
        self.loaded = True

    @rx.event
    async def set_filter(self, value: str):
        self.filter_to = value
        return DevOutboxState.load
