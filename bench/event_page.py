"""The event page in headless Chromium: time until the ticket tiers are visible, and the JavaScript
sent for it (target: tiers visible ≤ 1.5 s, JavaScript ≤ 450 KB gzip).

Usage (against a running production app, e.g. `make run` or the one `make bench` starts):
    python bench/event_page.py --url http://localhost:3000 --short-id AB12CD [--runs 10]

Without --short-id the first event listed on /events is used (the seeded demo data).
Each run opens a fresh browser context (cold cache, like a first visit from a shared link); the
median and worst of the runs are printed. JavaScript size is the bytes on the wire of every script
response (what the server sent, compressed or not) and, for comparison, the gzip -6 size of each body.
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


def first_event(page: Page, base_url: str) -> str:
    page.goto(base_url + "/events")
    link = page.locator("a[href^='/e/']").first
    link.wait_for(timeout=30_000)
    return link.get_attribute("href").rstrip("/").rsplit("/", 1)[-1]


def measure(browser: Browser, url: str) -> tuple[float, int, int]:
    """Seconds until the first tier is visible; script bytes on the wire; their gzip size."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    scripts = []
    page.on("response", lambda r: scripts.append(r) if r.request.resource_type == "script" else None)
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.get_by_test_id("tier").first.wait_for(state="visible", timeout=30_000)
    visible = time.perf_counter() - started
    page.wait_for_load_state("networkidle")
    wire = gzipped = 0
    for response in scripts:
        body = response.body()
        wire += response.request.sizes()["responseBodySize"] or len(body)
        gzipped += len(gzip.compress(body, compresslevel=6))
    context.close()
    return visible, wire, gzipped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://localhost:3000")
    parser.add_argument("--short-id", default="")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        base = args.url.rstrip("/")
        short_id = args.short_id or first_event(browser.new_page(), base)
        url = f"{base}/e/{short_id}"
        measure(browser, url)  # the server's first render of the page is not a visitor's experience
        runs = [measure(browser, url) for _ in range(args.runs)]
        browser.close()
    times = sorted(r[0] for r in runs)
    wire, gzipped = runs[-1][1], runs[-1][2]
    print(f"event page {url}  runs: {args.runs}")
    print(f"tiers visible: median {statistics.median(times) * 1000:.0f} ms, worst {times[-1] * 1000:.0f} ms")
    print(f"javascript: {wire / 1024:.0f} KB on the wire, {gzipped / 1024:.0f} KB gzip")


if __name__ == "__main__":
    main()
