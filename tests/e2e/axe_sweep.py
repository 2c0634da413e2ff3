"""axe-core on every page the browser suite visits (issue #24 §13): each page a test opens through
`new_page` is checked once per route template, colour scheme and width (phone or desktop) over the
whole run, and the test that first reached it fails on a serious or critical violation of a WCAG 2.x
A/AA rule (tests/e2e/test_accessibility.py walks the pages no other test reaches, in dark mode on a
phone too).

How a page is checked without slowing the tests or racing them:
- A small script in every page (WATCH) waits until the page has settled: its DOM quiet for
  QUIET_MS, no finite animation running (a dialog fading in measures as too faint), no select or
  menu open (the page behind it is aria-hidden meanwhile), loaded, and the event page's static
  first-paint copy gone. It then asks the test process (`__axeClaim`) whether
  this route template, scheme and width still needs a check. Only the first ask gets a yes, and only
  then is axe (650 KB, node_modules/axe-core) put into the page, through CDP, which the page's
  Content-Security-Policy does not govern.
- axe runs in the page while the test goes on. If the DOM changed during the run (the test clicked,
  the route changed), the result is thrown away and the check waits for the next quiet moment.
- When a test ends, its open pages whose view is still unchecked are given FLUSH_MS in all to settle
  and be checked, so the page a test ends on is covered too.

The sweep times itself: the summary at the end of the run prints the checks made and their time.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import BrowserContext, Error, Frame, Page

from eventpalour import routes

PROJECT_ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 AA is what we promise: axe tags each rule with the level (and version) it comes from.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = ("serious", "critical")
# preload false: axe would otherwise fetch the page's stylesheets itself (for css-orientation-lock),
# which a page's connect-src refuses for a CDN's (the API docs'): a check must not change what the page
# does. That one rule then reports "incomplete", never a violation.
AXE_OPTIONS = json.dumps(
    {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"], "preload": False}
)
PHONE_MAX_WIDTH = 767  # narrower than this is "phone" (the 390 px tests), wider "desktop"
QUIET_MS = 500
FLUSH_MS = 2500

# Runs before the page's own scripts, in the top frame of every page of an instrumented context.
WATCH = """
(() => {
  if (window.top !== window || typeof window.__axeClaim !== "function") return;
  const QUIET_MS = %(quiet)d;
  let lastChange = performance.now(), changes = 0, running = null, timer = null, lastAsked = "";
  const changed = () => { lastChange = performance.now(); changes += 1; schedule(QUIET_MS); };
  new MutationObserver(changed).observe(
    document, {subtree: true, childList: true, attributes: true, characterData: true});
  const finiteAnimation = () => document.getAnimations().some(
    (a) => a.playState === "running" && a.effect && a.effect.getComputedTiming().iterations !== Infinity);
  // A toast fading in or out without an animation this page can see (sonner fades its content by a
  // CSS rule keyed on the toaster's hover): its text measures as too faint while it is part opaque.
  const toastFading = () => Array.from(document.querySelectorAll("[data-sonner-toast], [data-sonner-toast] > *"))
    .some((el) => { const opacity = parseFloat(getComputedStyle(el).opacity); return opacity > 0 && opacity < 1; });
  // An open select or menu: Radix marks the rest of the page aria-hidden (focus stays in the list)
  // while it is open, which axe reads as hidden focusable content. Checked once it closes.
  const listOpen = () => document.querySelector("[role=listbox], [role=menu]") !== null;
  const settled = () => document.readyState === "complete" && document.body
    && !document.getElementById("ep-first-paint") && !listOpen()
    && performance.now() - lastChange >= QUIET_MS && !finiteAnimation() && !toastFading();
  const view = %(view)s;
  function schedule(delay) { clearTimeout(timer); timer = setTimeout(tick, delay); }
  async function check() {
    const here = view();
    const asked = `${here.path} ${here.scheme} ${here.width}`;
    if (asked === lastAsked) return;
    lastAsked = asked;
    if (!(await window.__axeClaim(here))) return;
    const before = changes, started = performance.now();
    const result = await (%(exclusive)s)(() => window.axe.run(document, %(options)s));
    const steady = changes === before && location.pathname === here.path && !finiteAnimation() && !toastFading()
      && !listOpen();
    const found = (%(summarize)s)(result.violations, %(impacts)s);
    await window.__axeReport(here, steady ? found : null, performance.now() - started);
    if (!steady) { lastAsked = ""; schedule(QUIET_MS); }
  }
  function tick() {
    if (running) return running;
    if (!settled()) { schedule(150); return null; }
    running = check().catch(() => { lastAsked = ""; }).finally(() => { running = null; });
    return running;
  }
  // The test process, when its test ends: settle and check within `ms`, then resolve.
  window.__axeFlush = async (ms) => {
    const end = performance.now() + ms;
    while (performance.now() < end) {
      if (running) { await running; continue; }
      if (settled()) { await tick(); return true; }
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  };
  addEventListener("load", () => schedule(QUIET_MS));
})();
"""

# axe refuses a run while another is going in the same page ("Axe is already running"): the page's own
# check (WATCH) and a test's check of a state within the page (a dialog open) take turns.
EXCLUSIVE = """async (run) => {
  while (window.__axeBusy) await new Promise((resolve) => setTimeout(resolve, 50));
  window.__axeBusy = true;
  try { return await run(); } finally { window.__axeBusy = false; }
}"""

# What decides whether a page needs a check: its path, colour scheme and width.
VIEW = """() => ({
  // a page of ours: not about:blank, nor a JSON answer (/api/health) the browser shows as text
  web: (location.protocol === "http:" || location.protocol === "https:") && document.contentType === "text/html",
  path: location.pathname,
  scheme: document.documentElement.classList.contains("dark") ? "dark" : "light",
  width: window.innerWidth,
})"""
# Animations that end (a dialog fading in), not those that loop (spinners, skeletons).
ANIMATIONS_DONE = """() => document.getAnimations().every(
  (a) => a.playState !== "running" || a.effect.getComputedTiming().iterations === Infinity
)"""
# axe's violations of the blocking impacts, each with its first five elements and why they fail.
SUMMARIZE = """(violations, impacts) => violations
  .filter((v) => impacts.includes(v.impact))
  .map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(" ")}: ${n.failureSummary.replace(/\\s+/g, " ")}`),
    more: Math.max(0, v.nodes.length - 5),
  }))"""
RUN_AXE = (
    "async (impacts) => {\n"
    f"  const result = await ({EXCLUSIVE})(() => window.axe.run(document, {AXE_OPTIONS}));\n"
    f"  return ({SUMMARIZE})(result.violations, impacts);\n"
    "}"
)

_ROUTE_TEMPLATES = sorted(
    {
        value
        for name, value in vars(routes).items()
        if name.isupper() and isinstance(value, str) and value.startswith("/")
        if not value.startswith("/api") and "." not in value
    },
    # The most literal segments first: /workspace/[id]/events/new before /workspace/[id]/events/[short_id].
    key=lambda template: -sum(not part.startswith("[") for part in template.split("/")),
)


def _template_pattern(template: str) -> re.Pattern[str]:
    parts = [r"[^/]+" if part.startswith("[") else re.escape(part) for part in template.strip("/").split("/")]
    return re.compile("^/" + "/".join(parts) + "/?$")


_PATTERNS = [(template, _template_pattern(template)) for template in _ROUTE_TEMPLATES]


def route_template(path: str) -> str:
    """The app route a path is a page of (`/e/ab12cd` → `/e/[short_id]`); unknown paths show the 404 page.
    Pages the API serves itself (its docs) are their own path."""
    if path in ("", "/"):
        return routes.HOME
    if path.startswith("/api/"):
        return path
    for template, pattern in _PATTERNS:
        if pattern.match(path):
            return template
    return routes.NOT_FOUND


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']}")
        lines.extend(f"      {node}" for node in v["nodes"])
        if v["more"]:
            lines.append(f"      … and {v['more']} more")
    return "\n".join(lines)


@dataclass
class AxeSweep:
    """Which page views (route template, scheme, width) have been checked in this run, by which test,
    and what axe found, per test."""

    current_test: str = ""
    claimed: dict[tuple[str, str, str], str] = field(default_factory=dict)
    checked: dict[tuple[str, str, str], str] = field(default_factory=dict)
    found: dict[str, list[str]] = field(default_factory=dict)
    axe_seconds: float = 0.0  # axe.run in the pages (discarded runs included)
    inject_seconds: float = 0.0  # putting axe into pages
    flush_seconds: float = 0.0  # test ends waiting for their last page to settle and be checked
    unsettled: dict[tuple[str, str, str], int] = field(default_factory=dict)  # flushes that ran out of time
    _axe_source: str = ""

    @staticmethod
    def key(view: dict) -> tuple[str, str, str]:
        width = "phone" if int(view["width"]) <= PHONE_MAX_WIDTH else "desktop"
        return route_template(view["path"]), view["scheme"], width

    def instrument(self, context: BrowserContext) -> None:
        """Check the pages of `context` (its bindings and the watching script; axe itself on demand)."""
        context.expose_binding("__axeClaim", self._claim)
        context.expose_binding("__axeReport", self._report)
        context.add_init_script(
            WATCH
            % {
                "quiet": QUIET_MS,
                "options": AXE_OPTIONS,
                "exclusive": EXCLUSIVE,
                "impacts": list(BLOCKING_IMPACTS),
                "summarize": SUMMARIZE,
                "view": VIEW,
            },
        )

    def _claim(self, source: dict, view: dict) -> bool:
        key = self.key(view)
        if not view["web"] or key in self.checked or key in self.claimed or not self.current_test:
            return False
        self.put_axe_in(source["frame"])
        self.claimed[key] = self.current_test
        return True

    def put_axe_in(self, frame: Frame) -> None:
        """axe-core into `frame`, through CDP (not a <script>, which the page's CSP would refuse)."""
        started = time.monotonic()
        if not frame.evaluate("() => typeof window.axe === 'object'"):
            if not self._axe_source:
                assert AXE_SCRIPT.is_file(), f"{AXE_SCRIPT} is missing: run scripts/setup.sh (npm install)"
                self._axe_source = AXE_SCRIPT.read_text()
            frame.evaluate(self._axe_source)
        self.inject_seconds += time.monotonic() - started

    def violations_now(self, page: Page) -> list[dict]:
        """axe's serious and critical findings on `page` as it is now, once its finite animations end,
        whether or not its view was checked: for states within a page (a tab, an open dialog)."""
        page.wait_for_function(ANIMATIONS_DONE)
        self.put_axe_in(page.main_frame)
        started = time.monotonic()
        try:
            return page.evaluate(RUN_AXE, list(BLOCKING_IMPACTS))
        finally:
            self.axe_seconds += time.monotonic() - started

    def _report(self, source: dict, view: dict, violations: list[dict] | None, run_ms: float) -> None:
        key = self.key(view)
        test = self.claimed.pop(key, self.current_test)
        self.axe_seconds += run_ms / 1000
        if violations is None:  # the page changed while axe ran: checked again when it settles
            return
        self.checked[key] = test
        if violations:
            where = f"{key[0]} ({key[1]}, {key[2]}) at {source['frame'].url}"
            self.found.setdefault(test, []).append(f"{where}:\n{describe(violations)}")

    def check_view(self, page: Page) -> None:
        """Check `page` now, once its finite animations end, if its view has not been: for a walk that
        has already waited for the page's content (no waiting for a quiet DOM)."""
        view = page.evaluate(VIEW)
        key = self.key(view)
        if not view["web"] or key in self.checked or key in self.claimed:
            return
        self.claimed[key] = self.current_test
        try:
            violations = self.violations_now(page)
        finally:
            self.claimed.pop(key, None)
        self.checked[key] = self.current_test
        if violations:
            self.found.setdefault(self.current_test, []).append(
                f"{key[0]} ({key[1]}, {key[2]}) at {page.url}:\n{describe(violations)}"
            )

    def flush(self, page: Page, ms: int = FLUSH_MS) -> None:
        """Let `page` settle and be checked, within `ms`, if its view has not been (the view a test ends on)."""
        if page.is_closed() or ms <= 0:
            return
        started = time.monotonic()
        try:
            view = page.evaluate(f"() => typeof window.__axeFlush === 'function' ? ({VIEW})() : null")
            if view and view["web"] and self.key(view) not in self.checked:
                if not page.evaluate("(ms) => window.__axeFlush(ms)", ms):
                    self.unsettled[self.key(view)] = self.unsettled.get(self.key(view), 0) + 1
        except Error:
            return  # the page navigated away or closed meanwhile: nothing to check on it now
        finally:
            self.flush_seconds += time.monotonic() - started

    def release_unfinished(self) -> None:
        """Claims whose check never reported (the page closed mid-run) go back for a later test."""
        self.claimed.clear()

    def failures_of(self, test: str) -> list[str]:
        return self.found.pop(test, [])

    def summary(self) -> str:
        return (
            f"axe sweep: {len(self.checked)} page views checked (route template × scheme × width): "
            f"axe ran {self.axe_seconds:.1f} s in the pages, {self.inject_seconds:.1f} s putting it in; "
            f"test ends waited {self.flush_seconds:.1f} s for their last page to settle and be checked"
            + (f"; never settled in time at a test's end: {self.unsettled}" if self.unsettled else "")
        )
