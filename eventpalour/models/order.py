"""Orders, their lines, and the tickets they issue (SPEC §5, §6)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Index, text
from sqlmodel import Field, SQLModel

from eventpalour.models.types import UTCDateTime, new_id, utcnow


class OrderStatus(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"


# The order status sets, each written once here beside the statuses and used by ORM queries, the
# prepared Core statements (bound as literals when they are built) and Python checks alike.
OPEN_ORDER_STATUSES = (OrderStatus.PENDING, OrderStatus.PROCESSING)
"""Waiting for payment."""
MONEY_HELD_STATUSES = (OrderStatus.COMPLETED, OrderStatus.PARTIALLY_REFUNDED)
"""Paid, and not all of it given back: what can still be refunded, and what counts as revenue."""
SETTLED_ORDER_STATUSES = (OrderStatus.COMPLETED, OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED)
"""Paid (and maybe refunded since): a payment can no longer change them."""


class TicketStatus(StrEnum):
    VALID = "valid"
    USED = "used"
    TRANSFERRED = "transferred"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"
    EXPIRED = "expired"  # its event is over and nobody used it


ADMISSION_STATUSES = (TicketStatus.VALID, TicketStatus.USED, TicketStatus.EXPIRED)
"""Tickets sold to someone and still theirs: the door's "sold" (used ones are the checked in)."""
VOID_TICKET_STATUSES = (TicketStatus.CANCELLED, TicketStatus.REFUNDED)
"""Tickets that admit nobody any more: their order was cancelled or refunded."""


class Order(SQLModel, table=True):
    """One purchase or registration, e.g. 2 × VIP at KES 5,000.00 = KES 10,000.00 (+ fee when passed on).

    Money is in minor units of `currency`. `amount` is what the buyer pays; `platform_fee` is the
    platform's cut, `provider_fee` what Paystack reported, `organizer_share` what is left. While
    `holds_active`, the order's seats are counted in its tiers' `held` counters; releasing them
    (expiry, cancellation, failure) and turning them into sales both flip this flag in the same
    transaction as the counters, so seats are never freed or sold twice.

    A buyer has at most one order holding seats per event (`uq_orders_open_hold`): a second
    checkout's INSERT is refused by the database itself, under any concurrency and without a read
    on the checkout's hot path (services/sales/checkout.py decides what happens then).
    """

    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_status_expires", "status", "expires_at"),
        Index(
            "uq_orders_open_hold",
            "buyer_id",
            "event_id",
            unique=True,
            sqlite_where=text("holds_active"),
            postgresql_where=text("holds_active"),
        ),
        Index("ix_orders_event_status", "event_id", "status"),
        Index("ix_orders_buyer_created", "buyer_id", "created_at"),
        CheckConstraint("amount >= 0 AND subtotal >= 0 AND platform_fee >= 0", name="ck_orders_money"),
        CheckConstraint("refunded_amount >= 0 AND refunded_amount <= amount", name="ck_orders_refunded"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    reference: str = Field(unique=True, max_length=40)
    buyer_id: str = Field(foreign_key="users.id", max_length=16)
    event_id: str = Field(foreign_key="events.id", max_length=16)
    workspace_id: str = Field(foreign_key="workspaces.id", index=True, max_length=16)
    status: str = Field(default=OrderStatus.PENDING, max_length=20)
    currency: str = Field(max_length=3)
    subtotal: int
    platform_fee: int = Field(default=0)
    amount: int
    refunded_amount: int = Field(default=0)  # claimed by refunds that have not failed
    provider_fee: int | None = Field(default=None)
    organizer_share: int | None = Field(default=None)
    fee_mode: str = Field(max_length=8)
    holds_active: bool = Field(default=False)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    authorization_url: str | None = Field(default=None, max_length=1000)
    access_code: str | None = Field(default=None, max_length=120)
    flagged_reason: str | None = Field(default=None, max_length=500)
    # The flag's sentence (the catalogs' English id) and values, so each reader reads it in their
    # language (platform.stored_message); NULL for flags written before (#23 §1).
    flagged_template: str | None = Field(default=None, max_length=500)
    flagged_values: dict[str, object] | None = Field(default=None, sa_type=JSON)
    # The discount code applied (models/discount.py) and what it took off the tickets' subtotal.
    discount_code_id: str | None = Field(default=None, foreign_key="discount_codes.id", index=True, max_length=16)
    discount_amount: int = Field(default=0)
    # How the buyer paid, as Paystack's verify reports it (card, mobile_money, bank, ussd, …), written
    # at settle; "" for free registrations and for orders paid before it was kept.
    payment_channel: str = Field(default="", max_length=20, sa_column_kwargs={"server_default": ""})
    # Where the buyer paid from, written at settle (#22 §1, the analytics page's "Buyers by country"):
    # the billing address's country and city when the verify response carries one, else the country
    # of the card or wallet (authorization.country_code, ISO 3166 alpha-2); "" when unknown.
    buyer_country: str = Field(default="", max_length=2, sa_column_kwargs={"server_default": ""})
    buyer_city: str = Field(default="", max_length=80, sa_column_kwargs={"server_default": ""})
    # The buyer's phone for SMS tickets (E.164), asked at checkout when the event sends them (#23 §3).
    buyer_phone: str | None = Field(default=None, max_length=16)
    # The event's refund policy in force when the order was placed (#19 §5): requests for the order
    # are judged by it, whatever the organizer changes later. NULL on orders placed before it was
    # kept: those follow the event's current policy.
    refund_policy: str | None = Field(default=None, max_length=16)
    refund_days: int | None = Field(default=None)
    refund_policy_text: str | None = Field(default=None, max_length=1000)  # MAX_REFUND_POLICY_TEXT
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    paid_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OrderItem(SQLModel, table=True):
    """One line of an order: a quantity of one tier at the price it had when ordered."""

    __tablename__ = "order_items"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    order_id: str = Field(foreign_key="orders.id", index=True, max_length=16, ondelete="CASCADE")
    tier_id: str = Field(foreign_key="ticket_tiers.id", index=True, max_length=16)
    tier_name: str = Field(max_length=80)
    quantity: int
    unit_price: int
    # The attendee of each ticket of the line, by seat (None: the event asks no names), written at
    # checkout and copied onto the tickets when they are issued (models/question.py).
    attendee_names: list[str] | None = Field(default=None, sa_type=JSON, nullable=True)


class Ticket(SQLModel, table=True):
    """One admission: a 3-ticket order makes 3 tickets, each with its own code and QR.

    A transfer never edits the holder: the old row becomes `transferred` (its QR stops at once)
    and a new row for the recipient points back at it through `transferred_from_id`, so the
    ticket's history reads as a chain, e.g. Amina (transferred) → Brian (transferred) → Chao (valid).
    """

    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_holder_status", "holder_id", "status"),
        # The door's live counters (checked in / sold) count one event's tickets by status.
        Index("ix_tickets_event_status", "event_id", "status"),
        # Door devices fetch an event's tickets changed since their last sync (#21).
        Index("ix_tickets_event_updated", "event_id", "updated_at"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    short_code: str = Field(unique=True, max_length=8)
    order_id: str = Field(foreign_key="orders.id", index=True, max_length=16)
    order_item_id: str = Field(foreign_key="order_items.id", max_length=16)
    event_id: str = Field(foreign_key="events.id", max_length=16)
    tier_id: str = Field(foreign_key="ticket_tiers.id", max_length=16)
    holder_id: str = Field(foreign_key="users.id", max_length=16)
    # Its place in its order line (0, 1, …), kept through transfers: per-ticket answers point at it.
    seat: int = Field(default=0)
    attendee_name: str | None = Field(default=None, max_length=100)  # None: the event asks no names
    status: str = Field(default=TicketStatus.VALID, max_length=16)
    secret_version: int = Field(default=1)
    transferred_from_id: str | None = Field(default=None, max_length=16, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    used_by_id: str | None = Field(default=None, max_length=16)
    # Set on every write (SQLAlchemy's onupdate, Core and ORM alike), so a door device's sync asks
    # only for what changed; None on rows no write touched since the column came.
    updated_at: datetime | None = Field(
        default_factory=utcnow, sa_type=UTCDateTime, sa_column_kwargs={"default": utcnow, "onupdate": utcnow}
    )


class ScanResult(StrEnum):
    """What the door is told about one scan (SPEC §6)."""

    OK = "ok"
    ALREADY_USED = "already_used"
    INVALID = "invalid"
    WRONG_EVENT = "wrong_event"
    NOT_VALID = "not_valid"
    EVENT_ENDED = "event_ended"  # past the event's end and the doors' grace period
    UNDONE = "undone"  # a check-in taken back by door staff (from the attendee list)
    WRONG_GATE = "wrong_gate"  # a real ticket whose tier the scanner's check-in list does not admit
    EXITED = "exited"  # an exit scan on a list that counts exits
    NOT_INSIDE = "not_inside"  # an exit scan of a holder who is not inside by that list


class TicketScan(SQLModel, table=True):
    """One attempt at the door, whatever its result, e.g. Gate A scanned ABCD2345 at 19:42: ok.

    `ticket_id` is empty when the code named no ticket (forged, mistyped). The log is what an
    organizer reads when someone says "but I never got in", so nothing is ever left out of it.
    """

    __tablename__ = "ticket_scans"
    __table_args__ = (Index("ix_ticket_scans_event_scanned", "event_id", "scanned_at"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    event_id: str = Field(foreign_key="events.id", max_length=16, ondelete="CASCADE")
    ticket_id: str | None = Field(default=None, foreign_key="tickets.id", index=True, max_length=16)
    scanned_by_id: str = Field(foreign_key="users.id", max_length=16)
    result: str = Field(max_length=16)
    method: str = Field(max_length=8)  # "qr" (camera) or "code" (typed)
    device: str = Field(default="", max_length=200)
    scanned_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


UNCONFIRMED_WEBHOOK = "unconfirmed"
"""A delivery's outcome while Paystack could not be asked about it: housekeeping asks again."""


class PaymentWebhook(SQLModel, table=True):
    """Every delivery to the Paystack webhook, valid or not, as received (SPEC §5).

    `outcome` says what it did, e.g. `completed`; `unconfirmed` while Paystack could not confirm it
    (we answered 503 so Paystack retries; housekeeping re-verifies it too, `rechecked_at` being its
    last try). Only those few rows are in the partial index housekeeping reads them through.
    """

    __tablename__ = "payment_webhooks"
    __table_args__ = (
        Index(
            "ix_payment_webhooks_unconfirmed",
            "reference",
            sqlite_where=text(f"outcome = '{UNCONFIRMED_WEBHOOK}'"),
            postgresql_where=text(f"outcome = '{UNCONFIRMED_WEBHOOK}'"),
        ),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    provider: str = Field(default="paystack", max_length=16)
    event_type: str = Field(default="", max_length=64)
    reference: str | None = Field(default=None, index=True, max_length=64)
    signature_valid: bool = Field(default=False)
    body: str = Field(default="")
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    outcome: str | None = Field(default=None, max_length=64)
    rechecked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
