"""The separate worker process (`python -m eventpalour.worker`, OUTBOX_WORKER=external): emails
queue while it is stopped and are all delivered once it returns, none twice, even when it is
stopped in the middle of a batch. A real SMTP server (aiosmtpd) counts what arrives."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import func, select

from eventpalour.db import read_only, transaction
from eventpalour.models import OutboxEmail
from eventpalour.services.platform import outbox
from tests.dbsetup import PROJECT_ROOT

WAIT_SECONDS = 60


class Inbox:
    """An SMTP handler that keeps the subject of every message delivered to it."""

    def __init__(self) -> None:
        self.subjects: Counter[str] = Counter()
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's hook name)
        subject = message_from_bytes(envelope.content)["Subject"]
        with self._lock:
            self.subjects[subject] += 1
        return "250 Message accepted"

    def total(self) -> int:
        with self._lock:
            return sum(self.subjects.values())


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def start_worker(smtp_port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(SMTP_HOST="127.0.0.1", SMTP_PORT=str(smtp_port), SMTP_TLS="false", OUTBOX_WORKER="external")
    return subprocess.Popen(
        [sys.executable, "-m", "eventpalour.worker"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def stop(worker: subprocess.Popen) -> None:
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        raise AssertionError("The worker did not stop on SIGTERM") from None
    assert worker.returncode == 0, worker.stderr.read().decode(errors="replace")[-2000:]


def queue(first: int, count: int) -> None:
    with transaction() as session:
        for number in range(first, first + count):
            outbox.enqueue(
                session,
                outbox.EmailMessage(
                    to_email=f"guest{number}@example.com",
                    subject=f"Message {number}",
                    text_body="Hello",
                    html_body=None,
                    kind="test",
                ),
            )


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out waiting for {what}")
        time.sleep(0.1)


def unsent() -> int:
    with read_only() as session:
        return session.exec(select(func.count()).select_from(OutboxEmail).where(OutboxEmail.status != "sent")).one()


def test_emails_queue_while_the_worker_is_away_and_arrive_once(smtp):
    inbox, port = smtp
    queue(0, 40)
    time.sleep(1)
    assert inbox.total() == 0  # nobody is sending: they wait in the outbox

    worker = start_worker(port)
    try:
        wait_for(lambda: inbox.total() >= 5, "the first emails")
        stop(worker)  # most likely mid-batch
    finally:
        if worker.poll() is None:
            worker.kill()
    delivered_before_stop = inbox.total()
    assert delivered_before_stop < 40 or unsent() == 0

    queue(40, 20)  # more arrive while the worker is stopped
    time.sleep(1)
    assert inbox.total() == delivered_before_stop

    worker = start_worker(port)
    try:
        wait_for(lambda: unsent() == 0 and inbox.total() >= 60, "every email")
    finally:
        stop(worker)
    assert inbox.subjects == Counter({f"Message {n}": 1 for n in range(60)})
