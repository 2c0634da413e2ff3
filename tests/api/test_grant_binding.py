"""A sign-in grant link works only in the browser that asked for it (issue #16 item 16).

The sign-in and sign-up forms (websocket handlers) cannot set the HttpOnly session cookie, so they
send the browser to `GET /api/auth/session?grant=…`. The link is in the address bar, history and
maybe a proxy's log for its minute; the handler therefore also gives that browser a random binder
cookie, and the route exchanges the grant only together with it. Another client holding the link
is sent to sign in, and the grant stays usable by its owner.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from eventpalour import routes
from eventpalour.cookies import BINDER_COOKIE
from eventpalour.services.identity import auth
from eventpalour.state.auth import SignInState, SignUpState
from tests.api.support import session_cookie, session_count
from tests.factories import DEFAULT_PASSWORD, make_user, unique_email
from tests.state_support import run_handler, state_for

LINK = re.compile(r'window\.location\.assign\("(?P<url>[^"]+)"\)')
COOKIE = re.compile(r'document\.cookie = "(?P<cookie>[^"]+)"')


def _scripts(emitted: list[Any]) -> list[str]:
    """The JavaScript of every `rx.call_script` a handler emitted."""
    calls = [spec for spec in emitted if getattr(getattr(spec, "handler", None), "fn", None) is not None]
    return [spec.args[0][1]._var_value for spec in calls if spec.handler.fn.__qualname__ == "_call_script"]


def link_of(emitted: list[Any]) -> str:
    """The URL a sign-in handler sends the browser to."""
    [url] = [found["url"] for script in _scripts(emitted) if (found := LINK.search(script))]
    return url


def cookie_of(emitted: list[Any]) -> dict[str, str]:
    """The cookie a sign-in handler's script sets before it navigates: name, value and attributes."""
    [text] = [found["cookie"] for script in _scripts(emitted) if (found := COOKIE.search(script))]
    name_value, *attributes = [part.strip() for part in text.split(";")]
    name, value = name_value.split("=", 1)
    cookie = {"name": name, "value": value}
    cookie.update(dict(a.split("=", 1) if "=" in a else (a, "") for a in attributes))
    return cookie


def open_link(url: str, cookie: dict[str, str] | None = None) -> httpx.Response:
    """A fresh client opening `url`, holding `cookie` (as the script set it) or none."""
    with httpx.Client(follow_redirects=False, timeout=10) as client:
        if cookie:
            client.cookies.set(cookie["name"], cookie["value"], domain=urlsplit(url).hostname, path=cookie["path"])
        return client.get(url)


def test_grant_opened_without_or_with_wrong_binder_refused_and_kept(http: httpx.Client, api_url: str) -> None:
    user = make_user(email="leaky@example.test")
    result = auth.sign_in(email=user.email, password=DEFAULT_PASSWORD)
    link = f"{api_url}{routes.API_SESSION}?grant={result.grant}&next=/account"
    binder = {"name": BINDER_COOKIE, "path": routes.API_SESSION}

    stranger = open_link(link)
    forger = open_link(link, {**binder, "value": "not-the-binder"})
    owner = open_link(link, {**binder, "value": result.binder})

    for refused in (stranger, forger):
        assert refused.status_code == 303
        assert refused.headers["location"] == f"{api_url}/auth/sign-in?error=expired"
        assert session_cookie(refused) is None
    assert owner.status_code == 303 and owner.headers["location"] == f"{api_url}/account"
    assert session_cookie(owner) is not None and session_count(user.id) == 2
    cleared = [h for h in owner.headers.get_list("set-cookie") if h.startswith(f"{BINDER_COOKIE}=")]
    assert cleared and "Max-Age=0" in cleared[0]


async def test_sign_in_form_link_opened_by_another_client_signs_nobody_in(api_url: str) -> None:
    user = make_user(email="shared-link@example.test")
    form = state_for(SignInState, token=None, path="/auth/sign-in")
    url = link_of(await run_handler(form, "submit", {"email": user.email, "password": DEFAULT_PASSWORD}))

    leaked = open_link(url)

    assert leaked.headers["location"] == f"{api_url}/auth/sign-in?error=expired"
    assert session_cookie(leaked) is None and session_count(user.id) == 1


async def test_sign_in_form_binds_its_link_to_the_browser(api_url: str) -> None:
    user = make_user(email="formal@example.test")
    form = state_for(SignInState, token=None, path="/auth/sign-in")

    emitted = await run_handler(form, "submit", {"email": user.email, "password": DEFAULT_PASSWORD})
    cookie, url = cookie_of(emitted), link_of(emitted)

    assert url.startswith(f"{api_url}{routes.API_SESSION}?grant=")
    assert cookie["name"] == BINDER_COOKIE and cookie["value"] not in url
    assert cookie["path"] == routes.API_SESSION and cookie["max-age"] == str(auth.GRANT_SECONDS)
    assert cookie["samesite"] == "strict"
    leaked = open_link(url)
    assert leaked.headers["location"] == f"{api_url}/auth/sign-in?error=expired" and session_cookie(leaked) is None
    signed_in = open_link(url, cookie)
    assert signed_in.headers["location"] == f"{api_url}/" and session_cookie(signed_in) is not None


async def test_sign_up_form_binds_its_link_to_the_browser(api_url: str) -> None:
    email = unique_email("newcomer")
    form = state_for(SignUpState, token=None, path="/auth/sign-up")

    emitted = await run_handler(form, "submit", {"email": email, "password": DEFAULT_PASSWORD, "accept_terms": "on"})
    cookie, url = cookie_of(emitted), link_of(emitted)

    leaked = open_link(url)
    assert leaked.headers["location"] == f"{api_url}/auth/sign-in?error=expired" and session_cookie(leaked) is None
    signed_in = open_link(url, cookie)
    assert signed_in.headers["location"] == f"{api_url}{routes.VERIFY}"
    assert session_cookie(signed_in) is not None


@pytest.mark.parametrize("secure", [False, True])
async def test_binder_cookie_secure_when_the_site_is_https(
    api_url: str, monkeypatch: pytest.MonkeyPatch, secure: bool
) -> None:
    from eventpalour.config import settings

    monkeypatch.setattr(settings, "app_url", "https://tickets.example.com" if secure else "http://localhost:3000")
    user = make_user()
    form = state_for(SignInState, token=None, path="/auth/sign-in")

    cookie = cookie_of(await run_handler(form, "submit", {"email": user.email, "password": DEFAULT_PASSWORD}))

    assert ("secure" in cookie) is secure
