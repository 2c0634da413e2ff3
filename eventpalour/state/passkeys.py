"""Passkeys on the account page (add, rename, remove, list) and the browser half of each ceremony.

The ceremonies run in the browser (assets/passkeys.js, loaded on demand): a handler asks a service
for options, hands them to the script with `rx.call_script`, and the script's answer comes back to
a second handler, which asks the service to verify it. The challenge's id stays in this state's
backend-only vars; the service checks it anyway, since any browser can call any handler.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import reflex as rx

from eventpalour.services import identity
from eventpalour.services.platform import N_, DomainError, gettext, utc_moment
from eventpalour.state.account import AccountState
from eventpalour.state.base import AuthState, call_service
from eventpalour.state.forms import FormMixin

BROWSER_ERRORS = {
    "NotAllowedError": N_("The passkey request was cancelled or timed out."),
    "InvalidStateError": N_("This device already holds a passkey for your account."),
    "NotSupportedError": N_("This browser cannot use passkeys. Use your password instead."),
    "SecurityError": N_("Passkeys need this site's own secure address."),
}
BROWSER_FAILED = N_("Your browser could not use a passkey. Please try again.")


def browser_error(answer: dict[str, Any]) -> str:
    """The words for the script's `{error}` answer (English: the caller says them in the reader's
    language with `_t`), or "" when it brought a credential."""
    if isinstance(answer, dict) and isinstance(answer.get("credential"), dict):
        return ""
    name = answer.get("error") if isinstance(answer, dict) else None
    return BROWSER_ERRORS.get(str(name), BROWSER_FAILED)


def passkey_ceremony(action: str, options_json: str, callback: rx.event.EventType) -> rx.event.EventSpec:
    """Run `register` or `signIn` of assets/passkeys.js with these options; its answer goes to `callback`
    (an `{error}` one too when the script itself could not load, so the button never stays busy)."""
    call = f"m.{action}({json.dumps(options_json)})"
    return rx.call_script(
        f'import("/passkeys.js").then((m) => {call}).catch(() => ({{ error: "UnknownError" }}))', callback=callback
    )


def _when(moment: datetime | None, language: str = "en") -> str:
    """When a passkey was added or last used, in UTC, in the reader's `language`; "Never" unused."""
    if moment is None:
        return gettext(language, N_("Never"))
    return moment.strftime("%d %b %Y, %H:%M UTC") if language == "en" else utc_moment(moment, language)


@dataclass(frozen=True)
class PasskeyLine:
    id: str
    name: str
    created: str
    last_used: str


class PasskeysState(FormMixin, AuthState):
    passkeys: list[PasskeyLine] = []
    loaded: bool = False
    load_error: str = ""
    # Bumped after each passkey added, so the name field (uncontrolled) starts empty again.
    added: int = 0
    renaming_id: str = ""
    renaming_name: str = ""
    _challenge_id: str = ""
    _name: str = ""

    @rx.event
    async def load(self) -> None:
        """on_load of the account page, after `reset_form`: the list, and no rename or ceremony left open."""
        self.renaming_id, self._challenge_id = "", ""
        user = await self.current_user()
        if user is not None:
            await self._refresh(user)

    async def _refresh(self, user: identity.UserSummary) -> None:
        try:
            rows = await call_service(identity.list_passkeys, actor=user)
        except DomainError as error:
            self.load_error, self.loaded = error.in_language(self._language()), True
            return
        language = self._language()
        self.passkeys = [
            PasskeyLine(r.id, r.name, _when(r.created_at, language), _when(r.last_used_at, language)) for r in rows
        ]
        self.load_error, self.loaded = "", True

    @rx.event
    async def start_adding(self, form: dict[str, Any]):
        """Check the name and get the options, then let the browser make the passkey."""
        self._start()
        yield
        name = str(form.get("passkey_name", ""))
        try:
            actor = await self.require_user()
            await self._limit("auth", actor)
            options = await call_service(identity.passkey_registration_options, actor=actor, name=name)
        except DomainError as error:
            yield self._fail(error)
            return
        self._challenge_id, self._name = options.challenge_id, name
        yield passkey_ceremony("register", options.options_json, PasskeysState.finish_adding)

    @rx.event
    async def finish_adding(self, answer: dict[str, Any]):
        """The browser's answer: verified and stored by the service."""
        challenge_id, self._challenge_id = self._challenge_id, ""
        if problem := self._t(browser_error(answer)):
            self.is_submitting, self.form_error = False, problem
            yield rx.toast.error(problem)
            return
        try:
            actor = await self.require_user()
            info = await call_service(
                identity.register_passkey,
                actor=actor,
                challenge_id=challenge_id,
                credential=answer["credential"],
                name=self._name,
                session_token=self._session_token(),
            )
        except DomainError as error:
            yield self._fail(error)
            return
        self.is_submitting, self.added = False, self.added + 1
        user = await self.require_user()
        await self._refresh(user)
        account = await self.get_state(AccountState)
        await account._refresh_two_factor(user)
        yield rx.toast.success(self._t("Passkey “{name}” added. You can sign in with it.").format(name=info.name))

    @rx.event
    def open_rename(self, passkey_id: str, name: str) -> None:
        self.renaming_id, self.renaming_name, self.field_errors = passkey_id, name, {}

    @rx.event
    def close_rename(self, is_open: bool = False) -> None:
        self.renaming_id = ""

    @rx.event
    async def rename(self, form: dict[str, Any]):
        self._start()
        yield
        try:
            actor = await self.require_user()
            info = await call_service(
                identity.rename_passkey,
                actor=actor,
                passkey_id=self.renaming_id,
                name=str(form.get("new_passkey_name", "")),
            )
        except DomainError as error:
            events = self._fail(error)
            if "passkey_name" in self.field_errors:  # the service's field, shown under this dialog's input
                self.field_errors = {"new_passkey_name": self.field_errors["passkey_name"]}
            yield events
            return
        self.is_submitting, self.renaming_id = False, ""
        await self._refresh(actor)
        yield rx.toast.success(self._t("Passkey renamed to “{name}”.").format(name=info.name))

    @rx.event
    async def remove(self, passkey_id: str):
        try:
            actor = await self.require_user()
            await call_service(identity.remove_passkey, actor=actor, passkey_id=passkey_id)
        except DomainError as error:
            yield self.show_error(error)
            return
        user = await self.require_user()
        await self._refresh(user)
        account = await self.get_state(AccountState)
        await account._refresh_two_factor(user)
        yield rx.toast.success(self._t("Passkey removed."))
