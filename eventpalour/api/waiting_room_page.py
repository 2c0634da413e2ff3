"""The waiting room's page (#18): plain HTML with a tiny script, no Reflex, no websocket.

Light on purpose: thousands of browsers sit on it during an on-sale moment, so it is one small
document (the event's title, date and banner, the visitor's place) that polls a JSON endpoint
every few seconds and follows the pass once admitted. The words come from the server in the
visitor's language, so the script only copies them in. Its own Content-Security-Policy allows
exactly its one script and one stylesheet (by hash) and fetches to this origin.
"""

from __future__ import annotations

import base64
import hashlib
import json
from html import escape

from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from eventpalour import routes
from eventpalour.services import events, platform

_STYLE = """
:root{color-scheme:light dark;--bg:#f7f7f8;--card:#fff;--text:#1c1c21;--muted:#55565e;--accent:#5b3cc4;--line:#dcdce2}
@media (prefers-color-scheme:dark){
:root{--bg:#111114;--card:#1c1c21;--text:#ededf0;--muted:#b4b4bd;--accent:#b9a6ff;--line:#34343c}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--text);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:560px;margin:0 auto;padding:24px 16px}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;overflow:hidden}
.card img{display:block;width:100%;aspect-ratio:2/1;object-fit:cover}
.body{padding:20px}
h1{font-size:1.4rem;margin:0 0 4px}
.when{color:var(--muted);margin:0 0 20px}
h2{font-size:1.25rem;margin:0 0 8px;color:var(--accent)}
.detail{margin:0 0 16px}
.notice{border-left:4px solid var(--accent);padding:8px 12px;margin:0 0 16px}
.hint{color:var(--muted);font-size:.9rem;margin:0}
.bar{height:4px;background:var(--line);border-radius:2px;overflow:hidden;margin:0 0 16px}
.bar span{display:block;height:100%;width:30%;background:var(--accent);animation:slide 1.6s ease-in-out infinite}
@keyframes slide{from{transform:translateX(-100%)}to{transform:translateX(340%)}}
@media (prefers-reduced-motion:reduce){.bar span{animation:none;width:100%}}
a{color:var(--accent)}
"""

_SCRIPT = """
(function () {
  var main = document.getElementById("queue");
  var url = main.getAttribute("data-status-url");
  var wait = 5000;
  function show(s) {
    document.getElementById("headline").textContent = s.headline;
    document.getElementById("detail").textContent = s.detail;
  }
  function follow(s) {
    if (!s.has_room) { location.assign(s.event_url); return true; }
    if (s.admitted && s.enter_url) { show(s); location.assign(s.enter_url); return true; }
    if (s.rejoin) { location.reload(); return true; }
    return false;
  }
  function later(ms) { setTimeout(poll, ms * (0.8 + Math.random() * 0.4)); }
  function poll() {
    fetch(url, {credentials: "same-origin", cache: "no-store"})
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
      .then(function (s) { if (!follow(s)) { show(s); wait = s.poll_seconds * 1000; later(wait); } })
      .catch(function () { later(wait * 2); });
  }
  var first = JSON.parse(document.getElementById("queue-status").textContent);
  wait = first.poll_seconds * 1000;
  if (!follow(first)) { later(wait); }
})();
"""


KEEP_OPEN = platform.N_(
    "Keep this page open: it updates by itself. Refreshing it or opening it in another tab keeps your one place."
)


def _digest(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


POLICY = (
    f"default-src 'none'; script-src {_digest(_SCRIPT)}; style-src {_digest(_STYLE)}; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
HEADERS = {"Cache-Control": "no-store", "Content-Security-Policy": POLICY}


def _document(language: str, title: str, content: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="{escape(language)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="color-scheme" content="light dark"><meta name="robots" content="noindex">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>{content}</body></html>"
    )


def queue_page(event: events.PublicEvent, status: BaseModel, *, language: str, notice: str) -> HTMLResponse:
    """The page for one browser's place; `status` is the first answer of its poll (QueueStatusOut)."""
    first = status.model_dump()
    check = platform.gettext(language, "Check my place")
    when = platform.event_schedule(event.start_at, event.end_at, event.timezone, language)
    banner = f'<img src="{escape(event.banner_url)}" alt="">' if event.banner_url else ""
    notice_html = f'<p class="notice" role="alert">{escape(notice)}</p>' if notice else ""
    data = json.dumps(first, ensure_ascii=True).replace("<", "\\u003c")
    content = (
        f'<main id="queue" data-status-url="{escape(routes.queue_status_url(event.short_id))}">'
        f'<div class="card">{banner}<div class="body">'
        f'<h1>{escape(event.title)}</h1><p class="when">{escape(when)}</p>{notice_html}'
        '<section aria-live="polite" aria-atomic="true">'
        f'<h2 id="headline">{escape(first["headline"])}</h2>'
        f'<p class="detail" id="detail">{escape(first["detail"])}</p></section>'
        '<div class="bar" aria-hidden="true"><span></span></div>'
        f'<p class="hint">{escape(platform.gettext(language, KEEP_OPEN))}</p>'
        f'<noscript><p class="hint"><a href="{escape(routes.queue_url(event.short_id))}">'
        f"{escape(check)}</a></p></noscript>"
        "</div></div></main>"
        f'<script type="application/json" id="queue-status">{data}</script><script>{_SCRIPT}</script>'
    )
    title = platform.gettext(language, "Queue") + f" · {event.title} · EventPalour"
    return HTMLResponse(_document(language, title, content), headers=HEADERS)


def unknown_event_page(language: str) -> str:
    """An unknown, draft or hidden event's queue: 404, saying so."""
    text = escape(platform.gettext(language, "Event not found"))
    return _document(language, text, f'<main><h1>{text}</h1><p><a href="/events">EventPalour</a></p></main>')
