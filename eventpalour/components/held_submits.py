"""Forms submitted before the app has taken over the page are held, then sent once it has.

A production page arrives as server-rendered HTML with its forms in it, and the app's script takes
them over a moment later (much later on a slow phone). A tap on a submit button in between is handled
by the browser itself: a GET of the same address with every field in the query string (a password
among them on the sign-in page, into the history and the access log) and the page reloaded empty. A
script in every page's head catches such a submit first, holds the form, and the app wrap below
submits it again through the app once the page has hydrated, so the tap counts and nothing leaks.
"""

from __future__ import annotations

import reflex as rx

# Inline, in <head>, so it runs before any form can be submitted; the build's inline scripts are
# allowed by hash (api/security_headers.py reads them from the compiled pages).
HOLD_EARLY_SUBMITS = """(function () {
  var held = null;
  window.addEventListener("submit", function (event) {
    if (window.__epReady) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    held = { form: event.target, submitter: event.submitter };
  }, true);
  window.__epFormsReady = function () {
    window.__epReady = true;
    var early = held;
    held = null;
    if (!early || !early.form.isConnected) return;
    if (!early.form.requestSubmit) {  // Safari before 16: a plain submit event, which React handles
      early.form.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
      return;
    }
    var by = early.submitter && early.submitter.isConnected ? early.submitter : undefined;
    early.form.requestSubmit(by);
  };
})();"""


class HeldSubmits(rx.Component):
    """Wraps held_submits.jsx (next to this file): renders its children, releases held forms on mount."""

    library = rx.asset("held_submits.jsx", shared=True).importable_path
    tag = "HeldSubmits"


def hold_early_submits() -> rx.Component:
    """The head script (`rx.App(head_components=...)`): a plain element, in the HTML itself (rx.script
    would add it through Helmet, after the app has loaded, too late for its job)."""
    return rx.el.script(HOLD_EARLY_SUBMITS)


def held_submits(stateful: bool) -> rx.Component:
    """The app wrap (`rx.App(extra_app_wraps=...)`)."""
    return HeldSubmits.create()
