"""Strings shaped like the codes tickets carry, for tests of how their QR codes read."""

from __future__ import annotations

import random
import string

from eventpalour.services.tickets import signing_keys, ticket_tokens


def ticket_codes(count: int, seed: int) -> list[str]:
    """Codes shaped as tickets carry them, half EP1 (HMAC, QR version 3), half EP2 (Ed25519, version 8:
    what tickets show since #21; the signature's bytes are random here, the QR code is the same)."""
    draw = random.Random(seed)
    tokens = []
    for n in range(count):
        if n % 2:
            ids = ".".join("".join(draw.choices(string.ascii_letters + string.digits, k=16)) for _ in range(3))
            tokens.append(f"{ticket_tokens.SIGNED_PREFIX}.{ids}.1.{signing_keys.b64(draw.randbytes(64))}")
        else:
            tokens.append(ticket_tokens.sign(draw.randint(1, 10**7), draw.randint(1, 10**6), draw.randint(1, 3)))
    return tokens
