"""Small readers shared by the API tests: emails in the outbox, rows in the database, cookies and forms."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from http.cookies import Morsel, SimpleCookie
from urllib.parse import unquote

import httpx
from sqlalchemy import func, update
from sqlmodel import col, select

from eventpalour import routes
from eventpalour.api.deps import SESSION_COOKIE
from eventpalour.cookies import BINDER_COOKIE
from eventpalour.db import read_only, transaction
from eventpalour.models import User, UserSession
from eventpalour.services.identity import auth
from tests.factories import latest_email

CODE_IN_EMAIL = re.compile(r"verification code is: (\d{6})\b")
RESET_LINK_IN_EMAIL = re.compile(r"/auth/reset/(\S+)")


def verification_code(email: str) -> str:
    """The code in the newest verification email to `email`."""
    message = latest_email(email, "verification_code")
    assert message is not None, f"no verification email to {email}"
    found = CODE_IN_EMAIL.search(message.text_body)
    assert found, message.text_body
    return found.group(1)


def reset_token(email: str) -> str:
    """The token in the newest password reset link emailed to `email`."""
    message = latest_email(email, "password_reset")
    assert message is not None, f"no reset email to {email}"
    found = RESET_LINK_IN_EMAIL.search(message.text_body)
    assert found, message.text_body
    return unquote(found.group(1))


def other_code(code: str) -> str:
    """A well-formed 6-digit code that is certainly not `code`."""
    return f"{(int(code) + 1) % 1_000_000:06d}"


def find_user(email: str) -> User | None:
    with read_only() as session:
        return session.exec(select(User).where(User.email == email.lower())).first()


def user_count() -> int:
    with read_only() as session:
        return session.exec(select(func.count()).select_from(User)).one()


def session_count(user_id: str | None = None) -> int:
    query = select(func.count()).select_from(UserSession)
    if user_id is not None:
        query = query.where(col(UserSession.user_id) == user_id)
    with read_only() as session:
        return session.exec(query).one()


def update_user(user_id: str, **values: object) -> None:
    """Change a user row directly, the way an admin action or onboarding would."""
    with transaction() as session:
        user = session.get(User, user_id)
        for name, value in values.items():
            setattr(user, name, value)


def update_rows(model: type, *conditions: object, **values: object) -> int:
    """Change rows directly, e.g. to move an expiry into the past; returns how many changed."""
    with transaction() as session:
        return session.execute(update(model).where(*conditions).values(**values)).rowcount


def session_cookie(response: httpx.Response) -> Morsel | None:
    """The `ep_session` Set-Cookie of a response, with its attributes."""
    for header in response.headers.get_list("set-cookie"):
        jar = SimpleCookie()
        jar.load(header)
        if SESSION_COOKIE in jar:
            return jar[SESSION_COOKIE]
    return None


def with_binder(client: httpx.Client, result: auth.SignInResult) -> httpx.Client:
    """Give the client the binder cookie of a sign-in's grant, as the sign-in form's browser holds it."""
    client.cookies.set(BINDER_COOKIE, result.binder, domain=client.base_url.host, path=routes.API_SESSION)
    return client


def with_session(client: httpx.Client, token: str) -> httpx.Client:
    """Put a session token in the client's cookie jar, as a browser that signed in earlier would hold it."""
    client.cookies.set(SESSION_COOKIE, token, domain=client.base_url.host, path="/")
    return client


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, object]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append({"method": attributes.get("method", "get").lower(), "hidden": {}})
        elif tag == "input" and attributes.get("type") == "hidden" and self.forms:
            self.forms[-1]["hidden"][attributes.get("name", "")] = attributes.get("value", "")  # type: ignore[index]


def read_forms(html: str) -> list[dict[str, object]]:
    """Each form of a page: its method and hidden fields."""
    reader = _FormReader()
    reader.feed(html)
    return reader.forms
