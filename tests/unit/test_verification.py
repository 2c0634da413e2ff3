"""Email verification codes: 15 minutes, five wrong tries, single use."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from eventpalour.db import transaction
from eventpalour.models import EmailVerificationCode
from eventpalour.models.types import utcnow
from eventpalour.services.identity import auth, verification
from eventpalour.services.platform.errors import Conflict, NotAuthenticated, ValidationFailed
from tests.factories import latest_email, make_user


def _code_for(email: str) -> str:
    return latest_email(email, "verification_code").text_body.split("code is: ")[1][:6]


def _fresh_user():
    result = auth.sign_up(email="verify@example.test", password="long-enough-1", accept_terms=True)
    return result.user


def test_verify_email_right_code_verifies():
    user = _fresh_user()
    assert verification.verify_email(actor=user, code=_code_for(user.email)).is_verified


def test_verify_email_wrong_code_counts_down_then_dies():
    user = _fresh_user()
    right = _code_for(user.email)
    wrong = "000000" if right != "000000" else "111111"
    for left in ("4 tries", "3 tries", "2 tries", "1 try"):
        with pytest.raises(ValidationFailed, match=f"not right. {left} left."):
            verification.verify_email(actor=user, code=wrong)
    with pytest.raises(ValidationFailed, match="used up"):
        verification.verify_email(actor=user, code=wrong)
    with pytest.raises(ValidationFailed, match="Too many wrong tries"):
        verification.verify_email(actor=user, code=right)


def test_verify_email_expired_code_rejected():
    user = _fresh_user()
    with transaction() as session:
        row = session.exec(select(EmailVerificationCode)).one()
        row.expires_at = utcnow() - timedelta(seconds=1)
    with pytest.raises(ValidationFailed, match="expired"):
        verification.verify_email(actor=user, code=_code_for(user.email))


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef"])
def test_verify_email_malformed_code_rejected(code):
    user = _fresh_user()
    with pytest.raises(ValidationFailed) as caught:
        verification.verify_email(actor=user, code=code)
    assert caught.value.details[0].path == ("code",)


def test_resend_code_replaces_the_old_one():
    user = _fresh_user()
    old = _code_for(user.email)
    verification.resend_verification_code(actor=user)
    new = _code_for(user.email)
    if old != new:
        with pytest.raises(ValidationFailed):
            verification.verify_email(actor=user, code=old)
    assert verification.verify_email(actor=user, code=new).is_verified


def test_resend_code_when_verified_is_a_conflict():
    user = make_user()
    with pytest.raises(Conflict):
        verification.resend_verification_code(actor=user.summary)


def test_verify_email_anonymous_rejected():
    with pytest.raises(NotAuthenticated):
        verification.verify_email(actor=None, code="123456")
