"""The pages' one translation mechanism (#23 §1): `t("English text")` and the footer's switcher.

`t()` looks the text up in the .po catalogs when the app is compiled and bakes its translations into
the page as a tiny JS table indexed by the language var: `({"sw": "Ingia", "fr": "Se connecter"}[lang]
?? "Sign in")`. The language is the `ep_lang` cookie, which the browser hands to the state when the
page hydrates, so a page costs no extra request and no database read for it, and a text without a
translation shows in English. The same catalogs speak the server's texts (`platform.gettext`).
"""

from __future__ import annotations

import json

import reflex as rx
from reflex.vars.base import Var, VarData

from eventpalour.cookies import LANGUAGE_COOKIE, LANGUAGE_DAYS
from eventpalour.services import identity, platform
from eventpalour.services.platform import DomainError
from eventpalour.state.base import AuthState, call_service
from eventpalour.state.pristine import keep_only_when_changed


class LanguageState(rx.State):
    """The language this browser reads the site in; "" until hydrated or when never set (English)."""

    lang: str = rx.Cookie("", name=LANGUAGE_COOKIE, max_age=LANGUAGE_DAYS * 24 * 3600, same_site="lax")

    @rx.var
    def language(self) -> str:
        """The switcher's value: always one we speak."""
        return platform.language_or_default(self.lang)

    @rx.event
    async def set_language(self, language: str) -> list[rx.event.EventSpec] | None:
        """The footer's switcher: this browser's cookie, and the account's choice when signed in; then
        a full reload, so the server's texts (money, dates, errors) and the handshake follow too."""
        code = platform.normalize_language(language)
        if code is None:
            return [rx.toast.error(platform.gettext(self.lang, "Choose English, Kiswahili or Français."))]
        auth = await self.get_state(AuthState)
        actor = await auth.current_user()
        if actor is not None:
            try:
                await call_service(identity.set_language, actor=actor, language=code)
            except DomainError as error:
                return auth.show_error(error)
        self.lang = code
        cookie = f"{LANGUAGE_COOKIE}={code}; path=/; max-age={LANGUAGE_DAYS * 24 * 3600}; samesite=lax"
        return [rx.call_script(f"document.cookie = {json.dumps(cookie)}; window.location.reload()")]


keep_only_when_changed(LanguageState)  # a first visit without the cookie: nothing to keep


def t(text: str, context: str | None = None, **values: str) -> Var[str]:
    """`text` (English, also the catalogs' message id) in the reader's language, as a page Var.

    `values` fill the text's {named fields} when the app compiles (the platform's name, its company:
    settings, the same for every reader), in each language's own sentence. A service's Message (a
    policy's sentence, an admin page's title) brings its own values, and is said whole in each language.

    pybabel extracts every `t("...")` (babel.cfg), and tests/unit/test_i18n_catalogs.py fails when
    one is missing from the Kiswahili or French catalog. `context` looks up a text marked with
    `NC_(context, text)` (the catalogs' msgctxt), said apart from the same English elsewhere."""
    if isinstance(text, platform.Message):
        return in_each_language(
            str(text), {code: platform.gettext(code, text) for code in platform.TRANSLATED if code in _has(text)}
        )
    found = {
        code: translated.format(**values) if values else translated
        for code, translated in platform.translations(text, context).items()
    }
    return in_each_language(text.format(**values) if values else text, found)


def _has(text: platform.Message) -> set[str]:
    """The languages whose catalogs hold `text`'s sentence (the others say it in English)."""
    return set(platform.translations(text.template))


def in_each_language(english: str, found: dict[str, str]) -> Var[str]:
    """A text the compiled page shows in the reader's language: `found` holds it per language code
    (worked out at build time: a translation, a date written per locale), English for the rest."""
    if not found:
        return Var.create(english)
    lang = LanguageState.lang
    return Var(
        _js_expr=f"({json.dumps(found, ensure_ascii=False)}[{lang}] ?? {json.dumps(english, ensure_ascii=False)})",
        _var_type=str,
        _var_data=VarData.merge(lang._get_all_var_data()),
    ).to(str)


def fill(text: Var[str], **values: Var | str) -> Var[str]:
    """A translated sentence with its {named fields} filled from state vars, so translators get the
    whole sentence: `fill(t("Remove {name}"), name=member.name)`."""
    for name, value in values.items():
        filled = value.to(str) if isinstance(value, Var) else Var.create(value)
        text = text.to(str).replace("{" + name + "}", filled)
    return text
