"""Auth routes: the only code that sets or clears the HttpOnly session cookie (DESIGN "Who is calling")."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Cookie, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from eventpalour import routes
from eventpalour.api.deps import SESSION_COOKIE, AuthLimited, Client, CurrentUser, SessionToken
from eventpalour.api.errors import answers
from eventpalour.api.schemas import (
    CodeIn,
    ForgotIn,
    RecoveryCodesOut,
    ResetIn,
    SecondFactorIn,
    SecondFactorNeededOut,
    SessionOut,
    SignInIn,
    SignUpIn,
    TwoFactorSetupOut,
    UserOut,
    VerifyIn,
)
from eventpalour.config import settings
from eventpalour.cookies import (
    BINDER_COOKIE,
    CHALLENGE_COOKIE,
    LANGUAGE_COOKIE,
    LANGUAGE_DAYS,
    LAST_WORKSPACE_COOKIE,
    TRUSTED_BROWSER_COOKIE,
    TRUSTED_BROWSER_DAYS,
)
from eventpalour.integrations import google
from eventpalour.services import admin, identity, workspaces
from eventpalour.services.platform import DomainError, NotAuthenticated

router = APIRouter(prefix="/api/auth", tags=["auth"])


def set_session_cookie(response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_days * 24 * 3600,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )


def set_language_cookie(response: Response, language: str) -> None:
    """The account's language on this browser (readable by the pages, which pick their texts by it)."""
    response.set_cookie(
        LANGUAGE_COOKIE,
        language,
        max_age=LANGUAGE_DAYS * 24 * 3600,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=settings.secure_cookies)


def _user_response(user, token: str, status_code: int = 200) -> JSONResponse:  # noqa: ANN001
    response = JSONResponse(UserOut.of(user).model_dump(), status_code=status_code)
    set_session_cookie(response, token)
    return response


def _app_redirect(path: str) -> RedirectResponse:
    return RedirectResponse(settings.app_url + path, status_code=303)


@router.post("/sign-up", status_code=201, dependencies=[AuthLimited], responses=answers(409))
def create_account(body: SignUpIn, client: Client) -> JSONResponse:
    """Create an account (a verification code is emailed) and sign it in. `acceptTerms` must be true:
    the agreement to the Terms and the Privacy policy is recorded with their version and the time."""
    result = identity.sign_up(
        email=body.email,
        password=body.password,
        accept_terms=body.accept_terms,
        full_name=body.full_name,
        client=client,
    )
    token = identity.exchange_grant(grant=result.grant, binder=result.binder, client=client)
    return _user_response(result.user, token, 201)


def set_trusted_browser_cookie(response: Response, value: str | None) -> None:
    """Set after a two-factor sign-in that ticked "Trust this browser": the next sign-ins skip the code."""
    if value:
        response.set_cookie(
            TRUSTED_BROWSER_COOKIE,
            value,
            max_age=TRUSTED_BROWSER_DAYS * 24 * 3600,
            httponly=True,
            samesite="lax",
            secure=settings.secure_cookies,
            path="/",
        )


@router.post(
    "/sign-in",
    dependencies=[AuthLimited],
    responses={**answers(403), 202: {"model": SecondFactorNeededOut, "description": "Two-factor code needed."}},
)
def create_session(
    body: SignInIn,
    client: Client,
    trusted: Annotated[str | None, Cookie(alias=TRUSTED_BROWSER_COOKIE, include_in_schema=False)] = None,
) -> JSONResponse:
    """Sign in with email and password. With two-factor on, the answer is 202 with a challenge (valid
    5 minutes) for `POST /api/auth/2fa`, and no session yet; a browser trusted at an earlier two-factor
    sign-in (its cookie) skips that step."""
    signed_in = identity.password_session(
        email=body.email, password=body.password, client=client, trusted_browser=trusted
    )
    if isinstance(signed_in, identity.SecondFactorNeeded):
        out = SecondFactorNeededOut(challenge=signed_in.challenge, expires_in=signed_in.expires_in)
        return JSONResponse(out.model_dump(by_alias=True), status_code=202)
    return _user_response(signed_in.user, signed_in.token)


@router.post("/2fa", dependencies=[AuthLimited], responses=answers(401, 403))
def complete_second_factor(body: SecondFactorIn, client: Client) -> JSONResponse:
    """The second step of a sign-in: the challenge from `POST /api/auth/sign-in` and a 6-digit code
    from the authenticator app (each accepted once) or a recovery code (single use). Wrong codes count
    toward the account's sign-in failure limit. `trustBrowser` sets a cookie that skips this step for
    30 days. 401: the challenge expired; 400: the code is wrong (`details` names `code`)."""
    signed_in = identity.second_factor_session(
        challenge=body.challenge, code=body.code, trust_browser=body.trust_browser, client=client
    )
    response = _user_response(signed_in.user, signed_in.token)
    set_trusted_browser_cookie(response, signed_in.trusted_browser)
    return response


@router.post("/2fa/setup", dependencies=[AuthLimited], responses=answers(409))
def start_two_factor_setup(user: CurrentUser) -> JSONResponse:
    """Start setting up two-factor: a new authenticator secret (shown this once) and its otpauth URI."""
    setup = identity.start_two_factor_setup(actor=user)
    out = TwoFactorSetupOut(secret=setup.secret, otpauth_uri=setup.otpauth_uri)
    return JSONResponse(out.model_dump(by_alias=True))


@router.post("/2fa/confirm", dependencies=[AuthLimited], responses=answers(409))
def confirm_two_factor_setup(body: CodeIn, user: CurrentUser, token: SessionToken) -> JSONResponse:
    """Turn two-factor on with the app's first code: answers the 10 single-use recovery codes (shown
    once). This session counts as having passed two-factor; the account's other sessions end."""
    codes = identity.confirm_two_factor_setup(actor=user, code=body.code, session_token=token)
    return JSONResponse(RecoveryCodesOut(recovery_codes=codes).model_dump(by_alias=True))


@router.post("/2fa/recovery-codes", dependencies=[AuthLimited], responses=answers(409))
def regenerate_recovery_codes(body: CodeIn, user: CurrentUser) -> JSONResponse:
    """Ten new recovery codes for a current authenticator code; the old ones stop working."""
    codes = identity.regenerate_recovery_codes(actor=user, code=body.code)
    return JSONResponse(RecoveryCodesOut(recovery_codes=codes).model_dump(by_alias=True))


@router.post("/2fa/disable", dependencies=[AuthLimited], responses=answers(409))
def turn_off_two_factor(body: CodeIn, user: CurrentUser) -> dict[str, bool]:
    """Turn two-factor off with a current authenticator code or a recovery code."""
    identity.turn_off_two_factor(actor=user, code=body.code)
    return {"twoFactor": False}


@router.get("/sessions")
def list_sessions(user: CurrentUser, token: SessionToken) -> list[dict[str, object]]:
    """The account's signed-in sessions, most recently used first; `twoFactor`: it passed two-factor."""
    return [
        SessionOut(
            id=row.id,
            device=row.device,
            ip=row.ip,
            signed_in_at=row.signed_in_at.isoformat(),
            last_seen_at=row.last_seen_at.isoformat(),
            two_factor=row.two_factor,
            current=row.is_current,
        ).model_dump(by_alias=True)
        for row in identity.list_sessions(actor=user, current_token=token)
    ]


@router.get("/2fa/cancel")
def cancel_second_factor(next: str = routes.HOME) -> RedirectResponse:  # noqa: A002
    """ "Use another account" at the code step: forget a Google sign-in's waiting challenge (its cookie
    is HttpOnly, so only a response can clear it) and show the password step again."""
    response = _app_redirect(routes.with_next(routes.SIGN_IN, routes.safe_next(next)))
    response.delete_cookie(CHALLENGE_COOKIE, path="/", httponly=True, samesite="lax", secure=settings.secure_cookies)
    return response


@router.get("/session")
def exchange_grant(
    client: Client,
    grant: Annotated[str, Query(max_length=200)] = "",
    next: Annotated[str, Query(max_length=2000)] = routes.HOME,  # noqa: A002
    binder: Annotated[str | None, Cookie(alias=BINDER_COOKIE, include_in_schema=False)] = None,
) -> RedirectResponse:
    """Turn a sign-in form's one-minute grant into the session cookie, then continue to `next`.

    Only in the browser that signed in: the grant counts only with the binder cookie that browser
    was given with it, so a leaked link signs nobody else in (they are sent to sign in)."""
    try:
        opened = identity.exchange_browser_grant(grant=grant, binder=binder, client=client)
    except NotAuthenticated:
        response = _app_redirect(routes.SIGN_IN + "?error=expired")
    else:
        response = _app_redirect(routes.safe_next(next))
        set_session_cookie(response, opened.token)
        set_trusted_browser_cookie(response, opened.trusted_browser)
        if opened.language:
            set_language_cookie(response, opened.language)
    # Used or not, the binder has done its job; so has a Google sign-in's two-factor challenge.
    response.delete_cookie(CHALLENGE_COOKIE, path="/", httponly=True, samesite="lax", secure=settings.secure_cookies)
    response.delete_cookie(BINDER_COOKIE, path=routes.API_SESSION, secure=settings.secure_cookies, samesite="strict")
    return response


@router.post("/sign-out")
def delete_session(request: Request) -> JSONResponse:
    """Sign out this browser: the session row is deleted and the cookie cleared."""
    identity.sign_out(request.cookies.get(SESSION_COOKIE))
    response = JSONResponse({"signedOut": True})
    clear_session_cookie(response)
    return response


@router.get("/me")
def read_me(user: CurrentUser) -> UserOut:
    """The signed-in user."""
    return UserOut.of(user)


@router.post("/verify", dependencies=[AuthLimited], responses=answers(409))
def verify_email(body: VerifyIn, user: CurrentUser) -> UserOut:
    """Verify the email with the 6-digit code."""
    return UserOut.of(identity.verify_email(actor=user, code=body.code))


@router.post("/verify/resend", dependencies=[AuthLimited], responses=answers(409))
def resend_code(user: CurrentUser) -> dict[str, bool]:
    """Email a new verification code."""
    identity.resend_verification_code(actor=user)
    return {"sent": True}


@router.post("/password/forgot", status_code=202, dependencies=[AuthLimited])
def request_reset(body: ForgotIn) -> dict[str, bool]:
    """Email a reset link when the account exists; the answer is the same either way."""
    identity.request_password_reset(email=body.email)
    return {"accepted": True}


@router.post("/password/reset", dependencies=[AuthLimited], responses=answers(404))
def reset_password(body: ResetIn) -> dict[str, bool]:
    """Choose a new password with a reset token; every session ends."""
    identity.reset_password(token=body.token, new_password=body.password)
    return {"reset": True}


@router.get("/check-super-admin")
def check_super_admin(user: CurrentUser) -> dict[str, bool]:
    """Whether the signed-in user is a super admin."""
    return {"isSuperAdmin": admin.is_super_admin(user.id)}


@router.get("/oauth/google")
async def start_google(request: Request, next: str = routes.HOME) -> Response:  # noqa: A002
    """Send the browser to Google (or the sign-in sandbox) with state, nonce and PKCE."""
    request.session["google_next"] = routes.safe_next(next)
    try:
        return await google.start(request, settings.api_url + routes.API_GOOGLE_CALLBACK)
    except google.GoogleSignInError:
        return _app_redirect(routes.SIGN_IN + "?error=google_unavailable")


@router.get("/oauth/google/callback")
async def finish_google(request: Request, client: Client) -> Response:
    """Validate Google's answer, sign the person in, and continue where they started."""
    next_path = routes.safe_next(request.session.pop("google_next", None))
    if request.query_params.get("error"):
        return _app_redirect(routes.SIGN_IN + "?error=google_cancelled")
    try:
        claims = await google.finish(request)
        signed_in = await run_in_threadpool(
            identity.sign_in_with_google,
            claims=claims,
            client=client,
            trusted_browser=request.cookies.get(TRUSTED_BROWSER_COOKIE),
        )
    except google.GoogleSignInError:
        return _app_redirect(routes.SIGN_IN + "?error=google_failed")
    except DomainError as exc:
        code = "suspended" if exc.code == "permission_denied" else "google_failed"
        return _app_redirect(routes.SIGN_IN + f"?error={code}")
    if isinstance(signed_in, identity.SecondFactorNeeded):
        # The sign-in page asks for the code; the challenge waits in an HttpOnly cookie, out of the URL.
        response = _app_redirect(routes.with_next(routes.SIGN_IN, next_path))
        response.set_cookie(
            CHALLENGE_COOKIE,
            signed_in.challenge,
            max_age=signed_in.expires_in,
            httponly=True,
            samesite="lax",
            secure=settings.secure_cookies,
            path="/",
        )
        return response
    user, token = signed_in
    landing = ""
    if next_path == routes.HOME:
        last_used = request.cookies.get(LAST_WORKSPACE_COOKIE, "")
        landing = await run_in_threadpool(workspaces.landing_workspace, actor=user, last_used=last_used)
    response = _app_redirect(routes.after_sign_in(user, next_path, landing))
    set_session_cookie(response, token)
    return response
