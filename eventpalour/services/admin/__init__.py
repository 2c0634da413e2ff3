"""The admin area: its public actions and types."""

from eventpalour.services.public_names import public_names

__getattr__, __all__ = public_names(
    __name__,
    {
        "admin_audit": [
            "AuditFilters",
            "AuditRow",
            "list_audit",
            "record_admin_sign_in",
        ],
        "admin_metrics": [
            "DashboardMetrics",
            "Change as MetricChange",
            "dashboard_metrics",
        ],
        "admin_users": [
            "UserFilters",
            "UserOrder",
            "UserRow",
            "UserTicket",
            "UserWorkspace",
            "search_users",
            "set_user_status",
            "user_detail",
        ],
        "admins": [
            "AdminCapability",
            "AdminRow",
            "DEMO_ADMIN_TOTP_SECRET",
            "allows as admin_allows",
            "admin_level_in",
            "check as check_admin",
            "ensure_bootstrap_admin",
            "grant_admin",
            "grant_demo_super_admin",
            "is_super_admin",
            "list_admins",
            "require as require_admin",
            "revoke_admin",
        ],
        "audit": [
            "forget_client_of",
            "record as record_audit",
        ],
    },
)
