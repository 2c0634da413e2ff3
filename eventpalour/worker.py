"""Background work: draining the email outbox with retries.

`make run` runs the loop inside the web process (OUTBOX_WORKER=inline, the default); a scaled-out
deployment sets OUTBOX_WORKER=external and runs `python -m eventpalour.worker` as its own process.
"""

from __future__ import annotations

import asyncio
import logging

from eventpalour.services import outbox

logger = logging.getLogger("eventpalour.worker")
IDLE_SECONDS = 1.0


async def run_outbox_loop() -> None:
    """Send due emails forever; a failure is logged and retried, never fatal to the loop."""
    while True:
        try:
            sent = await asyncio.to_thread(outbox.deliver_due)
        except Exception:
            logger.exception("Outbox delivery failed; retrying shortly")
            sent = 0
        await asyncio.sleep(0 if sent else IDLE_SECONDS)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logger.info("Outbox worker started")
    asyncio.run(run_outbox_loop())


if __name__ == "__main__":
    main()
