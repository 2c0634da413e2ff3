"""The workspaces area: its public actions and types."""

from eventpalour.services.public_names import public_names

__getattr__, __all__ = public_names(
    __name__,
    {
        "access": [
            "WorkspaceAction",
            "allows",
            "ensure_role",
            "load_event_for",
            "load_workspace_for",
        ],
        "blue_tickets": [
            "BlueTicketInput",
            "BlueTicketView",
            "approve_request",
            "list_requests",
            "reject_request",
            "request_verification",
            "revoke_request",
            "workspace_blue_ticket",
        ],
        "invitations": [
            "InviteRequest",
            "MAX_BATCH",
            "accept_invitation",
            "invite_members",
            "join_with_invite_code",
            "list_pending_invitations",
            "preview_invitation",
            "resend_invitation",
            "revoke_invitation",
        ],
        "kyc": [
            "KycInput",
            "KycView",
            "TAX_ID_RULES",
            "TaxIdRule",
            "list_kyc_queue",
            "review_kyc",
            "submit_kyc",
            "tax_id_label",
            "workspace_kyc",
        ],
        "members": [
            "MemberView",
            "leave_workspace",
            "list_members",
            "remove_member",
            "update_member_role",
        ],
        "records": [
            "WorkspaceInput",
            "WorkspaceView",
            "become_organizer",
            "create_workspace",
            "delete_workspace",
            "get_workspace",
            "initials_of",
            "list_my_workspaces",
            "regenerate_invite_code",
            "transfer_ownership",
            "update_workspace",
        ],
        "slugs": [
            "available_slug",
            "change_slug",
            "slug_base",
            "slug_refusal",
        ],
    },
)
