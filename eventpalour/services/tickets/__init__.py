"""The tickets area: its public actions and types."""

from eventpalour.services.public_names import public_names

__getattr__, __all__ = public_names(
    __name__,
    {
        "announcement_audience": [
            "AUDIENCE_LABELS",
            "TIERS_AUDIENCE",
        ],
        "announcement_opt_outs": [
            "Subscription",
            "announcement_subscription",
            "resubscribe_to_announcements",
            "unsubscribe_from_announcements",
        ],
        "announcements": [
            "AnnouncementForm",
            "AnnouncementInput",
            "AnnouncementRow",
            "HolderAnnouncement",
            "cancel_announcement",
            "create_announcement",
            "create_from_form as create_announcement_from_form",
            "event_announcements",
            "list_announcements",
            "my_announcements",
            "send_due_announcements",
        ],
        "buyer_view": [
            "BuyerEventView",
            "buyer_event_view",
        ],
        "attendees": [
            "AttendeeFilters",
            "AttendeeRow",
            "CheckInPoint",
            "PAGE_SIZE",
            "PAYMENT_LABELS",
            "attendees_csv",
            "check_in_progress",
            "event_attendees",
        ],
        "checkin_lists": [
            "ListCounters",
            "ListInput",
            "ListRow",
            "admission_rule",
            "create_checkin_list",
            "delete_checkin_list",
            "event_checkin_lists",
            "update_checkin_list",
        ],
        "live_door": [
            "ConflictLine",
            "DeviceLine",
            "DoorDashboard",
            "TimeBucket",
            "door_dashboard",
            "see_door_device",
        ],
        "door_sync": [
            "DeviceSync",
            "SyncedTicket",
            "code_hash",
            "device_sync",
        ],
        "gates": [
            "DEFAULT_NAME as DEFAULT_LIST_NAME",
        ],
        "offline_apply": [
            "NOTES as OFFLINE_UPLOAD_NOTES",
        ],
        "offline_scans": [
            "AppliedScan",
            "ConflictRow",
            "OfflineCheckIn",
            "offline_conflicts",
            "upload_offline_scans",
        ],
        "email_attachments": [
            "materialize as materialize_attachments",
        ],
        "holdings": [
            "HeldTicket",
            "TicketSummary",
            "TicketView",
            "get_user_tickets",
            "my_event_tickets",
            "order_tickets",
            "status_label",
            "ticket_calendar",
            "ticket_image",
            "tickets_of_order",
        ],
        "scanning": [
            "DoorCounts",
            "ScanOutcome",
            "check_in_ticket",
            "door_counts",
            "normalize_code",
            "scan_ticket",
            "scanner_event",
            "typed_code_problem",
            "undo_check_in",
        ],
        "ticket_media": [
            "holder_place",
            "qr_png",
        ],
        "ticket_tokens": [
            "sign as sign_ticket",
            "sign_signed as sign_ticket_code",
        ],
        "transfers": [
            "TransferCheck",
            "check_transfer",
            "transfer_ticket",
        ],
    },
)
