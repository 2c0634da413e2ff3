"""The "API tokens" section of /workspace/{id}/settings (#23 §2): the workspace's tokens for the
organizer API, made (the secret shown once, here), listed with when each was last used, and revoked.
Every rule is the workspaces service's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import reflex as rx

from eventpalour.services import workspaces
from eventpalour.services.platform import N_, DomainError, gettext, utc_moment
from eventpalour.services.workspaces import API_SCOPES, ApiTokenView
from eventpalour.state.base import AuthState, call_service
from eventpalour.state.forms import FormMixin
from eventpalour.state.workspace import workspace_in

# The form's checkbox for each scope: "scope-events-read" and so on (a name without ":").
SCOPE_FIELDS = {scope: "scope-" + scope.replace(":", "-") for scope in API_SCOPES}


@dataclass(frozen=True)
class ScopeChoice:
    scope: str
    field: str
    label: str


SCOPE_CHOICES = [ScopeChoice(scope, SCOPE_FIELDS[scope], label) for scope, label in API_SCOPES.items()]


@dataclass(frozen=True)
class ApiTokenRow:
    id: str
    name: str
    hint: str
    scopes: str
    created: str
    last_used: str
    can_revoke: bool


def _when(moment: datetime, language: str) -> str:
    """API calls are logged in UTC, so their moments are shown in it."""
    return utc_moment(moment, language)


def token_row(view: ApiTokenView, language: str) -> ApiTokenRow:
    if view.revoked_at:
        used = gettext(language, "Revoked {when}").format(when=_when(view.revoked_at, language))
    elif view.last_used_at:
        used = gettext(language, "Last used {when}").format(when=_when(view.last_used_at, language))
    else:
        used = gettext(language, "Last used never")
    return ApiTokenRow(
        id=view.id,
        name=view.name,
        hint=view.hint + "…",
        scopes=", ".join(view.scopes),
        created=gettext(language, "Created {when} by {name}").format(
            when=_when(view.created_at, language), name=view.created_by_name
        ),
        last_used=used,
        can_revoke=view.can_revoke,
    )


class ApiTokensState(FormMixin, AuthState):
    """The workspace's API tokens (admins and the owner; the section is hidden from the others)."""

    tokens: list[ApiTokenRow] = []
    loaded: bool = False
    load_problem: str = ""
    new_secret: str = ""  # the token just made, shown until dismissed and never again
    new_secret_name: str = ""

    def _workspace_id(self) -> str:
        return workspace_in(self.router.url.path)

    async def _read(self) -> None:
        actor = await self.require_user()
        views = await call_service(workspaces.list_api_tokens, actor=actor, workspace_id=self._workspace_id())
        self.tokens = [token_row(v, self._language()) for v in views]

    @rx.event
    async def load_tokens(self) -> None:
        """on_load of the settings page; a secret from an earlier visit is gone for good."""
        self.loaded, self.load_problem, self.new_secret, self.new_secret_name = False, "", "", ""
        try:
            await self._read()
        except DomainError as error:
            self.tokens, self.load_problem = [], error.in_language(self._language())
        self.loaded = True

    @rx.event
    async def create_token(self, form: dict[str, Any]):
        self._start()
        yield
        scopes = [scope for scope, field in SCOPE_FIELDS.items() if form.get(field)]
        try:
            actor = await self.require_user()
            created = await call_service(
                workspaces.create_api_token,
                actor=actor,
                workspace_id=self._workspace_id(),
                name=str(form.get("name") or ""),
                scopes=scopes,
            )
            await self._read()
        except DomainError as error:
            yield self._fail(error)
            return
        self.is_submitting = False
        self.new_secret, self.new_secret_name = created.secret, created.token.name
        yield rx.toast.success(
            self._t(N_("Token {name} created. Copy it now: it is shown only once.")).format(name=created.token.name)
        )

    @rx.event
    def copy_secret(self):
        return [rx.set_clipboard(self.new_secret), rx.toast.success(self._t(N_("Token copied.")))]

    @rx.event
    def dismiss_secret(self) -> None:
        self.new_secret, self.new_secret_name = "", ""

    @rx.event
    async def revoke_token(self, token_id: str):
        try:
            actor = await self.require_user()
            view = await call_service(
                workspaces.revoke_api_token, actor=actor, workspace_id=self._workspace_id(), token_id=token_id
            )
            await self._read()
        except DomainError as error:
            return self.show_error(error)
        return rx.toast.success(
            self._t(N_("Token {name} revoked. Apps using it can no longer call the API.")).format(name=view.name)
        )
