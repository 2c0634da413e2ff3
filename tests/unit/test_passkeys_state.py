"""The passkey handlers of the account and sign-in pages, driven as a browser's websocket would: each
ceremony's script asked for, its answer (or the browser's error) taken back (#20 §2)."""

from __future__ import annotations

import json
import re

import reflex as rx

from eventpalour.services import identity
from eventpalour.services.identity import auth
from eventpalour.state.auth import SignInState
from eventpalour.state.passkeys import BROWSER_ERRORS, PasskeysState
from tests.factories import make_user
from tests.passkey_support import SoftAuthenticator
from tests.state_support import run_handler, state_for


def options_in(emitted: list, action: str) -> str:
    """The options JSON handed to assets/passkeys.js's `action` by the emitted call_script."""
    scripts = [
        value._var_value
        for spec in emitted
        if isinstance(spec, rx.event.EventSpec)
        for name, value in spec.args
        if name._js_expr == "javascript_code"
    ]
    shape = rf'import\("/passkeys\.js"\)\.then\(\(m\) => m\.{action}\((.*)\)\)\.catch\(.*\)'
    found = [re.fullmatch(shape, s) for s in scripts]
    [match] = [m for m in found if m]
    return json.loads(match.group(1))


async def test_account_page_adds_renames_and_removes_a_passkey() -> None:
    user = make_user()
    page = state_for(PasskeysState, token=user.token, path="/account")
    await run_handler(page, "load")
    assert page.loaded and page.passkeys == []

    await run_handler(page, "start_adding", {"passkey_name": " "})
    assert page.field_errors == {"passkey_name": identity.passkeys.NO_NAME} and not page.is_submitting

    emitted = await run_handler(page, "start_adding", {"passkey_name": "Laptop"})
    assert 'import("/passkeys.js")' in str(emitted) and page.is_submitting
    answer = SoftAuthenticator().create(options_in(emitted, "register"))
    await run_handler(page, "finish_adding", {"credential": answer})
    assert not page.is_submitting and page.added == 1
    assert [line.name for line in page.passkeys] == ["Laptop"] and page.passkeys[0].last_used == "Never"

    # The summary now says this session passed two-factor (the registration marked it).
    page = state_for(PasskeysState, token=user.token, path="/account")
    await run_handler(page, "load")
    await run_handler(page, "open_rename", page.passkeys[0].id, "Laptop")
    await run_handler(page, "rename", {"new_passkey_name": ""})
    assert "new_passkey_name" in page.field_errors and page.renaming_id
    await run_handler(page, "rename", {"new_passkey_name": "Work laptop"})
    assert page.renaming_id == "" and page.passkeys[0].name == "Work laptop"
    await run_handler(page, "remove", page.passkeys[0].id)
    assert page.passkeys == []


async def test_a_cancelled_ceremony_says_so_and_stores_nothing() -> None:
    user = make_user()
    page = state_for(PasskeysState, token=user.token, path="/account")
    await run_handler(page, "start_adding", {"passkey_name": "Phone"})
    await run_handler(page, "finish_adding", {"error": "NotAllowedError"})
    assert page.form_error == BROWSER_ERRORS["NotAllowedError"] and not page.is_submitting
    assert identity.list_passkeys(actor=user.summary) == []


async def test_sign_in_page_signs_in_with_a_passkey_and_refuses_an_unknown_one() -> None:
    user = make_user()
    authenticator = SoftAuthenticator()
    options = identity.passkey_registration_options(actor=user.summary, name="Phone")
    identity.register_passkey(
        actor=user.summary,
        challenge_id=options.challenge_id,
        credential=authenticator.create(options.options_json),
        name="Phone",
        session_token=user.token,
    )
    form = state_for(SignInState, token=None, path="/auth/sign-in")

    emitted = await run_handler(form, "start_passkey")
    assert form.passkey_busy
    stranger = SoftAuthenticator(user_handle=b"nobody").get(options_in(emitted, "signIn"))
    emitted = await run_handler(form, "finish_passkey", {"credential": stranger})
    assert "not registered here" in form.form_error and not form.passkey_busy
    assert "/api/auth/session" not in str(emitted)

    emitted = await run_handler(form, "start_passkey")
    emitted = await run_handler(
        form, "finish_passkey", {"credential": authenticator.get(options_in(emitted, "signIn"))}
    )
    assert "/api/auth/session" in str(emitted)  # the grant's exchange, as after a password
    assert auth.current_user(user.token) is not None
