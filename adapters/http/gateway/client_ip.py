"""The client's IP: the socket peer, unless the peer is a trusted proxy.

A client-supplied ``X-Forwarded-For`` is never believed on its own: only the addresses that
trusted proxies appended are walked, right to left, and the first untrusted one is the client.
"""

import ipaddress
from collections.abc import Sequence
from functools import lru_cache

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

from adapters.http.request_state import request_state

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def resolve_client_ip(peer: str | None, forwarded_for: str | None, trusted: Sequence[Network]) -> str | None:
    if peer is None or not is_trusted(peer, tuple(trusted)):
        return peer
    if not forwarded_for:
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_valid(hop):
            return peer  # a malformed chain names nobody we can believe
        if not is_trusted(hop, tuple(trusted)):
            return hop
    return hops[0] if hops else peer


# Asked of every request (per hop, behind proxies), and parsing an address is the cost: the
# answers are remembered, a bounded number of them, as the allowlist's are.
@lru_cache(maxsize=4096)
def is_trusted(address: str, trusted: tuple[Network, ...]) -> bool:
    """Whether ``address`` is in one of the ``trusted`` networks (False for no address at all)."""
    if not trusted:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


@lru_cache(maxsize=4096)
def _is_valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


class ClientIpMiddleware:
    """Stores the resolved IP in the request's state (``RequestState.client_ip``) for every later layer."""

    def __init__(self, app: ASGIApp, trusted: Sequence[Network]) -> None:
        self.app = app
        self.trusted = tuple(trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:
            client = scope.get("client")
            peer = client[0] if client else None
            forwarded = None
            if self.trusted:
                for name, value in scope["headers"]:
                    if name == b"x-forwarded-for":
                        forwarded = value.decode("latin-1")
            request_state(scope).client_ip = resolve_client_ip(peer, forwarded, self.trusted)
        await self.app(scope, receive, send)
