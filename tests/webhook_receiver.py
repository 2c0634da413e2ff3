"""A tiny HTTP server on a loopback port that records the webhook deliveries it receives, and answers
with the status codes a test queues (200 once the queue is empty)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: str
    answered: int


@dataclass
class Receiver:
    url: str
    answers: list[int] = field(default_factory=list)  # status codes for the next requests, in order
    received: list[Received] = field(default_factory=list)

    def types(self) -> list[str]:
        return [r.headers.get("EventPalour-Event", "") for r in self.received]


@contextmanager
def webhook_receiver(path: str = "/hooks") -> Iterator[Receiver]:
    lock = threading.Lock()
    receiver = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            with lock:
                status = receiver.answers.pop(0) if receiver.answers else 200
                receiver.received.append(Received(self.path, dict(self.headers.items()), body, status))
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:  # keep test output quiet
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}{path}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
