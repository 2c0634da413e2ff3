"""The creator's unfinished event as the workspace's pages mention it (#24 §6): its title and when it
was kept, with "Continue editing" (the creator restores it) and "Discard draft"."""

from __future__ import annotations

import reflex as rx

from eventpalour import routes
from eventpalour.services import events
from eventpalour.services.identity import UserSummary
from eventpalour.services.platform import N_, DomainError, said, utc_moment
from eventpalour.state.base import call_service
from eventpalour.state.workspace import workspace_in


class DraftNoticeMixin(rx.State, mixin=True):
    """The organizer's kept draft for the workspace in the URL; `draft_title` "" when there is none."""

    draft_title: str = ""
    draft_saved: str = ""  # "saved 06 Dec, 18:05 UTC"

    async def _load_draft(self, actor: UserSummary) -> None:
        """The actor's kept draft, for those who create events (the others have none to continue)."""
        try:
            draft = await call_service(
                events.get_event_draft, actor=actor, workspace_id=workspace_in(self.router.url.path)
            )
        except DomainError:
            draft = None
        self.draft_title = said(self._language(), draft.title) if draft else ""
        self.draft_saved = (
            self._t(N_("saved {when}")).format(when=utc_moment(draft.updated_at, self._language())) if draft else ""
        )

    @rx.var
    def creator_url(self) -> str:
        workspace_id = workspace_in(self.router.url.path)
        return routes.workspace_url(workspace_id, "events/new") if workspace_id else ""

    @rx.event
    async def discard_draft(self):
        try:
            actor = await self.require_user()
            await call_service(events.discard_event_draft, actor=actor, workspace_id=workspace_in(self.router.url.path))
        except DomainError as error:
            return self.show_error(error)
        self.draft_title, self.draft_saved = "", ""
        return rx.toast.success(self._t(N_("Draft discarded.")))
