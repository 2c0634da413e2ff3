"""/o/{slug}: an organizer's public page, its profile and its public events (#20 §6)."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from eventpalour.services import events
from eventpalour.services.events import OrganizerProfile, SocialLink
from eventpalour.services.platform import N_, NotFound, ValidationFailed, said
from eventpalour.services.workspaces import initials_of
from eventpalour.state.base import AuthState, call_service
from eventpalour.state.discovery import ListedEvent, listed_event


@dataclass(frozen=True)
class OrganizerPage:
    """The organizer as the page shows them."""

    name: str
    description: str
    logo_url: str
    initials: str
    verified: bool
    links: list[SocialLink]
    more_upcoming: bool
    more_past: bool


def organizer_page(profile: OrganizerProfile, language: str = "en") -> OrganizerPage:
    return OrganizerPage(
        name=profile.name,
        description=profile.description,
        logo_url=profile.logo_url,
        initials=initials_of(profile.name),
        verified=profile.verified,
        links=[SocialLink(said(language, link.label), link.url) for link in profile.links],
        more_upcoming=profile.more_upcoming,
        more_past=profile.more_past,
    )


class OrganizerState(AuthState):
    """The organizer in the URL as anyone may see them. Public data only: no handler needs a user."""

    organizer: OrganizerPage | None = None  # None until loaded, and for an unknown slug
    upcoming: list[ListedEvent] = []
    past: list[ListedEvent] = []
    loaded: bool = False
    missing: bool = False

    @rx.var
    def page_title(self) -> str:
        if self.missing:
            return self._t(N_("Organizer not found"))
        return self.organizer.name if self.organizer else self._t(N_("Organizer"))

    def _slug(self) -> str:
        return self.router.url.path.rstrip("/").rsplit("/", 1)[-1]

    @rx.event
    async def load_organizer(self):
        """on_load: the profile and its events as of now, or the not-found message."""
        self.loaded, self.missing = False, False
        try:
            profile = await call_service(events.get_organizer_profile, slug=self._slug())
        except (NotFound, ValidationFailed):  # no such organizer, or a slug none can have (a NUL in it)
            self.organizer, self.upcoming, self.past, self.missing, self.loaded = None, [], [], True, True
            return
        self.organizer = organizer_page(profile, self._language())
        self.upcoming = [listed_event(card) for card in profile.upcoming]
        self.past = [listed_event(card) for card in profile.past]
        self.loaded = True
