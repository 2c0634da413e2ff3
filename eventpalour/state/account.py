"""The account page: profile, password, and signing out of every device."""

from __future__ import annotations

from typing import Any

import reflex as rx

from eventpalour.services import identity
from eventpalour.services.platform import DomainError, plural
from eventpalour.state.base import AuthState, call_service
from eventpalour.state.forms import FormMixin


class AccountState(FormMixin, AuthState):
    username: str = ""
    full_name: str = ""
    has_google: bool = False
    password_changed: bool = False

    @rx.event
    async def load(self):
        user = await self.current_user()
        if user is None:
            return rx.redirect(self._sign_in_url())
        self.username, self.full_name = user.username, user.full_name
        self.field_errors, self.form_error, self.password_changed = {}, "", False
        return None

    @rx.event
    async def save_profile(self, form: dict[str, Any]):
        self._start()
        yield
        try:
            actor = await self.require_user()
            user = await call_service(identity.update_profile, actor=actor, full_name=str(form.get("full_name", "")))
        except DomainError as error:
            yield self._fail(error)
            return
        self.is_submitting = False
        self.full_name = user.full_name
        self._remember(user)
        yield rx.toast.success("Profile saved.")

    @rx.event
    async def change_password(self, form: dict[str, Any]):
        self._start()
        yield
        new_password = str(form.get("new_password", ""))
        if new_password != str(form.get("confirm_password", "")):
            self.is_submitting = False
            self.field_errors = {"confirm_password": "The two passwords do not match."}
            return
        try:
            actor = await self.require_user()
            self._limit("auth")
            await call_service(
                identity.change_password,
                actor=actor,
                current_password=str(form.get("current_password", "")),
                new_password=new_password,
                keep_session_token=self._session_token(),
            )
        except DomainError as error:
            yield self._fail(error)
            return
        self.is_submitting = False
        self.password_changed = True
        yield rx.toast.success("Password changed. Other devices were signed out.")

    @rx.event
    async def sign_out_everywhere(self):
        try:
            actor = await self.require_user()
            ended = await call_service(identity.sign_out_everywhere, actor=actor)
        except DomainError as error:
            return self.show_error(error)
        # This browser's session ended too; the sign-out route also clears its cookie.
        return [
            rx.toast.success(f"Signed out of {plural(ended, 'session')}."),
            AccountState.sign_out,
        ]
