"""Whose address a request has: X-Forwarded-For is believed only from TRUSTED_PROXIES, right to left."""

from __future__ import annotations

import pytest

from eventpalour.config import ConfigurationError, load_settings, settings, trusted_proxies_from
from eventpalour.services.platform.client_addresses import client_address

pytestmark = pytest.mark.no_db  # reads no database: SQLite run only (tests/conftest.py checks)


@pytest.fixture
def behind_nginx(monkeypatch: pytest.MonkeyPatch) -> None:
    """nginx on the same machine, and a load balancer subnet in front of it."""
    monkeypatch.setattr(settings, "trusted_proxies", ("127.0.0.1/32", "10.0.0.0/8", "fd00::/8"))


def test_no_trusted_proxies_header_ignored() -> None:
    assert settings.trusted_proxies == ()
    assert client_address("127.0.0.1", "203.0.113.7") == "127.0.0.1"


def test_no_forwarded_header_peer(behind_nginx: None) -> None:
    assert client_address("127.0.0.1", None) == "127.0.0.1"
    assert client_address("127.0.0.1", "") == "127.0.0.1"


def test_untrusted_peer_spoofed_header_ignored(behind_nginx: None) -> None:
    assert client_address("198.51.100.20", "127.0.0.1") == "198.51.100.20"
    assert client_address("198.51.100.20", "203.0.113.7, 10.1.2.3") == "198.51.100.20"


def test_trusted_peer_forwarded_client(behind_nginx: None) -> None:
    assert client_address("127.0.0.1", "203.0.113.7") == "203.0.113.7"


def test_client_spoofed_entries_left_of_real_client_ignored(behind_nginx: None) -> None:
    # The client sent "X-Forwarded-For: 1.1.1.1, 10.0.0.9"; nginx appended the address it saw.
    assert client_address("127.0.0.1", "1.1.1.1, 10.0.0.9, 203.0.113.7") == "203.0.113.7"


def test_chain_of_trusted_proxies_walked_from_the_right(behind_nginx: None) -> None:
    assert client_address("127.0.0.1", "203.0.113.7, 10.0.0.5, 10.20.0.1") == "203.0.113.7"


def test_every_entry_trusted_leftmost_proxy(behind_nginx: None) -> None:
    assert client_address("127.0.0.1", "10.0.0.5, 10.20.0.1") == "10.0.0.5"


def test_ipv6_client_and_proxies(behind_nginx: None) -> None:
    assert client_address("fd00::1", "2001:db8::42") == "2001:db8::42"
    assert client_address("127.0.0.1", "2001:db8::42, fd00::7") == "2001:db8::42"
    assert client_address("127.0.0.1", "[2001:db8::42]:51234") == "2001:db8::42"
    assert client_address("2001:db8::99", "203.0.113.7") == "2001:db8::99"


def test_ipv4_mapped_peer_trusted_as_ipv4(behind_nginx: None) -> None:
    assert client_address("::ffff:127.0.0.1", "203.0.113.7") == "203.0.113.7"
    assert client_address("127.0.0.1", "::ffff:203.0.113.7") == "203.0.113.7"


def test_entry_with_port_read_as_its_address(behind_nginx: None) -> None:
    assert client_address("127.0.0.1", "203.0.113.7:40123") == "203.0.113.7"


@pytest.mark.parametrize(
    "header",
    [
        "not-an-address",
        "unknown",
        "203.0.113.7, <script>",
        "999.1.1.1",
        "203.0.113.7; rm -rf",
        "\x00",
        "x" * 10_000,
        ", , ,",
    ],
)
def test_garbage_at_the_right_peer(behind_nginx: None, header: str) -> None:
    assert client_address("127.0.0.1", header) == "127.0.0.1"


def test_garbage_left_of_real_client_ignored(behind_nginx: None) -> None:
    assert client_address("127.0.0.1", "garbage, 203.0.113.7") == "203.0.113.7"


def test_garbage_between_trusted_proxies_last_trusted_hop(behind_nginx: None) -> None:
    # No proxy of ours writes garbage: what is left of it is unknown, so the nearest known hop is the answer.
    assert client_address("127.0.0.1", "203.0.113.7, garbage, 10.0.0.5") == "10.0.0.5"


def test_no_peer_unknown(behind_nginx: None) -> None:
    assert client_address(None, "203.0.113.7") is None


def test_trusted_proxies_setting_parsed_and_normalised() -> None:
    assert trusted_proxies_from("") == ()
    assert trusted_proxies_from(" 127.0.0.1 , 10.0.0.0/8,::1, 2001:db8::/32 ") == (
        "127.0.0.1/32",
        "10.0.0.0/8",
        "::1/128",
        "2001:db8::/32",
    )
    assert trusted_proxies_from("10.1.2.3/8") == ("10.0.0.0/8",)
    assert trusted_proxies_from("127.0.0.1,") == ("127.0.0.1/32",)


@pytest.mark.parametrize("raw", ["nginx", "10.0.0.0/33", "127.0.0.1 10.0.0.1", "300.1.1.1"])
def test_trusted_proxies_setting_bad_entry_refused(raw: str) -> None:
    with pytest.raises(ConfigurationError, match="TRUSTED_PROXIES"):
        trusted_proxies_from(raw)


def test_trusted_proxies_read_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8")
    assert load_settings().trusted_proxies == ("127.0.0.1/32", "10.0.0.0/8")
    monkeypatch.setenv("TRUSTED_PROXIES", "localhost")
    with pytest.raises(ConfigurationError, match="'localhost' is not an IP address"):
        load_settings()
