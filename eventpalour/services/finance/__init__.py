"""The finance area: its public actions and types."""

from eventpalour.services.public_names import public_names

__getattr__, __all__ = public_names(
    __name__,
    {
        "analytics": [
            "AnalyticsWindow",
            "ChannelRow",
            "CUSTOM_SPAN",
            "DEFAULT_SPAN",
            "DayPoint",
            "EventRow",
            "PlaceRow",
            "SPANS",
            "SourceRow",
            "TierRow",
            "WorkspaceAnalytics",
            "analytics_window",
            "channel_label",
            "workspace_analytics",
        ],
        "analytics_csv": [
            "TABLES as ANALYTICS_TABLES",
            "analytics_table_csv",
        ],
        "billing": [
            "MonthPoint",
            "billing_overview",
        ],
        "billing_transactions": [
            "PAGE_SIZE",
            "TransactionFilter",
            "TransactionRow",
            "list_transactions",
            "transactions_csv",
        ],
        "event_totals": [
            "EventSalesTotals",
            "event_money",
        ],
        "money_figures": [
            "Balance",
            "MoneyFigures",
            "Period",
            "SOLD_TICKET_CONDITIONS",
            "figures_by_currency",
            "figures_by_period",
            "tickets_sold",
        ],
        "rollups": [
            "RecordedRefund",
            "SettledSale",
            "fold_all_rollups",
            "forget_event_sums",
            "rebuild_rollups",
            "record_event_cancelled",
            "record_checkout_started",
            "record_page_view",
            "record_refund",
            "record_sale",
            "take_back_sale",
        ],
        "revenue": [
            "QueuedWithdrawal",
            "ReturnedPayment",
            "RevenueDay",
            "daily_revenue",
            "platform_totals",
            "returned_payments",
            "withdrawal_queue",
        ],
        "withdrawals": [
            "WithdrawalInput",
            "WithdrawalView",
            "list_withdrawals",
            "mark_withdrawal_paid",
            "minimum_for",
            "reject_withdrawal",
            "request_withdrawal",
        ],
    },
)
