"""The identity area: its public actions and types."""

from eventpalour.services.public_names import public_names

__getattr__, __all__ = public_names(
    __name__,
    {
        "accounts": [
            "ClientInfo",
            "UserSummary",
            "email_key",
            "load_active_user",
            "masked_email",
            "normalize_email",
            "set_account_type",
            "update_profile",
        ],
        "auth": [
            "GRANT_SECONDS",
            "ApiSession",
            "BrowserSession",
            "SecondFactorNeeded",
            "SessionRow",
            "SignInResult",
            "complete_second_factor",
            "current_user",
            "exchange_browser_grant",
            "exchange_grant",
            "list_sessions",
            "password_session",
            "second_factor_session",
            "sign_in",
            "sign_in_with_google",
            "sign_out",
            "sign_out_everywhere",
            "sign_up",
        ],
        "password_reset": [
            "change_password",
            "check_reset_token",
            "request_password_reset",
            "reset_password",
        ],
        "two_factor": [
            "RECOVERY_CODE_COUNT",
            "REASONS as TWO_FACTOR_REASONS",
            "TwoFactorSetup",
            "TwoFactorStatus",
            "confirm_two_factor_setup",
            "enroll_with_secret",
            "regenerate_recovery_codes",
            "require_second_factor",
            "start_two_factor_setup",
            "turn_off_two_factor",
            "two_factor_status",
        ],
        "verification": [
            "resend_verification_code",
            "verify_email",
        ],
    },
)
