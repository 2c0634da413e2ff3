"""Drive the app's pages over Reflex's websocket exactly as Chromium does, for many visitors at once.

`record` opens a page in headless Chromium, performs the given steps (clicks, typing, a fake camera)
and keeps every frame the browser sent on the page's `/_event` socket. `PageSocket` replays those
frames for one simulated visitor: a new socket (its own client token, and the visitor's session
cookie when signed in), the recorded hydrate frame, then each step's frames, each step timed until
the frame that shows its outcome on the page arrives (Reflex sends no "done" signal; the browser's
user sees the outcome, so that is what is timed). Values that differ per visitor (a ticket's QR
text) are swapped in the recorded frames, nothing else is written by hand.

Engine.IO v4 over a plain websocket (what Chromium uses here: `upgrades` is empty): the server
opens with `0{...}`, pings with `2` (answered `3`); Socket.IO packets are `40/_event,{auth}` (connect,
which carries Reflex's `hydrate_and_load` event) and `42/_event,["event", ...]`.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp

HYDRATED = '"is_hydrated_rx_state_":true'
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


@dataclass(frozen=True)
class Step:
    """One thing a user does on the page, and the text of the frame that shows it is done."""

    name: str
    act: Callable  # (playwright Page) -> None, run while recording
    done_when: str  # a substring of the server frame that ends the step
    refused_when: tuple[str, ...] = ()  # substrings of a frame that end the step as refused


@dataclass(frozen=True)
class Recording:
    """What Chromium sent for one visit: the socket path, the hydrate frame, each step's frames."""

    socket_path: str  # "/_event/?EIO=4&transport=websocket" (the token is added per visitor)
    connect_frame: str
    steps: tuple[tuple[Step, tuple[str, ...]], ...]
    sent: tuple[str, ...] = ()  # every frame the browser sent, in order


def _event_names(frames: list[str]) -> list[str]:
    """The handler each socket.io event frame called ("42[\"event\",{...name...}]"), for a failure's account."""
    import json

    names = []
    for frame in frames:
        if not frame.startswith("42"):
            names.append(frame[:12])
            continue
        try:
            _, payload = json.loads(frame[frame.index("[") :])  # after "42" and the namespace
            names.append(str(payload.get("name", "?")).rsplit(".", 1)[-1])
        except (ValueError, TypeError, AttributeError):
            names.append(frame[:40])
    return names


def record(
    base_url: str,
    path: str,
    steps: Sequence[Step] = (),
    session_cookie: str | None = None,
    chromium_args: Sequence[str] = (),
    settle_ms: int = 1500,
    ready: Callable | None = None,
) -> Recording:
    """Open `base_url + path` in headless Chromium, wait for `ready(page)` if given, run `steps`,
    return the frames it sent."""
    from playwright.sync_api import sync_playwright

    sent: list[str] = []
    socket_urls: list[str] = []

    def watch(socket: Any) -> None:  # playwright WebSocket
        if "/_event" in socket.url:
            socket_urls.append(socket.url)
            socket.on("framesent", lambda frame: sent.append(frame if isinstance(frame, str) else frame.decode()))

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *chromium_args])
        # Frames are what is recorded: the scanner's offline service worker (which fetches the page's
        # files again to cache them) only competes with the page it would make work offline.
        context = browser.new_context(permissions=["camera"], service_workers="block")
        if session_cookie:
            context.add_cookies([{"name": "ep_session", "value": session_cookie, "url": base_url}])
        page = context.new_page()
        page.on("websocket", watch)
        console: list[str] = []
        page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
        page.goto(base_url + path)
        page.wait_for_function("() => document.querySelector('body') !== null")
        if ready is not None:
            try:
                ready(page)
            except Exception as error:  # say what the page showed instead, to find out why
                shown = page.evaluate("() => document.body.innerText").strip()[:1500]
                offline = page.evaluate("() => Boolean(window.epDoor && window.epDoor.takesScans())")
                raise SystemExit(
                    f"{path} never became ready ({error}).\nThe page showed:\n{shown}\n"
                    f"The offline door takes scans: {offline}\n"
                    f"Its console, last lines:\n"
                    + "\n".join(console[-30:])
                    + f"\nFrames sent: {len(sent)}: "
                    + ", ".join(_event_names(sent))
                ) from error
        _wait_quiet(page, sent, settle_ms)
        recorded: list[tuple[Step, tuple[str, ...]]] = []
        for step in steps:
            before = len(sent)
            step.act(page)
            _wait_quiet(page, sent, settle_ms)
            frames = tuple(f for f in sent[before:] if f.startswith("42/_event,"))
            if not frames:
                raise SystemExit(f"Chromium sent nothing for the step {step.name!r}.")
            recorded.append((step, frames))
        browser.close()
    connects = [f for f in sent if f.startswith("40/_event,")]
    if not socket_urls or not connects:
        raise SystemExit(f"Chromium opened no /_event socket on {path}.")
    parts = urlsplit(socket_urls[0])
    query = "&".join(p for p in parts.query.split("&") if not p.startswith("token="))
    return Recording(f"{parts.path}?{query}", connects[0], tuple(recorded), tuple(sent))


def _wait_quiet(page: Any, sent: list[str], settle_ms: int) -> None:
    """Wait until the browser has sent nothing new for `settle_ms`."""
    seen = -1
    while seen != len(sent):
        seen = len(sent)
        page.wait_for_timeout(settle_ms)


@dataclass
class Timings:
    """Milliseconds per step name, refusals and errors, for many visitors."""

    ms: dict[str, list[float]] = field(default_factory=dict)
    refused: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)

    def add(self, step: str, ms: float) -> None:
        self.ms.setdefault(step, []).append(ms)

    def refuse(self, step: str) -> None:
        self.refused[step] = self.refused.get(step, 0) + 1

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


class StepRefused(Exception):
    """The page showed the step's refusal (e.g. sold out)."""


class PageSocket:
    """One visitor's page: a Reflex websocket, replaying a recording."""

    def __init__(self, client: aiohttp.ClientSession, base_url: str, recording: Recording) -> None:
        self.client, self.base_url, self.recording = client, base_url, recording
        self.frames: asyncio.Queue[str] = asyncio.Queue()
        self.received: list[str] = []  # every frame the server sent, in order
        self.token = ""
        self.socket: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task | None = None

    async def open(
        self,
        session_cookie: str | None = None,
        timeout: float = 60.0,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> float:
        """Connect and hydrate as a new tab (or as the tab of `token`, reconnecting); returns
        milliseconds until the page is hydrated. `self.received` then holds the frames it got."""
        started = time.perf_counter()
        self.token = token or str(uuid.uuid4())
        url = self.base_url.replace("http", "ws", 1) + self.recording.socket_path + f"&token={self.token}"
        headers = {"Origin": self.base_url, **(headers or {})}
        if session_cookie:
            headers["Cookie"] = f"ep_session={session_cookie}"
        self.socket = await self.client.ws_connect(url, headers=headers, timeout=aiohttp.ClientWSTimeout(ws_close=5))
        self._reader = asyncio.create_task(self._read())
        opening = await asyncio.wait_for(self.frames.get(), timeout)
        if not opening.startswith("0"):
            raise ConnectionError(f"unexpected first frame {opening[:80]!r}")
        await self.socket.send_str(self.recording.connect_frame)
        await self._until(HYDRATED, (), timeout)
        return (time.perf_counter() - started) * 1000

    async def step(self, index: int, swap: dict[str, str] | None = None, timeout: float = 60.0) -> float:
        """Send the recorded frames of step `index` (with `swap` applied); milliseconds until done."""
        step, frames = self.recording.steps[index]
        started = time.perf_counter()
        for frame in frames:
            for old, new in (swap or {}).items():
                frame = frame.replace(old, new)
            await self.socket.send_str(frame)
        await self._until(step.done_when, step.refused_when, timeout)
        return (time.perf_counter() - started) * 1000

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()
        if self._reader is not None:
            self._reader.cancel()

    async def _read(self) -> None:
        async for message in self.socket:
            if message.type != aiohttp.WSMsgType.TEXT:
                break
            if message.data == "2":  # Engine.IO ping
                await self.socket.send_str("3")
                continue
            self.received.append(message.data)
            await self.frames.put(message.data)

    async def _until(self, done_when: str, refused_when: Sequence[str], timeout: float) -> None:
        deadline = time.perf_counter() + timeout
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(done_when)
            frame = await asyncio.wait_for(self.frames.get(), remaining)
            if done_when in frame:
                return
            if any(marker in frame for marker in refused_when):
                raise StepRefused(frame[:200])


def percentiles(values: Sequence[float]) -> tuple[float, float, float]:
    """p50, p95, p99 of `values` (ms)."""
    import statistics

    if len(values) < 2:
        return (values[0],) * 3 if values else (float("nan"),) * 3
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def app_rss_mb(pgid: int | None) -> float:
    """Resident memory of every process in the app's process group, in MB (0 when unknown)."""
    from pathlib import Path

    if pgid is None:
        return 0.0
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid:
                total += int(fields[21])
        except (OSError, IndexError, ValueError):
            continue
    import os

    return total * os.sysconf("SC_PAGE_SIZE") / 1e6


def describe(name: str, values: Sequence[float], seconds: float | None = None) -> str:
    p50, p95, p99 = percentiles(values)
    rate = f"{len(values) / seconds:8.1f}/s " if seconds else ""
    return f"{name:<14} {len(values):6d} done {rate} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  p99 {p99:7.1f} ms"


def main() -> None:
    """Print what Chromium sends when it opens a page (to see what the benches replay)."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--url", default="http://localhost:3000", help="the running app")
    parser.add_argument("--path", required=True, help="the page, e.g. /e/AB12CD")
    parser.add_argument("--session", help="an ep_session cookie value, to open the page signed in")
    args = parser.parse_args()
    recording = record(args.url, args.path, session_cookie=args.session)
    print(f"socket {recording.socket_path}")
    for frame in recording.sent:
        print(f"{len(frame):6d} bytes  {frame[:160]}")


if __name__ == "__main__":
    main()
