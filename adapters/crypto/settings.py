import msgspec

ENV_PREFIX = "BHIV_PASSWORD_"


class PasswordSettings(msgspec.Struct, frozen=True):
    """``BHIV_PASSWORD_*``: argon2id parameters. The defaults follow OWASP's recommendation
    (19 MiB, 2 passes, 1 lane); raising them makes stored hashes rehash at their next login."""

    time_cost: int = 2
    memory_cost_kib: int = 19_456
    parallelism: int = 1
    max_concurrent_hashes: int = 4
    """Threads hashing at once; bounds memory (each hash holds ``memory_cost_kib``) and CPU."""
