"""Passkeys (#20 §2): registration and sign-in against the real `webauthn` checks with a software
authenticator; challenges kept server-side, short-lived and single use; unknown credentials and
counters that go backwards refused; a passkey sign-in passes two-factor and opens its gates."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from eventpalour.db import read_only, transaction
from eventpalour.models import AdminLevel, AuditLogEntry, Passkey, PasskeyChallenge, PlatformAdmin
from eventpalour.models.types import utcnow
from eventpalour.services import admin, identity
from eventpalour.services.identity import auth, passkey_ceremony, passkeys
from eventpalour.services.platform import (
    Conflict,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    SecondFactorRequired,
    ValidationFailed,
)
from tests.billing_support import insert_order
from tests.factories import MadeUser, make_event, make_organizer, make_user, make_workspace, with_two_factor
from tests.passkey_support import SoftAuthenticator


def add_passkey(user: MadeUser, authenticator: SoftAuthenticator, name: str = "Work laptop") -> passkeys.PasskeyInfo:
    options = passkeys.passkey_registration_options(actor=user.summary, name=name)
    return passkeys.register_passkey(
        actor=user.summary,
        challenge_id=options.challenge_id,
        credential=authenticator.create(options.options_json),
        name=name,
        session_token=user.token,
    )


def sign_in(authenticator: SoftAuthenticator, **forced: str) -> auth.SignInResult:
    options = passkeys.passkey_sign_in_options()
    answer = authenticator.get(options.options_json, **forced)
    return passkeys.sign_in_with_passkey(challenge_id=options.challenge_id, credential=answer)


def stored(user_id: str) -> list[Passkey]:
    with read_only() as session:
        return list(session.exec(select(Passkey).where(Passkey.user_id == user_id)).all())


# --- registering ---------------------------------------------------------------------------------------------


def test_register_stores_the_public_key_and_passes_this_session_only() -> None:
    user = make_user()
    other_token = auth.exchange_grant(**_grant(user))
    info = add_passkey(user, SoftAuthenticator(), "  Work   laptop ")
    assert info.name == "Work laptop" and info.last_used_at is None
    [row] = stored(user.id)
    assert row.transports == "internal,hybrid" and row.sign_count == 1 and row.public_key
    # The authenticator checked its owner: this session passed two-factor; the password-only one ended.
    assert auth.current_user(user.token).second_factor_passed is True
    assert auth.current_user(other_token) is None
    with read_only() as session:
        actions = session.exec(select(AuditLogEntry.action).where(AuditLogEntry.actor_id == user.id)).all()
    assert "auth.passkey_added" in actions


def _grant(user: MadeUser) -> dict[str, str]:
    result = auth.sign_in(email=user.email, password=user.password)
    return {"grant": result.grant, "binder": result.binder}


def test_register_needs_a_name() -> None:
    user = make_user()
    for name, message in (("   ", passkeys.NO_NAME), ("x" * 61, passkeys.LONG_NAME)):
        with pytest.raises(ValidationFailed) as refused:
            passkeys.passkey_registration_options(actor=user.summary, name=name)
        assert refused.value.details[0].path == ("passkey_name",) and refused.value.details[0].message == message
    assert stored(user.id) == []


def test_register_with_the_wrong_challenge_is_refused_and_spends_it() -> None:
    user = make_user()
    first = passkeys.passkey_registration_options(actor=user.summary, name="Phone")
    second = passkeys.passkey_registration_options(actor=user.summary, name="Phone")
    answer = SoftAuthenticator().create(second.options_json)  # signed over the second challenge
    with pytest.raises(ValidationFailed, match="could not be verified"):
        passkeys.register_passkey(
            actor=user.summary, challenge_id=first.challenge_id, credential=answer, name="Phone", session_token=None
        )
    with pytest.raises(ValidationFailed, match="expired or was already used"):
        passkeys.register_passkey(
            actor=user.summary, challenge_id=first.challenge_id, credential=answer, name="Phone", session_token=None
        )
    assert stored(user.id) == []


def test_register_replayed_challenge_is_refused() -> None:
    user = make_user()
    options = passkeys.passkey_registration_options(actor=user.summary, name="Phone")
    answer = SoftAuthenticator().create(options.options_json)
    kwargs = {"actor": user.summary, "challenge_id": options.challenge_id, "name": "Phone", "session_token": user.token}
    passkeys.register_passkey(credential=answer, **kwargs)
    with pytest.raises(ValidationFailed, match="expired or was already used"):
        passkeys.register_passkey(credential=answer, **kwargs)
    assert len(stored(user.id)) == 1


def test_another_users_challenge_or_an_expired_one_is_refused() -> None:
    user, stranger = make_user(), make_user()
    options = passkeys.passkey_registration_options(actor=user.summary, name="Phone")
    answer = SoftAuthenticator().create(options.options_json)
    with pytest.raises(ValidationFailed, match="expired or was already used"):
        passkeys.register_passkey(
            actor=stranger.summary, challenge_id=options.challenge_id, credential=answer, name="X", session_token=None
        )
    with transaction() as session:
        session.execute(update(PasskeyChallenge).values(expires_at=utcnow() - timedelta(seconds=1)))
    with pytest.raises(ValidationFailed, match="expired or was already used"):
        passkeys.register_passkey(
            actor=user.summary, challenge_id=options.challenge_id, credential=answer, name="X", session_token=None
        )


def test_register_from_another_origin_is_refused() -> None:
    user = make_user()
    options = passkeys.passkey_registration_options(actor=user.summary, name="Phone")
    answer = SoftAuthenticator().create(options.options_json, origin="https://eventpalour.phish.example")
    with pytest.raises(ValidationFailed, match="could not be verified"):
        passkeys.register_passkey(
            actor=user.summary, challenge_id=options.challenge_id, credential=answer, name="X", session_token=None
        )
    assert stored(user.id) == []


def test_a_garbled_answer_is_refused_before_any_challenge_is_spent() -> None:
    user = make_user()
    options = passkeys.passkey_registration_options(actor=user.summary, name="Phone")
    for garbage in ("not json", {"id": "x"}, "x" * 30_000):
        with pytest.raises(ValidationFailed, match="not readable"):
            passkeys.register_passkey(
                actor=user.summary, challenge_id=options.challenge_id, credential=garbage, name="X", session_token=None
            )
    add_ok = SoftAuthenticator().create(options.options_json)
    passkeys.register_passkey(
        actor=user.summary, challenge_id=options.challenge_id, credential=add_ok, name="X", session_token=None
    )


def test_the_same_authenticator_twice_is_a_conflict() -> None:
    user = make_user()
    authenticator = SoftAuthenticator()
    add_passkey(user, authenticator)
    user = MadeUser(auth.current_user(user.token), user.password, user.token)  # now passed two-factor
    with pytest.raises(Conflict, match="already registered"):
        add_passkey(user, authenticator.clone())


def test_a_password_only_session_cannot_change_the_passkeys_of_an_account_with_a_second_factor() -> None:
    user = make_user()
    info = add_passkey(user, SoftAuthenticator())
    password_only = MadeUser(auth.current_user(auth.exchange_grant(**_grant(user))), user.password, "")
    assert password_only.summary.second_factor_passed is False
    with pytest.raises(PermissionDenied, match="password alone"):
        passkeys.passkey_registration_options(actor=password_only.summary, name="Another")
    with pytest.raises(PermissionDenied, match="password alone"):
        passkeys.remove_passkey(actor=password_only.summary, passkey_id=info.id)
    assert len(stored(user.id)) == 1


# --- signing in ------------------------------------------------------------------------------------------------


def test_sign_in_with_a_passkey_counts_as_two_factor() -> None:
    user = make_user()
    authenticator = SoftAuthenticator()
    add_passkey(user, authenticator)
    result = sign_in(authenticator)
    assert result.user.id == user.id and result.user.second_factor_passed
    token = auth.exchange_grant(grant=result.grant, binder=result.binder)
    assert auth.current_user(token).second_factor_passed is True
    [row] = stored(user.id)
    assert row.sign_count == 2 and row.last_used_at is not None
    [listed] = passkeys.list_passkeys(actor=user.summary)
    assert listed.last_used_at == row.last_used_at


def test_sign_in_replayed_challenge_is_refused() -> None:
    user = make_user()
    authenticator = SoftAuthenticator()
    add_passkey(user, authenticator)
    options = passkeys.passkey_sign_in_options()
    answer = authenticator.get(options.options_json)
    passkeys.sign_in_with_passkey(challenge_id=options.challenge_id, credential=answer)
    with pytest.raises(ValidationFailed, match="expired or was already used"):
        passkeys.sign_in_with_passkey(challenge_id=options.challenge_id, credential=answer)
    # The same answer under a fresh challenge: its signature covers the old one.
    fresh = passkeys.passkey_sign_in_options()
    with pytest.raises(NotAuthenticated, match="could not be verified"):
        passkeys.sign_in_with_passkey(challenge_id=fresh.challenge_id, credential=answer)


def test_sign_in_with_the_wrong_challenge_is_refused() -> None:
    user = make_user()
    authenticator = SoftAuthenticator()
    add_passkey(user, authenticator)
    other = passkeys.passkey_sign_in_options()
    with pytest.raises(NotAuthenticated, match="could not be verified"):
        sign_in(authenticator, challenge=_challenge_of(other.options_json))
    assert stored(user.id)[0].last_used_at is None


def _challenge_of(options_json: str) -> str:
    import json

    return json.loads(options_json)["challenge"]


def test_sign_in_with_an_unknown_credential_is_refused() -> None:
    make_user()
    with pytest.raises(NotAuthenticated, match="not registered here"):
        sign_in(SoftAuthenticator(user_handle=b"whoever"))


def test_sign_in_with_a_counter_that_did_not_move_forward_is_refused() -> None:
    user = make_user()
    authenticator = SoftAuthenticator()
    add_passkey(user, authenticator)
    copy = authenticator.clone()  # counter 1, as stored
    sign_in(authenticator)  # the original moves on to 2
    with pytest.raises(NotAuthenticated, match="could not be verified"):
        sign_in(copy)  # the copy says 2 again: not greater than the stored 2
    assert stored(user.id)[0].sign_count == 2


def test_an_authenticator_that_did_not_verify_its_user_is_refused() -> None:
    user = make_user()
    authenticator = SoftAuthenticator(verifies_user=False)
    options = passkeys.passkey_registration_options(actor=user.summary, name="Key")
    with pytest.raises(ValidationFailed, match="could not be verified"):
        passkeys.register_passkey(
            actor=user.summary,
            challenge_id=options.challenge_id,
            credential=authenticator.create(options.options_json),
            name="Key",
            session_token=user.token,
        )
    verified = SoftAuthenticator()
    add_passkey(user, verified)
    verified.verifies_user = False  # the same passkey, this time with a touch only
    with pytest.raises(NotAuthenticated, match="could not be verified"):
        sign_in(verified)


def test_authenticators_that_do_not_count_sign_in_every_time() -> None:
    user = make_user()
    authenticator = SoftAuthenticator(counts=False)
    add_passkey(user, authenticator)
    for _ in range(2):
        assert sign_in(authenticator).user.id == user.id
    assert stored(user.id)[0].sign_count == 0


def test_sign_in_with_another_accounts_user_handle_is_refused() -> None:
    user = make_user()
    authenticator = SoftAuthenticator()
    add_passkey(user, authenticator)
    authenticator.user_handle = make_user().id.encode()
    with pytest.raises(NotAuthenticated, match="could not be verified"):
        sign_in(authenticator)


def test_a_suspended_account_cannot_sign_in_with_its_passkey() -> None:
    from eventpalour.models import User, UserStatus

    user = make_user()
    authenticator = SoftAuthenticator()
    add_passkey(user, authenticator)
    with transaction() as session:
        session.get(User, user.id).status = UserStatus.SUSPENDED
    with pytest.raises(PermissionDenied, match="suspended"):
        sign_in(authenticator)


# --- the two-factor gates -----------------------------------------------------------------------------------


def test_an_admin_with_only_a_passkey_passes_the_admin_gate_after_a_passkey_sign_in() -> None:
    user = make_user()
    with transaction() as session:
        session.add(PlatformAdmin(user_id=user.id, level=AdminLevel.SUPER_ADMIN))
    authenticator = SoftAuthenticator()
    add_passkey(user, authenticator)
    password_only = auth.current_user(auth.exchange_grant(**_grant(user)))
    with pytest.raises(SecondFactorRequired, match="sign in again with your authenticator code or a passkey"):
        admin.check_admin(actor=password_only, capability=admin.AdminCapability.VIEW_DASHBOARD)
    result = sign_in(authenticator)
    with_passkey = auth.current_user(auth.exchange_grant(grant=result.grant, binder=result.binder))
    assert admin.check_admin(actor=with_passkey, capability=admin.AdminCapability.VIEW_DASHBOARD)


def test_an_owner_with_only_a_passkey_passes_the_refund_and_withdrawal_gates_after_a_passkey_sign_in() -> None:
    from eventpalour.services.finance import withdrawals
    from eventpalour.services.sales import refunds

    owner = make_organizer()
    workspace = make_workspace(owner)
    order_id = insert_order(make_event(owner, workspace.id), make_user().id, subtotal=100000, provider_fee=2900)
    authenticator = SoftAuthenticator()
    add_passkey(owner, authenticator)
    data = withdrawals.WithdrawalInput(
        amount="500", method="bank", bank_name="KCB", account_number="1234567890", account_name="Jazz"
    )
    password_only = auth.current_user(auth.exchange_grant(**_grant(owner)))
    with pytest.raises(SecondFactorRequired, match="or a passkey"):
        withdrawals.request_withdrawal(actor=password_only, workspace_id=workspace.id, data=data)
    with pytest.raises(SecondFactorRequired, match="or a passkey"):
        refunds.process_refund(actor=password_only, order_id=order_id, amount=None, ticket_ids=[], reason="Asked")

    result = sign_in(authenticator)
    with_passkey = auth.current_user(auth.exchange_grant(grant=result.grant, binder=result.binder))
    refund = refunds.process_refund(actor=with_passkey, order_id=order_id, amount=None, ticket_ids=[], reason="Asked")
    assert refund.amount == 100000
    # Past the gate (checked first, as the password-only refusal of the same request shows): now the
    # request's own details are checked.
    with pytest.raises(ValidationFailed, match="check the withdrawal details"):
        withdrawals.request_withdrawal(actor=with_passkey, workspace_id=workspace.id, data=data)


# --- managing ---------------------------------------------------------------------------------------------------


def test_rename_and_remove_own_passkeys_only() -> None:
    user, stranger = make_user(), make_user()
    info = add_passkey(user, SoftAuthenticator(), "Phone")
    user = MadeUser(auth.current_user(user.token), user.password, user.token)
    assert passkeys.rename_passkey(actor=user.summary, passkey_id=info.id, name="Old phone").name == "Old phone"
    with pytest.raises(ValidationFailed):
        passkeys.rename_passkey(actor=user.summary, passkey_id=info.id, name="")
    with pytest.raises(NotFound):
        passkeys.rename_passkey(actor=stranger.summary, passkey_id=info.id, name="Mine")
    with pytest.raises(NotFound):
        passkeys.remove_passkey(actor=stranger.summary, passkey_id=info.id)
    passkeys.remove_passkey(actor=user.summary, passkey_id=info.id)
    assert passkeys.list_passkeys(actor=user.summary) == []
    # No second factor left: the session no longer counts as having passed one.
    assert auth.current_user(user.token).second_factor_passed is False


def test_deleting_the_account_erases_its_passkeys_and_the_export_lists_them() -> None:
    from eventpalour.services.identity import account_deletion

    user = make_user()
    add_passkey(user, SoftAuthenticator(), "Phone")
    passkeys.passkey_registration_options(actor=auth.current_user(user.token), name="Pending")
    exported = identity.export_account(actor=auth.current_user(user.token))
    assert [p.name for p in exported.passkeys] == ["Phone"]
    assert "public_key" not in identity.account_export_json(exported)
    with transaction() as session:
        erased = {name: eraser(session, user.id, user.email) for name, eraser in account_deletion.ERASERS}
    assert erased["second_factor"] == 3  # the passkey, its spent challenge and the pending one
    assert stored(user.id) == []
    with read_only() as session:
        assert session.exec(select(PasskeyChallenge).where(col(PasskeyChallenge.user_id) == user.id)).all() == []


def test_challenges_expire_after_a_few_minutes() -> None:
    options = passkeys.passkey_sign_in_options()
    with read_only() as session:
        row = session.get(PasskeyChallenge, options.challenge_id)
    left = (row.expires_at - utcnow()).total_seconds()
    assert passkey_ceremony.CEREMONY_SECONDS - 5 < left <= passkey_ceremony.CEREMONY_SECONDS


def test_turning_off_the_authenticator_app_keeps_passkey_sessions_passed() -> None:
    import pyotp

    from eventpalour.services.identity import two_factor

    user = with_two_factor(make_user())
    add_passkey(user, SoftAuthenticator())  # from the session that passed two-factor with its code
    code = pyotp.TOTP(user.totp_secret).at(two_factor._now() + 30)  # the next step: this one was used
    two_factor.turn_off_two_factor(actor=user.summary, code=code)
    # A passkey is left, so the account still has a second factor and this session still passed it.
    assert auth.current_user(user.token).second_factor_passed is True
