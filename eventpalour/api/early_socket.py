"""The event page's websocket, opened by its HTML instead of by its scripts (issue #24 §2).

Reflex opens its socket (`/_event`, one Engine.IO websocket) when the module that holds it,
utils/state.js, is evaluated, and a browser evaluates a module only once the page's whole static
module graph has arrived: on a Fast 3G phone that is ~3 s after the HTML, and the websocket's own
handshake then costs one more round trip (~560 ms) before the page can ask for its state. The small
script written here into the event page's <head> opens the same websocket as soon as the HTML is
parsed, while the scripts download, and hands it over when the app asks for it:

- the URL is the one Reflex computes (getBackendURL in utils/state.js: the build's EVENT endpoint,
  with a same-domain host name replaced by the page's, and on https the scheme upgraded and the port
  dropped), with the session token and Engine.IO's query, and Reflex's version as the subprotocol
  the backend checks;
- the token is the tab's own (`sessionStorage.token`, which Reflex reads first); a first visit gets a
  new one there, which Reflex then uses as if it had made it;
- `window.WebSocket` is wrapped until the hand-over: the first socket Reflex's Engine.IO client
  creates for that URL, token and subprotocol is the open one, with its `open` event and the
  messages that came before the client listened (the server's handshake) replayed to the client's
  handlers; any other socket, or this one once closed, is a plain new WebSocket;
- unclaimed after 15 s (a page whose app failed to load), or when the page is left, it is closed;
  a page opened hidden (a background or prerendered tab) opens none, as Reflex's own warm-up.

The script's text is fixed (its CSP hash is allowed beside the build's, api/security_headers.py);
what varies is in its data attributes. Without a build's env.json (`make dev`) nothing is written.
"""

from __future__ import annotations

import functools
import json
import re
from html import escape
from pathlib import Path

from reflex_base import constants

HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)

SCRIPT = """(() => {
  const me = document.currentScript;
  const Real = window.WebSocket;
  // As Reflex's own warm-up: not for a page nobody looks at yet (a background or prerendered tab).
  if (!me || !Real || !window.crypto || document.visibilityState === "hidden") return;
  const uuid = () => crypto.randomUUID ? crypto.randomUUID() : "10000000-1000-4000-8000-100000000000".replace(
    /[018]/g, (c) => (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16));
  let token;
  try {
    token = sessionStorage.getItem("token");
    if (!token) sessionStorage.setItem("token", (token = uuid()));
  } catch {
    return;
  }
  const url = new URL(me.dataset.url);
  if (["localhost", "0.0.0.0", "::", "0:0:0:0:0:0:0:0"].includes(url.hostname)) {
    url.hostname = location.hostname;
    if (location.protocol === "https:") {
      if (url.protocol === "ws:") url.protocol = "wss:";
      else if (url.protocol === "http:") url.protocol = "https:";
      url.port = "";
    }
  }
  url.pathname = url.pathname.replace(/\\/$/, "") + "/";
  url.search = new URLSearchParams({ token, EIO: "4", transport: "websocket" }).toString();
  const protocol = me.dataset.protocol;
  let early = new Real(url.href, [protocol]);
  early.binaryType = "arraybuffer";
  const before = [];
  const keep = (event) => before.push(event);
  const release = () => {
    early = null;
    clearTimeout(timer);
    removeEventListener("pagehide", drop);
    if (window.WebSocket === Early) window.WebSocket = Real;
  };
  const drop = () => {
    const socket = early;
    release();
    socket?.close();
  };
  const timer = setTimeout(drop, 15000);
  addEventListener("pagehide", drop);
  early.addEventListener("message", keep);
  early.addEventListener("close", () => early && release());
  const same = (target, protocols) => {
    const asked = new URL(target, location.href);
    const named = protocols === undefined ? [] : [].concat(protocols);
    return asked.protocol === url.protocol && asked.host === url.host && asked.pathname === url.pathname &&
      asked.searchParams.get("token") === token && asked.searchParams.get("transport") === "websocket" &&
      named.length === 1 && named[0] === protocol;
  };
  function Early(target, protocols) {
    const socket = early;
    if (!socket || socket.readyState > Real.OPEN || !same(target, protocols)) {
      return protocols === undefined ? new Real(target) : new Real(target, protocols);
    }
    release();
    // The client sets its handlers right after this returns; what it missed is replayed to them.
    queueMicrotask(() => {
      socket.removeEventListener("message", keep);
      if (socket.readyState !== Real.OPEN) return;
      socket.onopen?.(new Event("open"));
      for (const event of before) socket.onmessage?.(event);
    });
    return socket;
  }
  Early.prototype = Real.prototype;
  for (const name of ["CONNECTING", "OPEN", "CLOSING", "CLOSED"]) Early[name] = Real[name];
  window.WebSocket = Early;
})();"""


def web_dir() -> Path:
    """Reflex's .web directory (the build's env.json is there)."""
    from reflex.utils import prerequisites

    return prerequisites.get_web_dir()


@functools.cache
def _event_endpoint(env_json: Path, modified: float) -> str:
    """The EVENT endpoint the build's scripts use; cached per version of the file."""
    del modified  # part of the cache key only: a new build rewrites the file
    try:
        return str(json.loads(env_json.read_text())["EVENT"])
    except (OSError, ValueError, KeyError, TypeError):
        return ""


def event_endpoint() -> str:
    """The websocket endpoint the built pages connect to (`.web/env.json`'s EVENT), or "" without a build."""
    env_json = web_dir() / constants.Dirs.ENV_JSON
    try:
        modified = env_json.stat().st_mtime
    except OSError:
        return ""
    return _event_endpoint(env_json, modified)


def script_tag(endpoint: str) -> bytes:
    """The early socket's <script> for a build whose pages connect to `endpoint`."""
    return (
        f'<script data-url="{escape(endpoint)}" data-protocol="{escape(constants.Reflex.VERSION)}">{SCRIPT}</script>'
    ).encode()


def add_early_socket(html: bytes) -> bytes:
    """`html` with the early socket's script last in its <head>; unchanged without a </head> or a build's
    websocket endpoint.

    Last, because React hydrates the <head> too: it matches the build's inline script (the theme
    switch) with the first <script> it meets there, and a different one first would be a hydration
    error that throws the server's HTML away; a node after all it expects is left alone. The app's
    stylesheet before it does not hold it back: its media matches nothing until the app shows the
    page (api/first_paint.py), and such a sheet blocks no script.
    """
    head_end = HEAD_END.search(html)
    endpoint = event_endpoint()
    if head_end is None or not endpoint:
        return html
    return html[: head_end.start()] + script_tag(endpoint) + html[head_end.start() :]
