"""Any client can send any Reflex event frame (REFLEX.md §4), so private handlers must find the user themselves.

A browser opens its own socket.io connection to /_event and sends hand-written event frames for private
handlers, claiming to be on the right page. Anonymous, nothing changes in the server's database; with the
victim's session cookie on the handshake, the very same frames do change it, which proves they were
well-formed and reached the handlers (so the anonymous half would fail if a handler skipped its check).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from tests.dbsetup import PROJECT_ROOT
from tests.e2e.conftest import create_account, sign_in_api, unique_email

pytestmark = pytest.mark.e2e

# Engine.IO v4 over a raw WebSocket: open ("0"), connect to the /_event namespace ("40"), send one
# event ("42"), answer pings ("2" -> "3"), and collect frames until an update carries events back
# (every handler here ends with a toast; Reflex 0.10 updates have no "final" marker any more).
SEND_EVENT_JS = """
async ({url, frame}) => new Promise((resolve, reject) => {
  const ws = new WebSocket(url);
  const received = [];
  const fail = (why) => { clearTimeout(timer); ws.close(); reject(new Error(why + ": " + received.join(" | "))); };
  const timer = setTimeout(() => fail("no events came back"), 10000);
  ws.onerror = () => fail("websocket error");
  ws.onmessage = (message) => {
    const data = String(message.data);
    received.push(data);
    if (data.startsWith("0{")) ws.send("40/_event,");
    else if (data === "2") ws.send("3");
    else if (data.startsWith("40/_event,")) ws.send(frame);
    else if (data.startsWith("42/_event,") && data.includes('"events":[{')) {
      clearTimeout(timer); ws.close(); resolve(received);
    }
  };
})
"""
NOT_SIGNED_IN = "Please sign in to continue."


def compiled_event_name(state: str, handler: str) -> str:
    """The full event name the compiled frontend sends for `state.handler` (read from .web's build)."""
    pattern = re.compile(rf"reflex___state____state\.[\w.]*{state}\.{handler}(?=[`\"'])")
    for path in Path(PROJECT_ROOT, ".web", "build", "client", "assets").glob("*.js"):
        if found := pattern.search(path.read_text(errors="ignore")):
            return found.group(0)
    raise AssertionError(f"{state}.{handler} is not in the compiled frontend")


def event_frame(name: str, pathname: str, payload: dict | None = None) -> str:
    event = {"name": name, "payload": payload or {}, "router_data": {"pathname": pathname, "asPath": pathname}}
    return "42/_event," + json.dumps(["event", event])


def send_event(page: Page, server: str, frame: str) -> str:
    """Send `frame` on a new socket of this page's browser context; return every frame the server sent back."""
    url = server.replace("http", "ws", 1) + f"/_event/?EIO=4&transport=websocket&token={uuid.uuid4()}"
    return "\n".join(page.evaluate(SEND_EVENT_JS, {"url": url, "frame": frame}))


@pytest.fixture
def database(e2e_database_url: str) -> Iterator[Engine]:
    engine = create_engine(e2e_database_url)
    yield engine
    engine.dispose()


def account_row(database: Engine, email: str) -> dict:
    with database.connect() as connection:
        user = connection.execute(
            text("SELECT id, full_name, account_type FROM users WHERE email = :email"), {"email": email}
        ).one()
        sessions = connection.execute(
            text("SELECT count(*) FROM sessions WHERE user_id = :id"), {"id": user.id}
        ).scalar_one()
    return {"full_name": user.full_name, "account_type": user.account_type, "sessions": sessions}


def test_forged_event_for_private_handler_changes_nothing(new_page, server: str, database: Engine) -> None:
    email = unique_email("victim")
    victim_cookie = create_account(server, email, "Vera Victim")
    sign_in_api(server, email)  # a second device
    before = account_row(database, email)
    assert before == {"full_name": "Vera Victim", "account_type": None, "sessions": 2}

    save_profile = compiled_event_name("account_state", "save_profile")
    onboarding_submit = compiled_event_name("onboarding_state", "submit")
    sign_out_everywhere = compiled_event_name("account_state", "sign_out_everywhere")
    frames = [
        event_frame(save_profile, "/account", {"form": {"full_name": "Mallory Was Here"}}),
        event_frame(onboarding_submit, "/onboarding"),
        event_frame(sign_out_everywhere, "/account"),
    ]

    # The attacker's own browser need not follow our Content-Security-Policy (which lets no script on an
    # API answer connect anywhere); the server must hold on its own.
    anonymous = new_page(bypass_csp=True)
    anonymous.goto("/api/health")
    for frame in frames:
        answer = send_event(anonymous, server, frame)
        assert NOT_SIGNED_IN in answer, answer  # the handler ran, found no user, and said so
        assert "/auth/sign-in" in answer
    assert account_row(database, email) == before

    victim = new_page(bypass_csp=True)
    victim.context.add_cookies([{"name": "ep_session", "value": victim_cookie, "url": server}])
    victim.goto("/api/health")
    for frame in frames:
        answer = send_event(victim, server, frame)
        assert NOT_SIGNED_IN not in answer, answer
    assert account_row(database, email) == {"full_name": "Mallory Was Here", "account_type": "attendee", "sessions": 0}
