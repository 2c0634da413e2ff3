"""The page decorator: navbar + content + footer, the sign-in guard, and registration with Reflex."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import reflex as rx
from reflex.components.el.elements.inline import A

from eventpalour.components.navbar import navbar
from eventpalour.components.toast_guard import toast_guard
from eventpalour.config import settings
from eventpalour.services import platform
from eventpalour.state.base import AuthState
from eventpalour.state.forms import FormMixin
from eventpalour.state.language import LanguageState, t


def loading(label: str | rx.Var = "") -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.spinner(size="3"),
            rx.text(t("Loading…") if isinstance(label, str) and not label else label, color_scheme="gray"),
            align="center",
        ),
        min_height="40vh",
        role="status",
    )


MAIN_ID = "content"


def skip_link() -> rx.Component:
    """The first stop of the keyboard on every page: past the navbar to the page's own content.

    A plain in-page anchor: the browser moves focus to <main> itself. Not `rx.el.a`, which Reflex makes
    a router link that resolves "#content" against the path ("/events/#content") and navigates there.
    Hidden until it has focus (assets/a11y.css).
    """
    return A.create(t("Skip to content"), href=f"#{MAIN_ID}", class_name="skip-link")


def footer() -> rx.Component:
    """Every page's foot: the policies, the support address and who runs the platform (settings)."""
    who = platform.platform_identity()
    # Real landmark elements: Radix's Box renders only div/span, so `as_="footer"` was dropped.
    return rx.el.footer(
        rx.vstack(
            rx.el.nav(
                rx.flex(
                    *(rx.link(t(p.title), href=p.path, size="2", color_scheme="gray") for p in platform.policies()),
                    rx.link(who.support_email, href=f"mailto:{who.support_email}", size="2", color_scheme="gray"),
                    wrap="wrap",
                    justify="center",
                    column_gap="20px",
                    row_gap="8px",
                ),
                aria_label=t("Policies and contact"),
            ),
            language_switcher(),
            rx.text(
                f"© {who.legal_entity} · {who.name}: ",
                t("tickets for events across Africa"),
                size="1",
                color_scheme="gray",
            ),
            spacing="3",
            align="center",
        ),
        padding="24px",
        text_align="center",
        border_top=f"1px solid {rx.color('gray', 4)}",
        margin_top="48px",
    )


def language_switcher() -> rx.Component:
    """English / Kiswahili / Français: this browser's cookie, and the account's choice when signed in
    (LanguageState.set_language). Each language is named in itself, so anyone can find their own."""
    return rx.hstack(
        rx.icon("languages", size=16, aria_hidden="true"),
        rx.select.root(
            # The same three words in every catalog: whoever cannot read the page still finds the switcher.
            rx.select.trigger(aria_label=t("Language · Lugha · Langue"), id="language-switcher", variant="ghost"),
            rx.select.content(
                *(rx.select.item(name, value=code) for code, name in platform.LANGUAGES.items()),
            ),
            value=LanguageState.language,
            on_change=LanguageState.set_language,
            size="1",
        ),
        align="center",
        spacing="2",
    )


def require_login(content: rx.Component) -> rx.Component:
    """Render `content` only for a signed-in visitor; the page's on_load sends others to sign in.

    This only hides UI: every handler behind the page checks the user again on the server.
    """
    return rx.cond(
        AuthState.auth_checked & AuthState.is_authenticated,
        content,
        # The offline door (assets/door/door.js) hides this while it scans with no server to ask.
        rx.box(loading(t("Checking your session…")), class_name="session-check"),
    )


@dataclass(frozen=True)
class PageEntry:
    """One page as `add_pages` hands it to the app."""

    route: str
    component: Callable[[], rx.Component]
    title: Any  # text, or a state var (the event page's title)
    on_load: list
    in_sitemap: bool
    fixed_title: bool = True  # the same title for every visitor (not a state var's)
    title_text: str = ""  # a fixed title's own words (English, the catalogs' id), without the site's name

    def title_in(self, language: str | None) -> str:
        """A fixed title in `language`, as the tab shows it ("Mes billets · EventPalour")."""
        return tab_title(platform.gettext(language, self.title_text))

    @property
    def tab_title(self) -> Any:
        """What the page gives Reflex: a fixed title in the reader's language (the language var), a
        state var's title as it is."""
        if not self.fixed_title:
            return self.title
        return t(self.title_text) + f" · {settings.platform_name}"


def tab_title(title: str) -> str:
    return f"{title} · {settings.platform_name}"


PAGES: list[PageEntry] = []
"""Every page the `page` decorator made, in import order."""


def page(
    route: str,
    title: str,
    *,
    on_load: Callable | list | None = None,
    require: str | None = None,
    form: type[FormMixin] | None = None,
    width: str = "1200px",
    in_sitemap: bool = False,
    unguarded: Callable[[], rx.Component] | None = None,
    resolves_user: bool = False,
) -> Callable[[Callable[[], rx.Component]], Callable[[], rx.Component]]:
    """Make a page at `route` inside the shared layout (the app adds it: `add_pages`).

    Args:
        route: path from `routes`.
        title: shown in the browser tab.
        on_load: the page's own load events, run after the user is resolved.
        require: None for public pages, "user" for pages that need a signed-in user.
        form: the page's form state, whose errors and busy flag are cleared first on each load.
        width: the maximum width of the content column.
        in_sitemap: list it in sitemap.xml; only public pages worth finding from a search engine.
        unguarded: content shown above the page's own even before the session is checked, e.g. the
            scanner's offline door, which must work when the page opens with no server to ask.
        resolves_user: the public page's own on_load resolves the user (AuthState.current_user) on
            every path, so the separate `load_user` event is left out: each load of a page in an
            on-sale rush then takes one state lock, Redis read and write fewer (#18).
    """
    if resolves_user and require == "user":
        raise ValueError("A private page keeps its sign-in guard.")
    guard = AuthState.require_signed_in if require == "user" else AuthState.load_user
    extra = on_load if isinstance(on_load, list) else ([on_load] if on_load else [])

    def decorator(build: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        def layout() -> rx.Component:
            body = build()
            return rx.box(
                skip_link(),
                toast_guard(),
                navbar(),
                rx.el.main(
                    unguarded() if unguarded else rx.fragment(),
                    require_login(body) if require == "user" else body,
                    id=MAIN_ID,
                    tab_index=-1,  # the skip link's target takes focus, so the next Tab goes on from there
                    max_width=width,
                    margin="0 auto",
                    padding=["16px", "24px"],
                    min_height="70vh",
                ),
                footer(),
                background=rx.color("gray", 2),
                min_height="100vh",
            )

        # Reflex groups a page's compiled components by the module of its page function: the page's
        # own module (not this one) keeps each route's JavaScript to what that page uses.
        layout.__name__, layout.__qualname__, layout.__module__ = build.__name__, build.__qualname__, build.__module__
        on_load_all = [*([form.reset_form] if form else []), *([] if resolves_user else [guard]), *extra]
        fixed = isinstance(title, str)
        full_title = tab_title(title) if fixed else f"{title} · {settings.platform_name}"
        PAGES.append(PageEntry(route, layout, full_title, on_load_all, in_sitemap, fixed, title if fixed else ""))
        return layout

    return decorator


def add_pages(app: rx.App) -> None:
    """Add every page to `app`, once, where the app is made.

    Not `rx.page`: Reflex adds `rx.page` pages on every compile, and production compiles twice in one
    process tree (`reflex run` builds the frontend, then each forked backend worker compiles again),
    so every page was added twice and Reflex printed "Page … is being redefined" for each.
    """
    for entry in PAGES:
        app.add_page(
            entry.component,
            route=entry.route,
            title=entry.tab_title,
            on_load=entry.on_load,
            context={"sitemap": {"loc": settings.app_url + entry.route} if entry.in_sitemap else None},
        )
