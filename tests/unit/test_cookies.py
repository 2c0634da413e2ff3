"""The one parse of a raw Cookie header (eventpalour/cookies.py `cookies_in`), which the websocket's
handlers, the language middleware and the waiting room's gate all read."""

from __future__ import annotations

import pytest

from eventpalour.api.language import cookie_language
from eventpalour.api.waiting_room_gate import queue_cookie_of
from eventpalour.cookies import LANGUAGE_COOKIE, QUEUE_COOKIE, SESSION_COOKIE, cookies_in

pytestmark = pytest.mark.no_db


def test_a_header_gives_each_cookie_by_name():
    header = f'{SESSION_COOKIE}=abc.def; {LANGUAGE_COOKIE}=sw; {QUEUE_COOKIE}="q 1"'
    found = cookies_in(header)
    assert found == {SESSION_COOKIE: "abc.def", LANGUAGE_COOKIE: "sw", QUEUE_COOKIE: "q 1"}
    assert cookie_language(header) == "sw"
    assert queue_cookie_of({"headers": [(b"cookie", header.encode())]}) == "q 1"


def test_a_header_that_does_not_parse_gives_no_cookies():
    assert cookies_in('a="unterminated') == {}
    assert cookies_in("") == {}
    assert cookie_language("") is None
    assert queue_cookie_of({"headers": []}) is None


def test_the_parse_is_read_only_and_kept_per_header():
    header = f"{LANGUAGE_COOKIE}=fr"
    first = cookies_in(header)
    assert cookies_in(header) is first  # parsed once
    with pytest.raises(TypeError):
        first[LANGUAGE_COOKIE] = "en"  # type: ignore[index]
