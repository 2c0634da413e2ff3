"""`python -m eventpalour.serve` over TLS, so browsers speak HTTP/2 to it as they do to a deployment
behind Caddy (deploy/Caddyfile): for bench/event_page.py's Fast 3G figures, where plain http://
means HTTP/1.1, six connections per host and the page's ~65 script files queued behind each other.

Usage (a built frontend, as for eventpalour.serve; a self-signed certificate for localhost):
    openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 -subj /CN=localhost
    APP_URL=https://localhost BACKEND_PORT=443 python bench/https_app.py cert.pem key.pem
    python bench/event_page.py --url https://localhost --short-id AB12CD --throttle fast3g

Port 443 because a page served over https:// opens Reflex's websocket on the default https port
(reflex's state.js getBackendURL drops the port, assuming a load balancer); APP_URL=https://localhost
lets that origin open it. Not for real deployments: Caddy terminates TLS there.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import granian.server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def serve_over_tls(certificate: Path, key: Path) -> None:
    plain_init = granian.server.Server.__init__

    def tls_init(self: granian.server.Server, *args: object, **kwargs: object) -> None:
        """Reflex starts granian itself, with no TLS options: add the certificate to what it passes."""
        plain_init(self, *args, **{**kwargs, "ssl_cert": certificate, "ssl_key": key})

    granian.server.Server.__init__ = tls_init
    from eventpalour.serve import main

    sys.argv = sys.argv[:1]  # the certificate paths are ours, not arguments for what starts the app
    main()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("certificate", type=Path, help="PEM certificate for localhost")
    parser.add_argument("key", type=Path, help="its PEM private key")
    options = parser.parse_args()
    serve_over_tls(options.certificate, options.key)
