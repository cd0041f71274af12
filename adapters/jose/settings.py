import msgspec

ENV_PREFIX = "BHIV_AUTH_"


class AuthSettings(msgspec.Struct, frozen=True):
    """``BHIV_AUTH_*``: token issuing (gateway) and verification (every service)."""

    issuer: str = "http://127.0.0.1:8000"
    audience: str = "bhiv"
    access_token_ttl_seconds: int = 900
    refresh_token_ttl_seconds: int = 30 * 24 * 3600
    leeway_seconds: int = 30
    jwks_url: str | None = None
    """Where services fetch the gateway's public keys; unset: read them from the database."""
    master_key: str | None = None
    """Base64url of 32 random bytes sealing the private signing keys at rest (gateway only)."""
    master_key_file: str | None = None
    """Read the master key from this file instead (created by ``bhiv up`` when missing)."""
    jwks_refresh_seconds: float = 300.0
