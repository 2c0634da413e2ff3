"""JSON shapes of the auth API. Strict: a number where text belongs is a 422, not a guess."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from eventpalour.services.identity import UserSummary


class ErrorDetailOut(BaseModel):
    path: list[str | int] = Field(description="Where the problem is: the field's name (and index, in a list).")
    message: str


class ErrorOut(BaseModel):
    """Every error the API answers: a message for people, and per field what is wrong when fields are."""

    error: str
    details: list[ErrorDetailOut] | None = None
    code: str | None = None  # set for errors a client must act on, e.g. `second_factor_required`


class StrictIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", populate_by_name=True)


class SignUpIn(StrictIn):
    email: str = Field(max_length=320)
    password: str = Field(max_length=1000)
    full_name: str = Field(default="", alias="fullName", max_length=1000)
    accept_terms: bool = Field(
        default=False,
        alias="acceptTerms",
        description="true: the person agrees to the Terms and the Privacy policy (/legal/terms, /legal/privacy). "
        "Required; without it the answer is 400 naming the field.",
    )


class SignInIn(StrictIn):
    email: str = Field(max_length=320)
    password: str = Field(max_length=1000)


class SecondFactorIn(StrictIn):
    challenge: str = Field(max_length=1000)
    code: str = Field(max_length=64)
    trust_browser: bool = Field(default=False, alias="trustBrowser")


class SecondFactorNeededOut(BaseModel):
    """The password was right and the account has two-factor on: POST /api/auth/2fa with this challenge."""

    second_factor_required: bool = Field(default=True, serialization_alias="secondFactorRequired")
    challenge: str
    expires_in: int = Field(serialization_alias="expiresIn")


class CodeIn(StrictIn):
    """A code from the authenticator app (or, where the route says so, a recovery code)."""

    code: str = Field(max_length=64)


class TwoFactorSetupOut(BaseModel):
    secret: str
    otpauth_uri: str = Field(serialization_alias="otpauthUri")


class RecoveryCodesOut(BaseModel):
    recovery_codes: list[str] = Field(serialization_alias="recoveryCodes")


class SessionOut(BaseModel):
    id: str
    device: str
    ip: str
    signed_in_at: str = Field(serialization_alias="signedInAt")
    last_seen_at: str = Field(serialization_alias="lastSeenAt")
    two_factor: bool = Field(serialization_alias="twoFactor")
    current: bool


class VerifyIn(StrictIn):
    code: str = Field(max_length=32)


class AccountDeletionIn(StrictIn):
    email: str = Field(max_length=320)
    code: str = Field(max_length=32)


class ForgotIn(StrictIn):
    email: str = Field(max_length=320)


class ResetIn(StrictIn):
    token: str = Field(max_length=200)
    password: str = Field(max_length=1000)


class UserOut(BaseModel):
    id: str
    email: str
    username: str
    fullName: str  # noqa: N815  (JSON field names are camelCase)
    avatarUrl: str | None  # noqa: N815
    accountType: str | None  # noqa: N815
    emailVerified: bool  # noqa: N815
    secondFactorPassed: bool = False  # noqa: N815  (this session passed two-factor sign-in)

    @classmethod
    def of(cls, user: UserSummary) -> UserOut:
        return cls(
            id=user.id,
            email=user.email,
            username=user.username,
            fullName=user.full_name,
            avatarUrl=user.avatar_url,
            accountType=user.account_type,
            emailVerified=user.is_verified,
            secondFactorPassed=user.second_factor_passed,
        )


class PasskeyNameIn(StrictIn):
    name: str = Field(max_length=200, description="What the person calls this passkey (Work laptop).")


class PasskeyRegisterIn(StrictIn):
    challenge_id: str = Field(alias="challengeId", max_length=64)
    name: str = Field(max_length=200)
    credential: dict[str, Any] = Field(
        description="The browser's PublicKeyCredential as JSON (`credential.toJSON()`): id, rawId, type, response."
    )


class PasskeySignInIn(StrictIn):
    challenge_id: str = Field(alias="challengeId", max_length=64)
    credential: dict[str, Any] = Field(description="The browser's PublicKeyCredential as JSON (`credential.toJSON()`).")


class PasskeyOptionsOut(BaseModel):
    """A ceremony's options for `navigator.credentials` (WebAuthn JSON, base64url binary fields), and
    the id of its challenge, sent back with the answer within 5 minutes, once."""

    challenge_id: str = Field(serialization_alias="challengeId")
    options: dict[str, Any]


class PasskeyOut(BaseModel):
    id: str
    name: str
    created_at: str = Field(serialization_alias="createdAt")
    last_used_at: str | None = Field(serialization_alias="lastUsedAt")
