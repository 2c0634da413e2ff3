"""Sign-up, sign-in, email verification, forgotten and reset passwords, onboarding."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import reflex as rx

from eventpalour import routes
from eventpalour.config import settings
from eventpalour.cookies import CHALLENGE_COOKIE, TRUSTED_BROWSER_COOKIE
from eventpalour.models import AccountType
from eventpalour.services import identity
from eventpalour.services.platform import N_, DomainError, NotAuthenticated
from eventpalour.state.base import AuthState, call_service, exchange_in_this_browser, navigate_hard
from eventpalour.state.forms import FormMixin
from eventpalour.state.navigation import destination_after_sign_in
from eventpalour.state.passkeys import browser_error, passkey_ceremony

SIGN_IN_NOTICES = {
    "expired": N_("Your sign-in took too long. Please sign in again."),
    "google_cancelled": N_("Google sign-in was cancelled."),
    "google_failed": N_("Google sign-in did not work. Please try again."),
    "google_unavailable": N_("Google sign-in is unavailable right now. Use your email and password."),
    "suspended": N_("This account cannot sign in right now. Contact support."),
}


def _next_of(state: rx.State) -> str:
    return routes.safe_next(state.router.url.query_parameters.get("next"))


def google_start_url(next_path: str = routes.HOME) -> str:
    return f"{settings.api_url}{routes.API_GOOGLE_START}?{urlencode({'next': next_path})}"


class SignUpState(FormMixin, AuthState):
    @rx.event
    async def submit(self, form: dict[str, Any]):
        """Create the account, then let the API set the session cookie and go to verification."""
        self._start()
        yield
        try:
            await self._limit("auth")
            result = await call_service(
                identity.sign_up,
                email=str(form.get("email", "")),
                password=str(form.get("password", "")),
                # A ticked native checkbox submits "on"; its ref, True. Unticked, it is not sent at all.
                accept_terms=form.get("accept_terms") in ("on", True),
                full_name=str(form.get("full_name", "")),
                client=self._client(),
                language=self._language(),
            )
        except DomainError as error:
            yield self._fail(error)
            return
        yield rx.toast.success(self._t("Account created. Check your email for the code."))
        yield exchange_in_this_browser(result, await destination_after_sign_in(self, result.user, _next_of(self)))


class SignInState(FormMixin, AuthState):
    # The second step (two-factor on): the page asks for a code instead of the password.
    needs_code: bool = False
    _challenge: str = ""
    # "Sign in with a passkey": waiting for the browser, and the id of the ceremony's challenge.
    passkey_busy: bool = False
    _passkey_challenge: str = ""

    @rx.event
    def load(self) -> None:
        """on_load: the password step, unless a Google sign-in left its challenge in a cookie."""
        self._challenge = self._cookie(CHALLENGE_COOKIE) or ""
        self.needs_code = self._challenge != ""
        self.passkey_busy = False

    @rx.event
    def start_over(self):
        """ "Use another account": back to the password step; a Google sign-in's challenge cookie is
        cleared by the API (HttpOnly), so a reload does not bring the code step back."""
        self._challenge, self.needs_code = "", False
        self.field_errors, self.form_error = {}, ""
        if self._cookie(CHALLENGE_COOKIE):
            return navigate_hard(
                f"{settings.api_url}{routes.API_TWO_FACTOR_CANCEL}?{urlencode({'next': _next_of(self)})}"
            )
        return None

    @rx.var
    def notice(self) -> str:
        notice = SIGN_IN_NOTICES.get(self.router.url.query_parameters.get("error", ""), "")
        return self._t(notice) if notice else ""

    @rx.var
    def next_path(self) -> str:
        # Read through `self.router` here, not a helper: Reflex recomputes a var only when the state
        # attributes it reads in its own body change, and a helper's reads are invisible to it (the
        # links then kept the first `next` the tab saw).
        return routes.safe_next(self.router.url.query_parameters.get("next"))

    @rx.var
    def google_url(self) -> str:
        return google_start_url(self.next_path)

    @rx.var
    def sign_up_link(self) -> str:
        return routes.with_next(routes.SIGN_UP, self.next_path)

    @rx.var
    def sign_in_link(self) -> str:
        return routes.with_next(routes.SIGN_IN, self.next_path)

    @rx.event
    async def submit(self, form: dict[str, Any]):
        """Check the password; on success the browser exchanges the grant for the cookie."""
        self._start()
        yield
        try:
            await self._limit("auth")
            result = await call_service(
                identity.sign_in,
                email=str(form.get("email", "")),
                password=str(form.get("password", "")),
                client=self._client(),
                trusted_browser=self._cookie(TRUSTED_BROWSER_COOKIE),
            )
        except DomainError as error:
            yield self._fail(error)
            return
        if isinstance(result, identity.SecondFactorNeeded):
            self.is_submitting = False
            self._challenge, self.needs_code = result.challenge, True
            return
        yield exchange_in_this_browser(result, await destination_after_sign_in(self, result.user, _next_of(self)))

    @rx.event
    async def submit_code(self, form: dict[str, Any]):
        """The second step: an authenticator or recovery code; then the browser exchanges the grant."""
        self._start()
        yield
        try:
            await self._limit("auth")
            result = await call_service(
                identity.complete_second_factor,
                challenge=self._challenge,
                code=str(form.get("code", "")),
                # A ticked native checkbox submits "on"; unticked, it is not sent at all.
                trust_browser=form.get("trust_browser") in ("on", True),
                client=self._client(),
            )
        except NotAuthenticated as error:  # the challenge expired: back to the password
            self._challenge, self.needs_code, self.is_submitting = "", False, False
            yield rx.toast.error(error.in_language(self._language()))
            return
        except DomainError as error:
            yield self._fail(error)
            return
        # Done with this step: the state outlives the page, and the next visit starts at the password.
        self._challenge, self.needs_code = "", False
        yield exchange_in_this_browser(result, await destination_after_sign_in(self, result.user, _next_of(self)))

    @rx.event
    async def start_passkey(self):
        """Get a challenge and let the browser offer the person's passkeys (no email asked)."""
        self.passkey_busy, self.field_errors, self.form_error = True, {}, ""
        yield
        try:
            await self._limit("auth")
            options = await call_service(identity.passkey_sign_in_options)
        except DomainError as error:
            self.passkey_busy = False
            yield self._fail(error)
            return
        self._passkey_challenge = options.challenge_id
        yield passkey_ceremony("signIn", options.options_json, SignInState.finish_passkey)

    @rx.event
    async def finish_passkey(self, answer: dict[str, Any]):
        """The browser's answer: verified by the service, then the grant is exchanged as after a password."""
        challenge_id, self._passkey_challenge = self._passkey_challenge, ""
        if problem := self._t(browser_error(answer)):
            self.passkey_busy, self.form_error = False, problem
            return
        try:
            await self._limit("auth")
            result = await call_service(
                identity.sign_in_with_passkey,
                challenge_id=challenge_id,
                credential=answer["credential"],
                client=self._client(),
            )
        except DomainError as error:
            # Shown here, not through show_error: a refused passkey is not a reason to leave the page.
            self.passkey_busy, self.form_error = False, error.in_language(self._language())
            yield rx.toast.error(error.in_language(self._language()))
            return
        yield exchange_in_this_browser(result, await destination_after_sign_in(self, result.user, _next_of(self)))


class VerifyState(FormMixin, AuthState):
    @rx.event
    async def load(self):
        """Verified users have nothing to do here; send them on."""
        user = await self.current_user()
        if user is None:
            return rx.redirect(self._sign_in_url())
        if user.is_verified:
            return rx.redirect(await destination_after_sign_in(self, user, _next_of(self)))
        return None

    @rx.event
    async def submit(self, form: dict[str, Any]):
        self._start()
        yield
        try:
            actor = await self.require_user()
            await self._limit("auth")
            user = await call_service(identity.verify_email, actor=actor, code=str(form.get("code", "")))
        except DomainError as error:
            yield self._fail(error)
            return
        self.is_submitting = False
        self._remember(user)
        yield rx.toast.success(self._t("Email verified. Welcome to {name}!").format(name=settings.platform_name))
        yield rx.redirect(await destination_after_sign_in(self, user, _next_of(self)))

    @rx.event
    async def resend(self):
        try:
            actor = await self.require_user()
            await self._limit("auth")
            await call_service(identity.resend_verification_code, actor=actor)
        except DomainError as error:
            return self.show_error(error)
        return rx.toast.success(self._t("A new code is on its way to {email}.").format(email=actor.email))


class ForgotPasswordState(FormMixin, AuthState):
    sent_to: str = ""

    @rx.event
    def start_over(self) -> None:
        """on_load: show the form again, so a mistyped address can be corrected in the same tab."""
        self.sent_to = ""

    @rx.event
    async def submit(self, form: dict[str, Any]):
        self._start()
        yield
        try:
            await self._limit("auth")
            email = str(form.get("email", ""))
            await call_service(identity.request_password_reset, email=email)
        except DomainError as error:
            yield self._fail(error)
            return
        self.is_submitting = False
        self.sent_to = email.strip()


class ResetPasswordState(FormMixin, AuthState):
    token_email: str = ""
    token_problem: str = ""
    done: bool = False

    def _token(self) -> str:
        return self.router.url.path.rsplit("/", 1)[-1]

    @rx.event
    async def load(self) -> None:
        self.done, self.token_email, self.token_problem = False, "", ""
        try:
            self.token_email = await call_service(identity.check_reset_token, token=self._token())
        except DomainError as error:
            self.token_problem = error.in_language(self._language())

    @rx.event
    async def submit(self, form: dict[str, Any]):
        self._start()
        yield
        password = str(form.get("password", ""))
        if password != str(form.get("confirm_password", "")):
            self.is_submitting = False
            self.field_errors = {"confirm_password": self._t("The two passwords do not match.")}
            return
        try:
            await self._limit("auth")
            await call_service(identity.reset_password, token=self._token(), new_password=password)
        except DomainError as error:
            yield self._fail(error)
            return
        self.is_submitting = False
        self.done = True
        yield rx.toast.success(self._t("Password changed. Sign in with your new password."))


class OnboardingState(FormMixin, AuthState):
    choice: str = "attendee"

    @rx.event
    def choose(self, value: str) -> None:
        self.choice = value

    @rx.event
    async def submit(self):
        self._start()
        yield
        try:
            actor = await self.require_user()
            user = await call_service(identity.set_account_type, actor=actor, account_type=self.choice)
        except DomainError as error:
            yield self._fail(error)
            return
        self.is_submitting = False
        self._remember(user)
        yield rx.toast.success(self._t("You're all set."))
        if user.account_type == AccountType.ORGANIZER:  # straight on to the first workspace (#20 §6)
            yield rx.redirect(routes.new_workspace_url(_next_of(self)))
            return
        yield rx.redirect(_next_of(self))


__all__ = [
    "AuthState",
    "ForgotPasswordState",
    "OnboardingState",
    "ResetPasswordState",
    "SignInState",
    "SignUpState",
    "VerifyState",
]
