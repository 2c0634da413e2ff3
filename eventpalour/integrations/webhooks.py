"""Posting a signed webhook delivery to an organizer's endpoint: one try, a short timeout, and no
redirects (a delivery goes to the URL the organizer registered, nowhere else). The worker retries."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from eventpalour.integrations.tls import outbound_tls

TIMEOUT = httpx.Timeout(10.0, connect=5.0)
USER_AGENT = "EventPalour-Webhooks/1"


@dataclass(frozen=True)
class PostResult:
    status_code: int | None  # None: no answer (refused, timed out, bad TLS)
    error: str  # "" when the endpoint answered 2xx

    @property
    def delivered(self) -> bool:
        return not self.error


def post(url: str, body: str, headers: dict[str, str]) -> PostResult:
    """POST `body` (JSON) to `url` with `headers`; a 2xx answer is a delivery."""
    try:
        answer = httpx.post(
            url,
            content=body.encode(),
            headers={"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers},
            timeout=TIMEOUT,
            follow_redirects=False,
            verify=outbound_tls(),
        )
    except httpx.HTTPError as exc:
        return PostResult(None, f"No answer: {type(exc).__name__}: {exc}"[:500])
    if 200 <= answer.status_code < 300:
        return PostResult(answer.status_code, "")
    return PostResult(answer.status_code, f"The endpoint answered {answer.status_code}.")
