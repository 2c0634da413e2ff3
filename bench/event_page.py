"""The event page in headless Chromium: time until the ticket tiers are visible, and the JavaScript
sent for it (target: tiers visible ≤ 1.5 s, JavaScript ≤ 450 KB gzip).

Usage (against a running production app, e.g. `make run` or the one `make bench` starts):
    python bench/event_page.py --url http://localhost:3000 --short-id AB12CD [--runs 10] [--throttle fast3g]

Without --short-id the first event listed on /events is used (the seeded demo data).
Each run opens a fresh browser context (cold cache, like a first visit from a shared link); the
median and worst of the runs are printed. JavaScript size is the bytes on the wire of every script
response (what the server sent, compressed or not) and, for comparison, the gzip -6 size of each body.

Two more figures, timed inside the page from the start of navigation (issue #24 §2):
- content: the first frame in which the event's title (an h1) and a ticket price are on screen, i.e.
  readable (the server's static copy or the app's own page, whichever comes first);
- interactive: the first frame in which a tier's "One more …" button can be pressed (shown, enabled,
  and the static copy gone from over it): the visitor can pick a quantity.

--throttle fast3g emulates Lighthouse's "Slow 4G"/DevTools "Fast 3G" preset through CDP
`Network.emulateNetworkConditions`: 150 ms RTT applied as 562.5 ms request latency (× 3.75, as
Lighthouse does for DevTools throttling), 1.6 Mbit/s down and 750 kbit/s up, each × 0.9; the browser
cache disabled. Targets there: content ≤ 1.5 s, interactive ≤ 3.5 s.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
# Lighthouse's constants (core/config/constants.js): DevTools throttling multiplies the RTT by 3.75
# and the throughputs by 0.9. CDP takes bytes per second.
FAST_3G = {
    "offline": False,
    "latency": 150 * 3.75,
    "downloadThroughput": 1.6 * 1024 * 1024 / 8 * 0.9,
    "uploadThroughput": 750 * 1024 / 8 * 0.9,
}
# Runs in every page before its own scripts: each animation frame (rAF callbacks run just before
# the frame is painted, and not at all while a stylesheet still blocks rendering) notes the first
# time the content and a pickable tier are on screen.
WATCH = """
(() => {
  const marks = (window.__eventPageMarks = {});
  const shown = (el) => !!el && el.checkVisibility() && el.getBoundingClientRect().height > 0;
  const price = /(Free|[A-Z]{3} [0-9][0-9,]*\\.[0-9]{2})/;
  const frame = () => {
    const now = performance.now();
    if (marks.content === undefined) {
      const title = [...document.querySelectorAll("h1")].find((h) => shown(h) && h.textContent.trim());
      const prices = [...document.querySelectorAll("h2 ~ *, [data-testid=tier]")].some(
        (el) => shown(el) && price.test(el.textContent)
      );
      if (title && prices) marks.content = now;
    }
    if (marks.interactive === undefined) {
      // Not while the server's static copy (api/first_paint.py) still lies over the page.
      const covered = document.getElementById("ep-first-paint");
      const more = [...document.querySelectorAll("button[aria-label^='One more ']")];
      if (!covered && more.some((b) => !b.disabled && shown(b))) marks.interactive = now;
    }
    if (marks.content === undefined || marks.interactive === undefined) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})();
"""


def first_event(page: Page, base_url: str) -> str:
    page.goto(base_url + "/events")
    link = page.locator("a[href^='/e/']").first
    link.wait_for(timeout=30_000)
    return link.get_attribute("href").rstrip("/").rsplit("/", 1)[-1]


def measure(browser: Browser, url: str, throttle: dict | None = None) -> tuple[float, int, int, float, float]:
    """Seconds until the first tier is visible; script bytes on the wire; their gzip size; seconds
    (from the start of navigation) until the content is on screen, and until a tier can be picked."""
    # A local https:// server (HTTP/2, as behind Caddy) has its own self-signed certificate.
    context = browser.new_context(viewport={"width": 390, "height": 844}, ignore_https_errors=True)
    context.add_init_script(WATCH)
    page = context.new_page()
    if throttle:
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Network.emulateNetworkConditions", throttle)
    scripts = []
    page.on("response", lambda r: scripts.append(r) if r.request.resource_type == "script" else None)
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.get_by_test_id("tier").first.wait_for(state="visible", timeout=60_000)
    visible = time.perf_counter() - started
    marks = page.wait_for_function(
        "() => { const m = window.__eventPageMarks;"
        " return m && m.content !== undefined && m.interactive !== undefined && m; }",
        timeout=60_000,
    ).json_value()
    page.wait_for_load_state("networkidle")
    wire = gzipped = 0
    for response in scripts:
        body = response.body()
        wire += response.request.sizes()["responseBodySize"] or len(body)
        gzipped += len(gzip.compress(body, compresslevel=6))
    context.close()
    return visible, wire, gzipped, marks["content"] / 1000, marks["interactive"] / 1000


def _figure(name: str, seconds: list[float]) -> str:
    ordered = sorted(seconds)
    return f"{name}: median {statistics.median(ordered) * 1000:.0f} ms, worst {ordered[-1] * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://localhost:3000")
    parser.add_argument("--short-id", default="")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--throttle", choices=["none", "fast3g"], default="none")
    args = parser.parse_args()
    throttle = FAST_3G if args.throttle == "fast3g" else None

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        base = args.url.rstrip("/")
        short_id = args.short_id or first_event(browser.new_page(), base)
        url = f"{base}/e/{short_id}"
        measure(browser, url)  # the server's first render of the page is not a visitor's experience
        runs = [measure(browser, url, throttle) for _ in range(args.runs)]
        browser.close()
    wire, gzipped = runs[-1][1], runs[-1][2]
    network = "Fast 3G (562.5 ms latency, 1.44 Mbit/s down, 675 kbit/s up)" if throttle else "unthrottled"
    print(f"event page {url}  runs: {args.runs}  network: {network}")
    print(_figure("tiers visible", [r[0] for r in runs]))
    print(_figure("content on screen", [r[3] for r in runs]))
    print(_figure("tier pickable", [r[4] for r in runs]))
    print(f"javascript: {wire / 1024:.0f} KB on the wire, {gzipped / 1024:.0f} KB gzip")


if __name__ == "__main__":
    main()
