"""Checkout under load against the RUNNING app: N concurrent buyers, one event, one limited tier.

Targets (2-core machine, concurrency 32): >= 150 orders placed/s with p99 <= 250 ms, >= 100 orders
fulfilled/s, nothing oversold.

Phase 1 (placed): every buyer, signed in with its own session cookie, posts one order to
`POST /api/checkout/orders` (book_ticket + start_payment against the Paystack sandbox, the same
services the event page's checkout button calls). More buyers than seats, so the tail gets 409.
Between the phases (not timed) each placed transaction is marked paid in the sandbox's own tables,
exactly what its checkout page's Pay button does, without letting the sandbox send the webhook.
Phase 2 (fulfilled): for every placed order a signed `charge.success` is posted to
`/api/payments/webhook/paystack`; its answer comes after verify and ticket issue, so its latency is
webhook -> tickets issued. Last, the oversell check reads the database.

Usage (see docs/performance.md "Checkout" for the exact commands):

    createdb -h 127.0.0.1 -U postgres eventpalour_bench_checkout
    export DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/eventpalour_bench_checkout
    export SECRET_KEY=bench-checkout-secret-key-0123456789abcdef   # app and bench must share it
    alembic upgrade head
    APP_ENV=production ALLOW_SANDBOXES_IN_PRODUCTION=yes APP_URL=http://localhost:3400 \\
        RATE_LIMIT_GENERAL=1000000/minute reflex run --env prod --frontend-port 3400 --backend-port 3400 &
    python bench/checkout.py --url http://localhost:3400 --seats 2000 --buyers 2400 --concurrency 32

ALLOW_SANDBOXES_IN_PRODUCTION=yes lets the production build run on the Paystack and Google sandboxes
(production refuses them otherwise): benchmarks only, never a real deployment.

The bench writes its own rows (an organizer, a workspace, the event, the buyers and their
sessions) into the app's database, so run it against a database made for it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TICKET_PRICE = 150_000  # KES 1,500.00


@dataclass
class Phase:
    """Latencies (ms) of the requests that did what the phase measures, and what went wrong."""

    name: str
    ok: list[float] = field(default_factory=list)
    refused: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    app_cpu: float = 0.0

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def app_cpu_seconds(pgid: int | None) -> float:
    """User + system CPU of every process in the app's process group (Linux /proc), or 0 when unset.

    On a shared machine the wall-clock rates depend on the neighbours; CPU per order does not."""
    if pgid is None:
        return 0.0
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Buyer:
    user_id: str
    token: str


@dataclass(frozen=True)
class Placed:
    order_id: str
    reference: str


def percentiles(values: Sequence[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        return (values[0],) * 3 if values else (float("nan"),) * 3
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


async def run_workers(items: Sequence[Any], concurrency: int, work: Callable[[Any], Awaitable[None]]) -> float:
    """Run `work` over `items` with `concurrency` workers; returns the wall time in seconds."""
    queue: asyncio.Queue[Any] = asyncio.Queue()
    for item in items:
        queue.put_nowait(item)

    async def worker() -> None:
        while not queue.empty():
            await work(queue.get_nowait())

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started


# --- setup (straight into the database; not timed) -------------------------------------------------


class BenchEvent(NamedTuple):
    event_id: str
    tier_id: str  # the limited tier
    warmup_tier_id: str  # unlimited
    owner: Any  # the organizer's UserSummary


def create_event(seats: int) -> BenchEvent:
    """A published paid event with the limited tier and an unlimited warm-up tier, made through the
    services."""
    from eventpalour.models.types import new_id
    from eventpalour.services.events import TierInput, get_tiers
    from tests.factories import approve_kyc, make_event, make_organizer, make_workspace

    owner = make_organizer(email=f"organizer-{new_id(6)}@bench.example.com")
    workspace = make_workspace(owner, name="Checkout Bench")
    approve_kyc(workspace.id)
    tiers = [
        TierInput(name="Limited", price=TICKET_PRICE, quantity=seats, max_per_order=10),
        TierInput(name="Warm-up", price=TICKET_PRICE, quantity=None, max_per_order=10),
    ]
    event = make_event(owner, workspace.id, publish=True, pricing="paid", tiers=tiers, title="Checkout Bench")
    by_name = {t.name: t.id for t in get_tiers(actor=owner.summary, event_id=event.id)}
    return BenchEvent(event.id, by_name["Limited"], by_name["Warm-up"], owner.summary)


BENCH_CODE = "BENCH10"


def add_code(event_id: str, owner: Any) -> str:
    """A 10 %-off code with no limits on the bench event, made through the service; returns it."""
    from eventpalour.models import DiscountKind
    from eventpalour.services import sales

    data = sales.CodeInput(code=BENCH_CODE, kind=DiscountKind.PERCENT, value=10)
    sales.create_code(actor=owner, event_id=event_id, data=data)
    return BENCH_CODE


def create_buyers(count: int) -> list[Buyer]:
    """Verified attendees, each with a live session, inserted in bulk (signing up thousands of
    accounts one by one would dominate the run and is not what is measured)."""
    from sqlalchemy import insert

    from eventpalour.db import transaction
    from eventpalour.models import User
    from eventpalour.models.types import new_id, utcnow

    now, run = utcnow(), new_id(6)
    users = [
        {
            "id": new_id(),
            "email": f"buyer-{run}-{i}@bench.example.com",
            "username": f"buyer-{run}-{i}",
            "full_name": f"Buyer {i}",
            "email_verified_at": now,
            "account_type": "attendee",
            "status": "active",
            "created_at": now,
        }
        for i in range(count)
    ]
    with transaction() as session:
        for start in range(0, count, 1000):
            session.execute(insert(User), users[start : start + 1000])
    return open_sessions([user["id"] for user in users])


def open_sessions(user_ids: Sequence[str]) -> list[Buyer]:
    """A live session (its cookie value) for each user, inserted in bulk."""
    from datetime import timedelta

    from sqlalchemy import insert

    from eventpalour.db import transaction
    from eventpalour.models import UserSession
    from eventpalour.models.types import new_id, utcnow
    from eventpalour.services.platform import new_token, token_hash

    now, sessions, signed_in = utcnow(), [], []
    for user_id in user_ids:
        token = new_token()
        sessions.append(
            {
                "id": new_id(),
                "user_id": user_id,
                "token_hash": token_hash(token),
                "created_at": now,
                "last_seen_at": now,
                "expires_at": now + timedelta(days=1),
            }
        )
        signed_in.append(Buyer(user_id, token))
    with transaction() as session:
        for start in range(0, len(sessions), 1000):
            session.execute(insert(UserSession), sessions[start : start + 1000])
    return signed_in


def mark_paid(references: Sequence[str]) -> dict[str, bytes]:
    """Settle each transaction in the sandbox's tables as its Pay button would; returns the
    `charge.success` body the sandbox recorded for each reference (not delivered by it)."""
    from sqlmodel import col, select

    from eventpalour.db import read_only
    from eventpalour.models import SandboxPaystackWebhook
    from eventpalour.sandbox import paystack as sandbox

    with ThreadPoolExecutor(max_workers=4) as pool:
        webhook_ids = [w for _, w in pool.map(lambda ref: sandbox.settle("pay", reference=ref), references)]
    if None in webhook_ids:
        raise SystemExit("The sandbox refused to mark some transactions paid.")
    with read_only() as session:
        rows = session.exec(select(SandboxPaystackWebhook).where(col(SandboxPaystackWebhook.id).in_(webhook_ids))).all()
    return {row.transaction_reference: row.body.encode() for row in rows}


# --- the two phases --------------------------------------------------------------------------------


async def place_orders(
    client: aiohttp.ClientSession,
    event_id: str,
    tier_id: str,
    buyers: Sequence[Buyer],
    tickets: int,
    concurrency: int,
    code: str | None = None,
) -> tuple[Phase, list[Placed]]:
    phase, placed = Phase("placed"), []
    order_body: dict[str, Any] = {"event_id": event_id, "quantities": {tier_id: tickets}}
    if code:
        order_body["code"] = code

    async def order(buyer: Buyer) -> None:
        started = time.perf_counter()
        try:
            async with client.post(
                "/api/checkout/orders",
                json=order_body,
                headers={"Cookie": f"ep_session={buyer.token}"},
            ) as response:
                status, body = response.status, await response.read()
        except aiohttp.ClientError as exc:
            phase.error(type(exc).__name__)
            return
        elapsed = (time.perf_counter() - started) * 1000
        answer = json.loads(body) if status == 201 else {}
        if answer.get("authorization_url"):
            phase.ok.append(elapsed)
            placed.append(Placed(answer["order_id"], answer["reference"]))
        elif status == 409:
            phase.refused.append(elapsed)  # sold out: the guard doing its job, not an error
        else:
            phase.error(f"HTTP {status}")

    phase.seconds = await run_workers(buyers, concurrency, order)
    return phase, placed


async def deliver_webhooks(client: aiohttp.ClientSession, bodies: dict[str, bytes], concurrency: int) -> Phase:
    from eventpalour.integrations.paystack import sandbox_account, webhook_signature

    phase, secret = Phase("fulfilled"), sandbox_account().secret_key

    async def deliver(reference: str) -> None:
        body = bodies[reference]
        headers = {"content-type": "application/json", "x-paystack-signature": webhook_signature(body, secret)}
        started = time.perf_counter()
        try:
            async with client.post("/api/payments/webhook/paystack", data=body, headers=headers) as response:
                status, answer = response.status, await response.read()
        except aiohttp.ClientError as exc:
            phase.error(type(exc).__name__)
            return
        elapsed = (time.perf_counter() - started) * 1000
        outcome = json.loads(answer).get("outcome") if status == 200 else None
        if outcome == "completed":
            phase.ok.append(elapsed)
        else:
            phase.error(f"HTTP {status} {outcome or ''}".strip())

    phase.seconds = await run_workers(list(bodies), concurrency, deliver)
    return phase


# --- the checks ------------------------------------------------------------------------------------


def oversell_check(tier_id: str, placed: Sequence[Placed]) -> tuple[dict[str, int], list[str]]:
    """Counters against rows, the capacity rule, and one set of tickets per completed order."""
    from sqlalchemy import func
    from sqlmodel import Session, col, select

    from eventpalour.db import get_engine
    from eventpalour.models import Order, OrderItem, PaymentWebhook, Ticket, TicketTier

    # One snapshot for every figure: the app may still be settling orders (its reconciler), and
    # counters read a moment before the rows would disagree with them for no fault of the app.
    engine = get_engine()
    if engine.dialect.name == "postgresql":  # SQLite's one writer already gives a single snapshot
        engine = engine.execution_options(isolation_level="REPEATABLE READ")
    with Session(bind=engine) as session:
        tier = session.get(TicketTier, tier_id)
        issued = session.exec(select(func.count()).select_from(Ticket).where(Ticket.tier_id == tier_id)).one()
        held_rows = session.exec(
            select(func.coalesce(func.sum(OrderItem.quantity), 0))
            .join(Order, col(Order.id) == col(OrderItem.order_id))
            .where(OrderItem.tier_id == tier_id, col(Order.holds_active).is_(True))
        ).one()
        completed = session.exec(
            select(func.count())
            .select_from(Order)
            .where(col(Order.id).in_([p.order_id for p in placed]), Order.status == "completed")
        ).one()
        wrong_ticket_counts = session.exec(
            select(func.count()).select_from(
                select(OrderItem.order_id)
                .join(Ticket, col(Ticket.order_item_id) == col(OrderItem.id), isouter=True)
                .join(Order, col(Order.id) == col(OrderItem.order_id))
                .where(OrderItem.tier_id == tier_id, Order.status == "completed")
                .group_by(OrderItem.order_id, OrderItem.quantity)
                .having(func.count(Ticket.id) != OrderItem.quantity)
                .subquery()
            )
        ).one()
        # Orders the housekeeping reconciler completed before their webhook arrived (their webhook
        # only saw "already settled"), so the fulfilled figure is not flattered unnoticed.
        first_webhook = (
            select(PaymentWebhook.reference, func.min(PaymentWebhook.received_at).label("at"))
            .group_by(PaymentWebhook.reference)
            .subquery()
        )
        settled_before_webhook = session.exec(
            select(func.count())
            .select_from(Order)
            .join(first_webhook, first_webhook.c.reference == col(Order.reference))
            .where(
                col(Order.id).in_([p.order_id for p in placed]),
                Order.status == "completed",
                Order.updated_at < first_webhook.c.at,
            )
        ).one()
    figures = {
        "quantity": tier.quantity,
        "sold": tier.sold,
        "held": tier.held,
        "tickets issued": issued,
        "seats in open holds": held_rows,
        "orders completed": completed,
        "settled before webhook": settled_before_webhook,
    }
    problems = []
    if tier.sold + tier.held > tier.quantity:
        problems.append(f"OVERSOLD: sold {tier.sold} + held {tier.held} > quantity {tier.quantity}")
    if issued + held_rows > tier.quantity:
        problems.append(f"OVERSOLD: {issued} tickets + {held_rows} held > quantity {tier.quantity}")
    if tier.sold != issued:
        problems.append(f"sold counter {tier.sold} != {issued} tickets")
    if tier.held != held_rows:
        problems.append(f"held counter {tier.held} != {held_rows} seats in open holds")
    if wrong_ticket_counts:
        problems.append(f"{wrong_ticket_counts} completed orders with the wrong number of tickets")
    return figures, problems


# --- report ----------------------------------------------------------------------------------------


def print_phase(phase: Phase, rate_label: str) -> None:
    p50, p95, p99 = percentiles(phase.ok)
    rate = len(phase.ok) / phase.seconds if phase.seconds else 0.0
    cpu = f"{1000 * phase.app_cpu / len(phase.ok):>8.1f}" if phase.app_cpu and phase.ok else f"{'-':>8}"
    print(
        f"{phase.name:<10} {len(phase.ok):>6} {phase.seconds:>7.2f} {rate:>9.1f} {p50:>8.1f} {p95:>8.1f} "
        f"{p99:>8.1f} {phase.error_count:>6} {cpu}   {rate_label}"
    )
    if phase.refused:
        r50, r95, r99 = percentiles(phase.refused)
        print(f"{'sold out':<10} {len(phase.refused):>6} {'':>7} {'':>9} {r50:>8.1f} {r95:>8.1f} {r99:>8.1f}")
    for kind, n in sorted(phase.errors.items()):
        print(f"    error: {kind} x{n}")


async def bench(args: argparse.Namespace) -> int:
    event_id, tier_id, warmup_tier_id, owner = create_event(args.seats)
    code = add_code(event_id, owner) if args.code else None
    buyers = create_buyers(args.buyers + args.warmup)
    warmup, buyers = buyers[: args.warmup], buyers[args.warmup :]
    # aiohttp, not httpx: the client shares the machine's two cores with the app, and aiohttp's
    # C parser spends about a tenth of httpx's CPU per request here (0.4 ms against 4.4 ms).
    connector = aiohttp.TCPConnector(limit=args.concurrency)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(base_url=args.url, connector=connector, timeout=timeout) as client:
        async with client.get("/api/health") as health:
            if health.status != 200:
                raise SystemExit(f"{args.url}/api/health does not answer 200: is the app running?")
        warm, warm_orders = await place_orders(client, event_id, warmup_tier_id, warmup, 1, args.concurrency)
        if warm.error_count or len(warm_orders) != len(warmup):
            raise SystemExit(f"Warm-up orders failed: {warm.errors}")
        await deliver_webhooks(client, await asyncio.to_thread(mark_paid, [p.reference for p in warm_orders]), 8)

        cpu = app_cpu_seconds(args.app_pgid)
        placing, placed = await place_orders(client, event_id, tier_id, buyers, args.tickets, args.concurrency, code)
        placing.app_cpu = app_cpu_seconds(args.app_pgid) - cpu
        bodies = await asyncio.to_thread(mark_paid, [p.reference for p in placed])
        cpu = app_cpu_seconds(args.app_pgid)
        fulfilling = await deliver_webhooks(client, bodies, args.concurrency)
        fulfilling.app_cpu = app_cpu_seconds(args.app_pgid) - cpu

    figures, problems = oversell_check(tier_id, placed)
    print(
        f"url: {args.url}  seats: {args.seats}  buyers: {len(buyers)} x {args.tickets} ticket(s)  "
        f"concurrency: {args.concurrency}  warm-up orders: {len(warmup)}  code: {code or '-'}"
    )
    header = ("phase", "orders", "seconds", "orders/s", "p50 ms", "p95 ms", "p99 ms", "errors", "cpu ms")
    print("{:<10} {:>6} {:>7} {:>9} {:>8} {:>8} {:>8} {:>6} {:>8}".format(*header))
    print_phase(placing, "hold + Paystack initialize")
    print_phase(fulfilling, "signed webhook -> verify -> tickets")
    print("check: " + json.dumps(figures))
    oversold = max(0, figures["tickets issued"] + figures["seats in open holds"] - figures["quantity"])
    print(f"oversold: {oversold}")
    for problem in problems:
        print(f"PROBLEM: {problem}")
    return 1 if problems or placing.error_count or fulfilling.error_count else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://localhost:3400", help="the running app")
    parser.add_argument("--database", default=os.environ.get("DATABASE_URL", ""), help="the app's database")
    parser.add_argument("--seats", type=int, default=2000, help="quantity of the limited tier")
    parser.add_argument("--buyers", type=int, default=2400, help="one order each; more than seats reach sold out")
    parser.add_argument("--tickets", type=int, default=1, help="tickets per order")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--warmup", type=int, default=64, help="untimed orders on another tier first")
    parser.add_argument("--code", action="store_true", help="every timed order applies a 10 %% discount code")
    parser.add_argument(
        "--app-pgid", type=int, help="process group of the app (Linux): also print the app's CPU ms per order"
    )
    args = parser.parse_args()
    if not args.database.startswith("postgresql"):
        raise SystemExit("Pass --database (or DATABASE_URL): the PostgreSQL database the app runs on.")
    if not os.environ.get("SECRET_KEY"):
        raise SystemExit("Set SECRET_KEY to the app's: it derives the sandbox key that signs webhooks.")
    os.environ["DATABASE_URL"] = args.database
    sys.exit(asyncio.run(bench(args)))


if __name__ == "__main__":
    main()
