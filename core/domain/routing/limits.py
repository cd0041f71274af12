"""Which rate limit applies to a request at the gateway: the rules, without the ASGI around them."""

from collections.abc import Mapping

from core.ports.rate_limit import RateDecision, RateLimit

Rule = tuple[str, RateLimit]
"""A table's key that matched, and its limit."""


def route_class(path: str) -> str:
    """``/api/<service>/...`` -> the service (``admin`` included); ``/auth/...`` -> ``auth``."""
    segments = path.split("/", 3)
    if len(segments) > 2 and segments[1] == "api":
        return segments[2]
    return segments[1] if len(segments) > 1 and segments[1] else "other"


def first_rule(table: Mapping[str, RateLimit], *keys: str) -> Rule | None:
    for key in keys:
        rate = table.get(key)
        if rate is not None:
            return key, rate
    return None


def ip_rule(table: Mapping[str, RateLimit], route: str) -> Rule | None:
    """The route class's own limit, else ``*``."""
    return first_rule(table, route, "*")


def identity_rule(table: Mapping[str, RateLimit], role: str, route: str) -> Rule | None:
    """The most specific rule wins: ``role:route``, ``role:*``, ``*:route``, then ``*:*``."""
    return first_rule(table, f"{role}:{route}", f"{role}:*", f"*:{route}", "*:*")


def tighter(current: RateDecision | None, other: RateDecision) -> RateDecision:
    """The budget a response tells the client about: the one with less left."""
    return other if current is None or other.remaining < current.remaining else current
