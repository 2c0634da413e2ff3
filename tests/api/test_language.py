"""The language cookie over real HTTP (#23 §1): a first page load gets it from Accept-Language, a
browser that has one keeps it, non-pages never get one, and signing in brings the account's choice."""

from __future__ import annotations

import httpx

from eventpalour import routes
from eventpalour.cookies import LANGUAGE_COOKIE
from eventpalour.services import identity
from eventpalour.services.identity import auth
from tests.factories import DEFAULT_PASSWORD, make_user

PAGE = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def _language_cookies(response: httpx.Response) -> list[str]:
    return [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{LANGUAGE_COOKIE}=")]


def test_first_page_load_speaks_the_browsers_language(http: httpx.Client) -> None:
    response = http.get("/e/some-event", headers={**PAGE, "accept-language": "fr-SN,fr;q=0.9,en;q=0.5"})

    [cookie] = _language_cookies(response)
    assert response.status_code == 200
    assert cookie.startswith(f"{LANGUAGE_COOKIE}=fr;") and "Path=/" in cookie and "SameSite=Lax" in cookie
    assert "HttpOnly" not in cookie  # the pages read it to pick their texts


def test_a_language_we_do_not_speak_gives_english(http: httpx.Client) -> None:
    response = http.get("/e/some-event", headers={**PAGE, "accept-language": "de-DE,de;q=0.9"})

    [cookie] = _language_cookies(response)
    assert cookie.startswith(f"{LANGUAGE_COOKIE}=en;")


def test_a_chosen_language_is_kept(http: httpx.Client) -> None:
    http.cookies.set(LANGUAGE_COOKIE, "sw")

    response = http.get("/e/some-event", headers={**PAGE, "accept-language": "fr"})

    assert response.status_code == 200 and _language_cookies(response) == []


def test_api_and_non_html_answers_get_no_language_cookie(http: httpx.Client) -> None:
    assert _language_cookies(http.get("/api/health", headers={**PAGE, "accept-language": "sw"})) == []
    assert _language_cookies(http.get("/e/x?json=1", headers={"accept": "application/json"})) == []


def test_signing_in_brings_the_accounts_language_to_this_browser(http: httpx.Client) -> None:
    user = make_user()
    identity.set_language(actor=user.summary, language="sw")
    result = auth.sign_in(email=user.email, password=DEFAULT_PASSWORD)

    http.cookies.set("ep_grant", result.binder, path=routes.API_SESSION)
    response = http.get(routes.API_SESSION, params={"grant": result.grant, "next": "/tickets"})

    [cookie] = _language_cookies(response)
    assert response.status_code == 303 and cookie.startswith(f"{LANGUAGE_COOKIE}=sw;")


def test_signing_in_without_a_choice_leaves_the_browsers_language(http: httpx.Client) -> None:
    user = make_user()
    result = auth.sign_in(email=user.email, password=DEFAULT_PASSWORD)

    http.cookies.set("ep_grant", result.binder, path=routes.API_SESSION)
    response = http.get(routes.API_SESSION, params={"grant": result.grant})

    assert response.status_code == 303 and _language_cookies(response) == []
