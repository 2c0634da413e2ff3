"""Background work: draining the email outbox with retries, posting webhook deliveries, sending queued
refunds and scheduled announcements, and periodic housekeeping (reconciling payments, re-verifying
webhooks Paystack could not confirm, expiring holds, completing past events, rechecking refunds).

`make run` runs these loops inside the web process (OUTBOX_WORKER=inline, the default); a scaled-out
deployment sets OUTBOX_WORKER=external and runs `python -m eventpalour.worker` as its own process.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable

from eventpalour.logs import configure_logging
from eventpalour.services import events, finance, platform, sales, tickets

logger = logging.getLogger("eventpalour.worker")
IDLE_SECONDS = 1.0
HOUSEKEEPING_SECONDS = 60.0
ROLLUP_SECONDS = 5.0


async def _forever(name: str, work: Callable[[], int], idle_seconds: float) -> None:
    """Run `work` again and again; a failure is logged and retried, never fatal to the loop."""
    while True:
        try:
            done = await asyncio.to_thread(work)
        except Exception:
            logger.exception("%s failed; retrying shortly", name)
            done = 0
        await asyncio.sleep(0 if done else idle_seconds)


async def run_outbox_loop() -> None:
    await _forever("Outbox delivery", platform.deliver_due, IDLE_SECONDS)


async def run_webhook_loop() -> None:
    """Post queued webhook deliveries to organizers' endpoints (signed; retried with backoff for a day)."""
    await _forever("Webhook delivery", platform.deliver_due_webhooks, IDLE_SECONDS)


async def run_refund_loop() -> None:
    """Send queued refunds to Paystack as soon as they are recorded (a cancelled event queues many)."""
    await _forever("Refund submission", sales.submit_due_refunds, IDLE_SECONDS)


async def run_announcement_loop() -> None:
    """Send announcements once their time comes, "send now" ones at the next pass (the request only
    records them, so a large audience never holds it up); their emails then wait in the outbox for
    their rate slot. The claim is a conditional UPDATE, so several workers send each one once."""
    await _forever("Sending scheduled announcements", tickets.send_due_announcements, IDLE_SECONDS)


async def run_rollup_loop() -> None:
    """Fold the analytics deltas sales append into their day rows (services/finance/rollups.py), so
    the table of deltas stays short; reads fold what is left themselves."""
    await _forever("Folding analytics rollups", finance.fold_all_rollups, ROLLUP_SECONDS)


async def run_housekeeping_loop() -> None:
    """Runs every minute; each pass is idempotent, so several workers running it is harmless.

    Payments are reconciled before holds expire, so a payment whose webhook was lost still wins
    its seats when the buyer paid in time.
    """
    while True:
        await _forever_once("Reconciling unconfirmed payments", sales.reconcile_pending)
        await _forever_once("Rechecking webhooks Paystack could not confirm", sales.recheck_unconfirmed)
        await _forever_once("Expiring holds", sales.expire_holds)
        await _forever_once("Offering free seats to waitlists", sales.offer_waitlist_seats)
        await _forever_once("Completing finished events", events.complete_finished_events)
        await _forever_once("Rechecking open refunds", sales.recheck_open_refunds)
        await asyncio.sleep(HOUSEKEEPING_SECONDS)


async def _forever_once(name: str, work: Callable[[], int]) -> None:
    try:
        count = await asyncio.to_thread(work)
    except Exception:
        logger.exception("%s failed", name)
        return
    if count:
        logger.info("%s: %d", name, count)


async def run_all() -> None:
    await asyncio.gather(
        run_outbox_loop(),
        run_webhook_loop(),
        run_refund_loop(),
        run_announcement_loop(),
        run_rollup_loop(),
        run_housekeeping_loop(),
    )


async def _run_until_stopped() -> None:
    """Run every loop until SIGTERM or SIGINT. Stopping cancels the loops between batches; the batch
    in flight (in a thread) is finished and recorded first, so a restart never sends an email twice."""
    loop = asyncio.get_running_loop()
    task = asyncio.ensure_future(run_all())
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, task.cancel)
    try:
        await task
    except asyncio.CancelledError:
        logger.info("Worker stopping: finishing the work in hand")


def main() -> None:
    configure_logging()
    logger.info("Worker started: outbox, webhooks, refunds, announcements and housekeeping")
    # asyncio.run waits for the default executor's threads, i.e. the batch that was being sent.
    asyncio.run(_run_until_stopped())
    logger.info("Worker stopped")


if __name__ == "__main__":
    main()
