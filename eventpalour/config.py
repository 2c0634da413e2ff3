"""Every setting of the app, read once from the environment with safe development defaults.

One object (`settings`) so that a setting is looked up in one place; tests may replace attributes
on it. Production (`APP_ENV=production`) refuses to start with the development secret key or
without real Paystack and Google keys: the built-in sandboxes let anyone sign in as anyone and mark
orders paid, so they exist only in development (and, for benchmarks, behind an explicit opt-in).
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-only-secret-key-change-me"
SUPPORTED_CURRENCIES = ("KES", "USD", "NGN", "GHS", "ZAR")
PROVIDER_KEYS = ("PAYSTACK_SECRET_KEY", "PAYSTACK_PUBLIC_KEY", "GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET")
SANDBOX_OPT_IN = "ALLOW_SANDBOXES_IN_PRODUCTION"
SMS_PROVIDERS = ("sandbox", "africastalking")
DEFAULT_PLATFORM_NAME = "EventPalour"
DEFAULT_SUPPORT_EMAIL = "support@eventpalour.demo"
DEFAULT_LEGAL_ENTITY = "EventPalour Ltd"


class ConfigurationError(RuntimeError):
    """A setting is missing or unsafe for the chosen environment."""


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _int(name: str, default: int) -> int:
    raw = _env(name)
    return int(raw) if raw else default


def fee_basis_points_from(raw: str) -> int:
    """`PLATFORM_FEE_PERCENT` ("5", "7.5", "2.25") in basis points (hundredths of a percent), kept
    exact: at least 0, below 100, at most two decimals."""
    text = raw.strip()
    whole, dot, fraction = text.partition(".")
    if not whole.isdigit() or (dot and not fraction.isdigit()) or not whole.isascii() or not fraction.isascii():
        raise ConfigurationError(f"PLATFORM_FEE_PERCENT: {raw!r} is not a number like 5 or 7.5.")
    if len(fraction) > 2:
        raise ConfigurationError(f"PLATFORM_FEE_PERCENT: {raw!r} has more than two decimals.")
    basis_points = int(whole) * 100 + int(fraction.ljust(2, "0") or "0")
    if basis_points >= 10_000:
        raise ConfigurationError(f"PLATFORM_FEE_PERCENT: {raw!r} must be below 100.")
    return basis_points


def trusted_proxies_from(raw: str) -> tuple[str, ...]:
    """`TRUSTED_PROXIES`: comma-separated addresses or CIDR ranges, each normalised to a network."""
    networks = []
    for entry in (part.strip() for part in raw.split(",")):
        if not entry:
            continue
        try:
            networks.append(str(ipaddress.ip_network(entry, strict=False)))
        except ValueError:
            raise ConfigurationError(f"TRUSTED_PROXIES: {entry!r} is not an IP address or CIDR range.") from None
    return tuple(networks)


def origin_of(url: str) -> str:
    """`scheme://host[:port]` of `url`: what a browser sends as `Origin` from a page there."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def normalize_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the common way (`postgres://`, `postgresql://`)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@dataclass
class Settings:
    """Resolved configuration. Field names follow the environment variables in README."""

    app_env: str = "development"
    app_url: str = "http://localhost:3000"
    api_url: str = "http://localhost:3000"
    secret_key: str = DEV_SECRET_KEY
    database_url: str = ""
    redis_url: str = ""
    super_admin_emails: tuple[str, ...] = ()
    # PLATFORM_FEE_PERCENT in basis points (hundredths of a percent): 500 is 5%, 750 is 7.5%.
    platform_fee_basis_points: int = 500
    # Who runs this deployment: shown in the footer, page titles and the policy pages (/legal/...).
    platform_name: str = DEFAULT_PLATFORM_NAME
    support_email: str = DEFAULT_SUPPORT_EMAIL
    legal_entity: str = DEFAULT_LEGAL_ENTITY
    upload_dir: Path = PROJECT_ROOT / "data" / "uploads"
    data_dir: Path = PROJECT_ROOT / "data"
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = "EventPalour <no-reply@eventpalour.local>"
    smtp_tls: bool = True
    google_client_id: str = ""
    google_client_secret: str = ""
    google_discovery_url: str = "https://accounts.google.com/.well-known/openid-configuration"
    paystack_secret_key: str = ""
    paystack_public_key: str = ""
    paystack_base_url: str = "https://api.paystack.co"
    paystack_webhook_url: str = ""
    # SMS tickets (#23 §3): "sandbox" (the built-in stand-in, development only) or "africastalking".
    sms_provider: str = "sandbox"
    africastalking_username: str = ""
    africastalking_api_key: str = ""
    africastalking_sender_id: str = ""  # "" = the account's default sender
    africastalking_base_url: str = "https://api.africastalking.com"
    outbox_worker_inline: bool = True
    # Reverse proxies whose X-Forwarded-For is believed (services/platform/client_addresses.py); empty: none.
    trusted_proxies: tuple[str, ...] = ()
    rate_limit_general: str = "60/minute"
    rate_limit_auth: str = "10/minute"
    # Typed door codes that match no ticket of the event, per scanning user: far below what
    # guessing 8-character codes needs, far above what a door ever mistypes.
    rate_limit_scan_code: str = "20/minute"
    # Failed sign-ins per email address from anywhere (credential stuffing spreads over many addresses).
    rate_limit_signin_account: str = "10/15minutes"
    # Emails of one kind (reset, verification code, invitation) to one address.
    rate_limit_email_recipient: str = "5/hour"
    # Requests to the organizer API (/api/v1) per API token, reads and writes alike.
    rate_limit_api_token: str = "120/minute"
    # Guest checkouts per email address (#24 §1): a signed-out form that writes rows and sends email.
    rate_limit_guest_checkout: str = "20/hour"
    # Announcement emails of one event handed to the mail server per minute (#22 §2): a big audience
    # is spread over several minutes rather than flooding the server and the recipients' providers.
    announcement_emails_per_minute: int = 120
    # A waiting room's default admission rate (#18): visitors let into the event page per minute when
    # the organizer sets none. 3,000 (50 a second) is below what 2 cores serve of the event page to
    # visitors whose load is built for them, as a queue pass's holder's is (docs/performance.md: about
    # 120 hydrated loads a second), so those let in find a page that answers.
    waiting_room_rate_per_minute: int = 3000
    # How long one process reuses an event's public page data (tiers' availability included): a rush
    # of visitors reads the database once per event per this many seconds, not once per visitor. The
    # frames of an anonymous first visit of the page are reused as long (state/first_frames.py); 0
    # turns both off.
    public_event_cache_seconds: float = 2.0
    session_days: int = 30
    password_hash_cost: str = "standard"
    # Benchmarks only: measure the production build against the sandboxes. Never a real deployment.
    allow_sandboxes_in_production: bool = False
    # /dev/outbox for other machines than the one running the app (still never in production).
    dev_outbox_public: bool = False

    @property
    def is_production(self) -> bool:
        return self.app_env == "production"

    @property
    def secure_cookies(self) -> bool:
        """Cookies get `Secure` whenever the public URL is https."""
        return self.app_url.startswith("https://")

    @property
    def sandboxes_allowed(self) -> bool:
        """Development, or production with the benchmark opt-in: never a real deployment."""
        return not self.is_production or self.allow_sandboxes_in_production

    @property
    def browser_origins(self) -> tuple[str, ...]:
        """Where our pages live (APP_URL, and API_URL when it differs, as in `make dev`): the only
        origins a browser may call the API from with the visitor's cookies or open the websocket from."""
        return tuple(dict.fromkeys(origin_of(url) for url in (self.app_url, self.api_url)))

    @property
    def webauthn_rp_id(self) -> str:
        """The passkeys' relying party id: APP_URL's host name (`localhost` in development and tests).
        A passkey is bound to it, so changing APP_URL's host strands every registered passkey."""
        return urlsplit(self.app_url).hostname or "localhost"

    @property
    def webauthn_origin(self) -> str:
        """The origin a passkey ceremony must come from: the pages' (APP_URL's)."""
        return origin_of(self.app_url)

    @property
    def google_sandbox(self) -> bool:
        """No Google client configured: the built-in OpenID sandbox stands in for Google."""
        return not self.google_client_id and self.sandboxes_allowed

    @property
    def paystack_sandbox(self) -> bool:
        """No Paystack secret key configured: the built-in Paystack sandbox stands in for Paystack."""
        return not self.paystack_secret_key and self.sandboxes_allowed

    @property
    def sms_sandbox(self) -> bool:
        """SMS go to the built-in Africa's Talking sandbox (recorded, listed at /dev/outbox)."""
        return self.sms_provider == "sandbox" and self.sandboxes_allowed

    @property
    def sms_enabled(self) -> bool:
        """Whether text messages are sent at all: by Africa's Talking, or by the sandbox where it may
        run. Production without Africa's Talking sends none (and never asks buyers for a phone)."""
        return self.sms_provider == "africastalking" or self.sms_sandbox

    @property
    def dev_outbox_enabled(self) -> bool:
        """Emails are captured and listed at /dev/outbox only in development without SMTP (and only
        to this machine's browser: services/platform/dev_outbox.py)."""
        return not self.smtp_host and not self.is_production

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def load_settings() -> Settings:
    """Build settings from the environment and refuse unsafe production configurations."""
    data_dir = Path(_env("DATA_DIR") or PROJECT_ROOT / "data")
    app_url = _env("APP_URL", "http://localhost:3000").rstrip("/")
    admins = tuple(e.strip().lower() for e in _env("SUPER_ADMIN_EMAILS").split(",") if e.strip())
    if len(admins) > 3:
        raise ConfigurationError("SUPER_ADMIN_EMAILS may name at most 3 addresses.")
    settings = Settings(
        app_env=_env("APP_ENV", "development"),
        app_url=app_url,
        api_url=(_env("API_URL") or app_url).rstrip("/"),
        secret_key=_env("SECRET_KEY", DEV_SECRET_KEY),
        database_url=normalize_database_url(_env("DATABASE_URL", f"sqlite:///{data_dir / 'eventpalour.db'}")),
        redis_url=_env("REDIS_URL"),
        super_admin_emails=admins,
        platform_fee_basis_points=fee_basis_points_from(_env("PLATFORM_FEE_PERCENT") or "5"),
        platform_name=_env("PLATFORM_NAME") or DEFAULT_PLATFORM_NAME,
        support_email=_env("SUPPORT_EMAIL") or DEFAULT_SUPPORT_EMAIL,
        legal_entity=_env("LEGAL_ENTITY") or DEFAULT_LEGAL_ENTITY,
        upload_dir=Path(_env("UPLOAD_DIR") or data_dir / "uploads"),
        data_dir=data_dir,
        smtp_host=_env("SMTP_HOST"),
        smtp_port=_int("SMTP_PORT", 587),
        smtp_user=_env("SMTP_USER"),
        smtp_password=_env("SMTP_PASSWORD"),
        smtp_from=_env("SMTP_FROM", "EventPalour <no-reply@eventpalour.local>"),
        smtp_tls=_env("SMTP_TLS", "true").lower() != "false",
        google_client_id=_env("GOOGLE_CLIENT_ID"),
        google_client_secret=_env("GOOGLE_CLIENT_SECRET"),
        google_discovery_url=_env(
            "GOOGLE_DISCOVERY_URL", "https://accounts.google.com/.well-known/openid-configuration"
        ),
        paystack_secret_key=_env("PAYSTACK_SECRET_KEY"),
        paystack_public_key=_env("PAYSTACK_PUBLIC_KEY"),
        paystack_base_url=_env("PAYSTACK_BASE_URL", "https://api.paystack.co").rstrip("/"),
        paystack_webhook_url=_env("PAYSTACK_WEBHOOK_URL"),
        sms_provider=(_env("SMS_PROVIDER") or "sandbox").lower(),
        africastalking_username=_env("AFRICASTALKING_USERNAME"),
        africastalking_api_key=_env("AFRICASTALKING_API_KEY"),
        africastalking_sender_id=_env("AFRICASTALKING_SENDER_ID"),
        africastalking_base_url=_env("AFRICASTALKING_BASE_URL", "https://api.africastalking.com").rstrip("/"),
        outbox_worker_inline=_env("OUTBOX_WORKER", "inline") == "inline",
        trusted_proxies=trusted_proxies_from(_env("TRUSTED_PROXIES")),
        rate_limit_general=_env("RATE_LIMIT_GENERAL", "60/minute"),
        rate_limit_auth=_env("RATE_LIMIT_AUTH", "10/minute"),
        rate_limit_scan_code=_env("RATE_LIMIT_SCAN_CODE", "20/minute"),
        rate_limit_signin_account=_env("RATE_LIMIT_SIGNIN_ACCOUNT", "10/15minutes"),
        rate_limit_email_recipient=_env("RATE_LIMIT_EMAIL_RECIPIENT", "5/hour"),
        rate_limit_api_token=_env("RATE_LIMIT_API_TOKEN", "120/minute"),
        rate_limit_guest_checkout=_env("RATE_LIMIT_GUEST_CHECKOUT", "20/hour"),
        announcement_emails_per_minute=max(1, _int("ANNOUNCEMENT_EMAILS_PER_MINUTE", 120)),
        waiting_room_rate_per_minute=min(100_000, max(1, _int("WAITING_ROOM_RATE_PER_MINUTE", 3000))),
        public_event_cache_seconds=max(0.0, float(_env("PUBLIC_EVENT_CACHE_SECONDS", "2") or 0)),
        password_hash_cost=_env("PASSWORD_HASH_COST", "standard"),
        allow_sandboxes_in_production=_env(SANDBOX_OPT_IN).lower() == "yes",
        dev_outbox_public=_env("DEV_OUTBOX_PUBLIC").lower() == "yes",
    )
    if settings.is_production and settings.secret_key == DEV_SECRET_KEY:
        raise ConfigurationError("Set SECRET_KEY: production refuses the development default.")
    if settings.is_production and settings.password_hash_cost != "standard":
        raise ConfigurationError("PASSWORD_HASH_COST must be 'standard' in production.")
    if settings.is_production and len(settings.secret_key) < 32:
        raise ConfigurationError("SECRET_KEY must be at least 32 characters in production.")
    _check_sms(settings)
    missing = [name for name in PROVIDER_KEYS if not _env(name)]
    if settings.is_production and missing and not settings.allow_sandboxes_in_production:
        raise ConfigurationError(
            f"Set {', '.join(missing)}: production refuses to start without real Paystack and Google keys "
            "(the built-in sandboxes stand in for them only in development)."
        )
    return settings


def _check_sms(settings: Settings) -> None:
    """SMS_PROVIDER names a provider we have, and Africa's Talking comes with its keys."""
    if settings.sms_provider not in SMS_PROVIDERS:
        raise ConfigurationError(
            f"SMS_PROVIDER must be one of {', '.join(SMS_PROVIDERS)}, not {settings.sms_provider!r}."
        )
    keys = (settings.africastalking_username, settings.africastalking_api_key)
    if settings.sms_provider == "africastalking" and not all(keys):
        raise ConfigurationError(
            "SMS_PROVIDER=africastalking needs AFRICASTALKING_USERNAME and AFRICASTALKING_API_KEY."
        )


settings = load_settings()
