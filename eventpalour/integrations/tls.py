"""The TLS context of every call the app makes out (Paystack, Google, webhooks, SMS, the Paystack
sandbox's webhook): one per process.

httpx builds a new context for each client and each module-level call (`httpx.post`), and building
one loads the whole CA bundle: 20–30 ms of CPU, which every webhook delivery and SMS paid again.
A context is safe to share between threads and clients; it is built as httpx would build it
(SSL_CERT_FILE / SSL_CERT_DIR when set, else certifi's bundle).
"""

from __future__ import annotations

import functools
import ssl

import httpx


@functools.cache
def outbound_tls() -> ssl.SSLContext:
    """The shared context: pass it as `verify=` to httpx."""
    return httpx.create_ssl_context()
