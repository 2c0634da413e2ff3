"""The sales area: its public actions and types."""

from eventpalour.services.public_names import public_names

__getattr__, __all__ = public_names(
    __name__,
    {
        "checkout": [
            "MAX_TICKETS_PER_ORDER",
            "book_ticket",
            "cancel_order",
            "expire_holds",
            "release_order",
        ],
        "dashboard": [
            "RecentOrderRow",
            "UpcomingEventRow",
            "WorkspaceDashboard",
            "workspace_dashboard",
        ],
        "fees": [
            "fee_percent_label",
            "PriceLine",
            "platform_fee_of",
            "price_lines",
            "price_of",
        ],
        "fulfilment": [
            "SHORT_CODE_ALPHABET",
            "new_short_code",
        ],
        "order_lists": [
            "EventOrderRow",
            "PAGE_SIZE",
            "event_orders",
        ],
        "orders": [
            "HeldOrder",
            "OrderSummary",
            "STATUS_LABELS",
            "event_of_order",
            "holds_paid_money",
            "list_my_orders",
            "open_order",
        ],
        "payment_webhooks": [
            "handle as handle_paystack_webhook",
            "needs_retry",
            "recheck_unconfirmed",
        ],
        "payments": [
            "place_order",
            "reconcile_pending",
            "settle as settle_payment",
            "start_payment",
            "verify_payment",
        ],
        "paystack_refunds": [
            "recheck_open as recheck_open_refunds",
            "submit_due as submit_due_refunds",
        ],
        "refunds": [
            "RefundProgress",
            "cancel_free_order",
            "event_refund_progress",
            "process_refund",
            "queue_event_refunds",
            "refund_label",
            "refund_options",
        ],
        "store": [
            "DoorCounts",
            "ScannedTicket",
            "admit as admit_ticket",
            "door_counts",
            "log_scan",
            "door as read_door",
            "scanned_ticket",
            "unadmit as unadmit_ticket",
        ],
        "tier_sales": [
            "SaleState",
            "clamp_quantity",
            "tier_sale",
        ],
    },
)
