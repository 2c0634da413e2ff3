"""Door scans through the scanner page's `scan_qr` handler, as Chromium sends them (#18 target 3:
16 scanner pages scanning distinct tickets, >= 600 scans/s, p99 <= 100 ms). With `--offline-upload`,
instead: one door device's queue of offline check-ins (#21: 5,000 of them, target <= 10 s) uploaded
over HTTP exactly as assets/door/door.js sends it (POST /api/events/{id}/door/scans, 500 a request).

Usage (against a running production app, e.g. the one `make bench` starts; the bench writes its
own event, tickets and door staff into the app's database and shares the app's SECRET_KEY):
    DATABASE_URL=postgresql+psycopg://... python bench/door.py --url http://localhost:3700 \
        --tickets 5000 --devices 16 [--app-pgid <pgid>]
    DATABASE_URL=... python bench/door.py --url http://localhost:3700 --tickets 5000 --offline-upload

Chromium, signed in as a door member, opens /scan/{short_id} with a fake camera that films the
first ticket's QR code (a .y4m video made from the ticket's QR image), so the scanner component
decodes it and calls `scan_qr` exactly as on a phone; the frames it sends are kept. Each simulated
device then opens the scanner page with its own door member's session and replays the scan frame
with each of its tickets' QR text swapped in, one after the other, each timed until the page's
result box changes. One scan in ten repeats an earlier ticket (someone trying twice), as in
bench/scan.py, so both "admitted" and "already used" are timed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from checkout import Buyer, app_cpu_seconds, open_sessions
from page_socket import PageSocket, Recording, Step, Timings, describe, record
from scan import _plan, _setup

from eventpalour.models.order import TicketStatus

RUN_LETTERS = "abcdefghjkmnpqrstuvwxyz"  # lowercase of the ticket code alphabet's letters


def camera_video(token: str, path: Path) -> None:
    """A few seconds of a still QR code as YUV4MPEG2 (what Chromium's fake camera plays)."""
    from io import BytesIO

    from PIL import Image

    from eventpalour.services import tickets

    width, height = 640, 480
    qr = Image.open(BytesIO(tickets.qr_png(token, box_size=6))).convert("L")
    side = min(height - 40, qr.width)
    frame = Image.new("L", (width, height), 255)
    frame.paste(qr.resize((side, side)), ((width - side) // 2, (height - side) // 2))
    luma = frame.tobytes()
    chroma = bytes([128]) * (width // 2 * height // 2)
    with path.open("wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(30):
            video.write(b"FRAME\n" + luma + chroma + chroma)


async def scan_all(
    url: str, recording: Recording, first_token: str, devices: Sequence[Buyer], plans: Sequence[Sequence[str]]
) -> tuple[Timings, Counter, float]:
    timings, results = Timings(), Counter()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as client:

        async def device(staff: Buyer, plan: Sequence[str]) -> None:
            page = PageSocket(client, url, recording)
            try:
                await page.open(session_cookie=staff.token)
                for token in plan:
                    timings.add("scan", await page.step(0, swap={first_token: token}))
                    results["scanned"] += 1
            except (TimeoutError, ConnectionError, aiohttp.ClientError) as exc:
                timings.error(type(exc).__name__)
            finally:
                await page.close()

        started = time.perf_counter()
        await asyncio.gather(*(device(staff, plan) for staff, plan in zip(devices, plans, strict=True)))
        return timings, results, time.perf_counter() - started


def door_results(ticket_ids: list[str]) -> Counter:
    """What the door recorded for the bench's tickets, read from the database."""
    from sqlalchemy import func, select

    from eventpalour.db import read_only
    from eventpalour.models import Ticket

    with read_only() as session:
        rows = session.execute(
            select(Ticket.status, func.count()).where(Ticket.id.in_(ticket_ids)).group_by(Ticket.status)
        ).all()
    return Counter({str(status): count for status, count in rows})


UPLOAD_CHUNK = 500  # what assets/door/door.js sends per request


def offline_upload(url: str, event_ref: str, staff: Buyer, ticket_ids: Sequence[str]) -> tuple[float, Counter]:
    """Upload one device's queue (each ticket let in once, a minute apart in the past) as the device
    does, chunk after chunk; returns the seconds from the first request to the last answer, and the
    server's outcomes."""
    from datetime import timedelta

    import httpx

    from eventpalour.cookies import SESSION_COOKIE
    from eventpalour.models.types import utcnow

    start = utcnow() - timedelta(seconds=len(ticket_ids) + 60)
    queue = [
        {
            "sequence": n + 1,
            "ticketId": ticket_id,
            "scannedAt": (start + timedelta(seconds=n)).isoformat(),
            "result": "ok",
        }
        for n, ticket_id in enumerate(ticket_ids)
    ]
    device = "bench-" + "".join(random.choices(RUN_LETTERS, k=10))
    outcomes: Counter = Counter()
    with httpx.Client(base_url=url, cookies={SESSION_COOKIE: staff.token}, timeout=120) as client:
        started = time.perf_counter()
        for first in range(0, len(queue), UPLOAD_CHUNK):
            answer = client.post(
                f"/api/events/{event_ref}/door/scans",
                json={"deviceId": device, "scans": queue[first : first + UPLOAD_CHUNK]},
            )
            answer.raise_for_status()
            outcomes.update(applied["outcome"] for applied in answer.json())
        return time.perf_counter() - started, outcomes


def offline_upload_main(args: argparse.Namespace) -> int:
    run = "".join(random.choices(RUN_LETTERS, k=5))
    setup = _setup(args.tickets, 1, run=run)
    [staff] = open_sessions([person.id for person in setup["staff"]])
    cpu = app_cpu_seconds(args.app_pgid)
    seconds, outcomes = offline_upload(args.url, setup["event_id"], staff, setup["ticket_ids"])
    cpu = app_cpu_seconds(args.app_pgid) - cpu
    print(f"url: {args.url}  offline check-ins: {len(setup['ticket_ids'])}  chunk: {UPLOAD_CHUNK}")
    print(f"upload         {seconds:8.2f} s in all (target <= 10 s), {len(setup['ticket_ids']) / seconds:8.0f} per s")
    if cpu:
        print(f"app CPU        {cpu:8.2f} s")
    statuses = door_results(setup["ticket_ids"])
    print(f"outcomes       {dict(outcomes)}  tickets now {dict(statuses)}")
    return 1 if outcomes.get("admitted", 0) != len(setup["ticket_ids"]) or seconds > 10 else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://localhost:3000")
    parser.add_argument("--tickets", type=int, default=5000)
    parser.add_argument("--devices", type=int, default=16)
    parser.add_argument("--app-pgid", type=int)
    parser.add_argument("--offline-upload", action="store_true", help="time one device's offline queue upload")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("Set DATABASE_URL to the running app's database (PostgreSQL for figures).")
    if args.offline_upload:
        return offline_upload_main(args)

    run = "".join(random.choices(RUN_LETTERS, k=5))
    setup = _setup(args.tickets, args.devices + 1, run=run)
    staff = open_sessions([person.id for person in setup["staff"]])
    recorder, devices = staff[0], staff[1:]
    tokens = setup["tokens"]
    with tempfile.TemporaryDirectory() as folder:
        video = Path(folder) / "qr.y4m"
        camera_video(tokens[0], video)
        # The fake camera films the first ticket's code and the page reads it on its own, as soon as
        # the camera starts: wait for the page's result, then take the scan_qr frame it sent.
        recording = record(
            args.url,
            f"/scan/{setup['event_id']}",
            session_cookie=recorder.token,
            chromium_args=[
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={video}",
            ],
            ready=lambda page: page.get_by_role("heading", name="Checked in").wait_for(timeout=60_000),
        )
    scan_frames = [f for f in recording.sent if ".scan_qr" in f]
    if not scan_frames:
        raise SystemExit("Chromium's scanner sent no scan_qr frame: did the fake camera's QR decode?")
    scan = Step("scan", act=lambda page: None, done_when="last_scan_rx_state_")
    recording = Recording(recording.socket_path, recording.connect_frame, ((scan, (scan_frames[0],)),))
    plan = _plan(tokens[1:])
    plans = [plan[i :: len(devices)] for i in range(len(devices))]
    cpu = app_cpu_seconds(args.app_pgid)
    timings, _, seconds = asyncio.run(scan_all(args.url, recording, tokens[0], devices, plans))
    cpu = app_cpu_seconds(args.app_pgid) - cpu

    scans = timings.ms.get("scan", [])
    print(f"url: {args.url}  tickets: {args.tickets}  devices: {len(devices)}")
    print(describe("scans", scans, seconds))
    if cpu and scans:
        print(f"app CPU        {1000 * cpu / len(scans):8.2f} ms per scan")
    if timings.errors:
        print(f"errors         {timings.errors}")
    statuses = door_results(setup["ticket_ids"])
    print(f"tickets now    {dict(statuses)} (every ticket scanned once is used)")
    return 1 if timings.errors or statuses.get(TicketStatus.USED, 0) != len(tokens) else 0


if __name__ == "__main__":
    raise SystemExit(main())
