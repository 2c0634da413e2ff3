"""The identity area: its public actions and types."""

from eventpalour.services.public_names import public_names

__getattr__, __all__ = public_names(
    __name__,
    {
        "account_deletion": [
            "ERASERS",
            "DeletionCheck",
            "check_account_deletion",
            "delete_account",
            "request_deletion_code",
        ],
        "accounts": [
            "ClientInfo",
            "TermsAgreement",
            "UserSummary",
            "email_key",
            "load_active_user",
            "masked_email",
            "normalize_email",
            "set_account_type",
            "summarize",
            "terms_agreement",
            "update_profile",
        ],
        "auth": [
            "GRANT_SECONDS",
            "SignInResult",
            "current_user",
            "exchange_grant",
            "password_session",
            "sign_in",
            "sign_in_with_google",
            "sign_out",
            "sign_out_everywhere",
            "sign_up",
        ],
        "data_export": [
            "AccountExport",
            "export_account",
            "export_csv as account_export_csv",
            "export_json as account_export_json",
        ],
        "password_reset": [
            "change_password",
            "check_reset_token",
            "request_password_reset",
            "reset_password",
        ],
        "verification": [
            "resend_verification_code",
            "verify_email",
        ],
    },
)
