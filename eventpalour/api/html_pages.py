"""Rewriting the HTML page the app serves, for the middlewares that write into it (api/og.py: an
event's or organizer's tags, 404 and first paint; api/page_titles.py: a parametrised page's title).

The page is asked for whole, uncompressed and as body messages (not granian's send-by-path), since
the edit works on its bytes; its ETag and Last-Modified say nothing about the edit, so conditional
requests are not passed on. Anything that is not a complete, uncompressed 200 HTML page passes
through untouched.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_HEADERS_DROPPED = (b"accept-encoding", b"if-none-match", b"if-modified-since", b"range")
RESPONSE_HEADERS_DROPPED = (b"content-length", b"etag", b"last-modified")
FILE_EXTENSIONS = ("http.response.pathsend", "http.response.zerocopysend")

PageEdit = Callable[[bytes], Awaitable[tuple[bytes, int | None]]]
"""The page's HTML → (the HTML to send, a status to answer with instead of 200, or None)."""


def header(message: Message, name: bytes) -> bytes:
    return next((value for key, value in message.get("headers", []) if key.lower() == name), b"")


def rewritable(start: Message, statuses: tuple[int, ...] = (200,)) -> bool:
    """A complete, uncompressed HTML page answered with one of `statuses`."""
    return (
        start["status"] in statuses
        and header(start, b"content-type").startswith(b"text/html")
        and not header(start, b"content-encoding")
    )


async def serve_edited(
    app: ASGIApp, scope: Scope, receive: Receive, send: Send, edit: PageEdit, statuses: tuple[int, ...] = (200,)
) -> bool:
    """Serve the request through `app` with its HTML page passed through `edit` when answered with one of
    `statuses`; True when a page was edited and sent (so a caller may do what follows a sent page),
    False when it passed through."""
    headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() not in REQUEST_HEADERS_DROPPED]
    extensions = {k: v for k, v in scope.get("extensions", {}).items() if k not in FILE_EXTENSIONS}
    scope = {**scope, "headers": headers, "extensions": extensions}
    start: Message | None = None
    chunks: list[bytes] = []
    edited = False

    async def rewrite(message: Message) -> None:
        nonlocal start, edited
        if message["type"] == "http.response.start" and rewritable(message, statuses):
            start = message
            return
        if start is None:
            await send(message)
            return
        if message["type"] != "http.response.body":  # nothing to rewrite in: send the page as it is
            await send(start)
            start = None
            await send(message)
            return
        chunks.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        body, status = await edit(b"".join(chunks))
        kept = [(k, v) for k, v in start["headers"] if k.lower() not in RESPONSE_HEADERS_DROPPED]
        await send(
            {
                **start,
                "status": status or start["status"],
                "headers": [*kept, (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})
        edited = True

    await app(scope, receive, rewrite)
    return edited
