"""Settings of the Redis adapters (env prefix ``BHIV_REDIS_``)."""

import msgspec

ENV_PREFIX = "BHIV_REDIS_"


class RedisSettings(msgspec.Struct, frozen=True):
    url: str | None = None
    """``redis://`` or ``rediss://`` URL; None selects the in-process memory adapters."""
    cluster: bool = False
    """Connect with the Redis Cluster protocol (the URL names any one node)."""
    key_prefix: str = "bhiv:"
    """Put in front of every key, so several deployments can share one server."""
    socket_timeout_seconds: float = 2.0
    max_connections: int = 50
    track_absent_keys: bool = True
    """Answer "not blocked" / "not revoked" from memory, kept true by Redis ``CLIENT TRACKING``
    invalidations (not on a cluster); see ``adapters/redis/absent_keys.py``."""
    stream_max_length: int = 100_000
    """Streams are trimmed to about this many entries (``XADD MAXLEN ~``)."""
