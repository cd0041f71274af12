"""Where a webhook may go (SSRF defence): https, and a host whose every address is public unless
``BHIV_WEBHOOK_ALLOW_CIDRS`` names it; the address found here is the one connected to."""

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

import msgspec

from core.domain.webhooks.model import UnsafeEndpoint
from core.ports.webhooks import EndpointGuard

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
METADATA = ipaddress.ip_address("169.254.169.254")


class Target(msgspec.Struct, frozen=True, kw_only=True):
    scheme: str
    host: str
    """As the URL names it: the Host header and the TLS server name."""
    address: str
    """The resolved address connected to."""
    port: int
    path: str


def _refusal(address: IpAddress) -> str | None:
    if address == METADATA:
        return "a cloud metadata address"
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_private or not address.is_global:
        return "a private or reserved address"
    if address.is_multicast:
        return "a multicast address"
    return None


class EndpointPolicy:
    def __init__(self, allow_cidrs: list[str]) -> None:
        try:
            self._allowed = [ipaddress.ip_network(cidr, strict=False) for cidr in allow_cidrs]
        except ValueError as error:
            raise ValueError(f"BHIV_WEBHOOK_ALLOW_CIDRS: {error}") from None

    def _allowlisted(self, address: IpAddress) -> bool:
        return any(address in network for network in self._allowed if network.version == address.version)

    async def target(self, url: str) -> Target:
        """Raises ``UnsafeEndpoint`` saying why; resolves the host (once) and connects nowhere."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            raise UnsafeEndpoint("url is not a valid URL") from None
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise UnsafeEndpoint("url must be an https:// URL with a host")
        if parts.username or parts.password:
            raise UnsafeEndpoint("url must not carry credentials")
        host = parts.hostname
        addresses = await self._resolve(host)
        for address in addresses:
            reason = _refusal(address)
            if reason and not self._allowlisted(address):
                raise UnsafeEndpoint(
                    f"url's host {host} resolves to {address}, {reason}; webhooks are not sent there"
                    " unless BHIV_WEBHOOK_ALLOW_CIDRS names it",
                    address=str(address),
                )
        if parts.scheme == "http" and not all(self._allowlisted(a) for a in addresses):
            raise UnsafeEndpoint(
                "url must be https (plain http only to addresses in BHIV_WEBHOOK_ALLOW_CIDRS)"
            )
        path = parts.path or "/"
        if path.startswith("//") or any(ord(char) < 0x21 for char in url):
            # "//host/..." would name another host when joined to the vetted address.
            raise UnsafeEndpoint("url's path must not start with // nor the url hold spaces or controls")
        return Target(
            scheme=parts.scheme,
            host=host,
            address=str(addresses[0]),
            port=port or (443 if parts.scheme == "https" else 80),
            path=f"{path}?{parts.query}" if parts.query else path,
        )

    async def _resolve(self, host: str) -> list[IpAddress]:
        try:
            literal = ipaddress.ip_address(host)
        except ValueError:
            pass
        else:
            mapped = getattr(literal, "ipv4_mapped", None)
            return [mapped or literal]
        try:
            found = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            raise UnsafeEndpoint(f"url's host {host} does not resolve") from None
        addresses: list[IpAddress] = []
        for *_, sockaddr in found:
            address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
            mapped = getattr(address, "ipv4_mapped", None)
            addresses.append(mapped or address)
        if not addresses:
            raise UnsafeEndpoint(f"url's host {host} does not resolve")
        return list(dict.fromkeys(addresses))


class ResolvingEndpointGuard(EndpointGuard):
    def __init__(self, policy: EndpointPolicy) -> None:
        self._policy = policy

    async def vet(self, url: str) -> None:
        await self._policy.target(url)
