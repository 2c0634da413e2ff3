"""The one TLS context of the app's outgoing calls (`integrations.tls`): shared, and still verifying."""

from __future__ import annotations

import ssl

import pytest

from eventpalour.integrations.tls import outbound_tls

pytestmark = pytest.mark.no_db


def test_every_call_shares_one_context_that_checks_certificates_and_names() -> None:
    context = outbound_tls()

    assert outbound_tls() is context  # built once: loading the CA bundle costs 20–30 ms of CPU
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
