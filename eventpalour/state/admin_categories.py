"""/admin/categories: organizers' category suggestions; approving one adds it to the managed list."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from eventpalour.services import events
from eventpalour.services.platform import N_, DomainError, utc_moment
from eventpalour.state.admin import admin_entered
from eventpalour.state.base import AuthState, call_service


@dataclass(frozen=True)
class SuggestionRow:
    """A suggestion as the queue shows it: the service's view and when it was sent, in words."""

    view: events.CategorySuggestionView
    submitted: str


class AdminCategoriesState(AuthState):
    suggestion_status: str = "pending"
    suggestions: list[SuggestionRow] = []
    suggestions_loaded: bool = False

    @rx.event
    async def load_suggestions(self):
        if not await admin_entered(self):  # the not-found view is showing; nothing to load
            return None
        self.suggestions_loaded = False
        try:
            actor = await self.require_user()
            views = await call_service(events.list_category_suggestions, actor=actor, status=self.suggestion_status)
        except DomainError as error:
            self.suggestions, self.suggestions_loaded = [], True
            return self.show_error(error)
        self.suggestions = [SuggestionRow(v, utc_moment(v.created_at, self._language())) for v in views]
        self.suggestions_loaded = True
        return None

    @rx.event
    def set_suggestion_status(self, value: str):
        self.suggestion_status = value
        return AdminCategoriesState.load_suggestions

    @rx.event
    async def decide(self, suggestion_id: str, approve: bool):
        try:
            actor = await self.require_user()
            view = await call_service(
                events.decide_category_suggestion, actor=actor, suggestion_id=suggestion_id, approve=approve
            )
        except DomainError as error:
            return self.show_error(error)
        done = N_("{name} approved: organizers can pick it now.") if approve else N_("{name} rejected.")
        return [rx.toast.success(self._t(done).format(name=view.name)), AdminCategoriesState.load_suggestions]
