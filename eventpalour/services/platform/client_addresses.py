"""Whose request this is: the TCP peer, or, behind our own reverse proxies, the client they name.

Rate limits and the audit log key on this address. Behind nginx every request arrives from nginx,
so the peer alone would put every visitor in one bucket; but `X-Forwarded-For` is a header anyone
can send, so it is believed only when the peer is one of `TRUSTED_PROXIES`. Each proxy appends the
address it received the request from, so the header is read from the right: the first address
that is not one of our proxies is the client, and whatever stands left of it was written by that
client and is ignored.
"""

from __future__ import annotations

from functools import lru_cache
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

from eventpalour.config import settings

Address = IPv4Address | IPv6Address
Network = IPv4Network | IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ip_network(entry) for entry in entries)


def _address(text: str) -> Address | None:
    """One address as a peer or an `X-Forwarded-For` entry writes it (bare, `[v6]:port` or
    `v4:port`), an IPv4-mapped IPv6 address as its IPv4 one; None for anything else."""
    text = text.strip()
    if text.startswith("["):
        text = text[1 : text.find("]")] if "]" in text else ""
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ip_address(text)
    except ValueError:
        return None
    return (address.ipv4_mapped if isinstance(address, IPv6Address) else None) or address


def _trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def client_address(peer: str | None, forwarded_for: str | None) -> str | None:
    """The client's address, given the TCP peer and the request's `X-Forwarded-For` (repeated
    headers joined with commas, in order).

    From an untrusted peer the header is ignored. From a trusted one, entries are walked from the
    right past our own proxies; the first other address is the client. An entry that is no address
    at all stops the walk there (none of our proxies writes one, so nothing left of it can be
    believed): the answer is then the last proxy passed, which is also the answer when every
    entry is one of ours.
    """
    networks = _networks(settings.trusted_proxies)
    peer_address = _address(peer) if peer and networks else None
    if peer_address is None or not forwarded_for or not _trusted(peer_address, networks):
        return peer
    client = peer_address
    for entry in reversed(forwarded_for.split(",")):
        if not entry.strip():
            continue
        address = _address(entry)
        if address is None:
            break
        client = address
        if not _trusted(address, networks):
            break
    return str(client)
