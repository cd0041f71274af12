"""Standard Webhooks signatures: ``v1,`` and the base64 HMAC-SHA256 of ``{id}.{timestamp}.{body}``
under the secret's bytes (the base64 after ``whsec_``)."""

import base64
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from datetime import datetime

SECRET_PREFIX = "whsec_"  # noqa: S105 - the prefix every secret carries, not a secret
SECRET_BYTES = 32


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def secret_key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_headers(secrets_: Sequence[str], message_id: str, at: datetime, body: bytes) -> dict[str, str]:
    """One signature per secret, space-separated: during a rotation's overlap both verify."""
    timestamp = int(at.timestamp())
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signature(s, message_id, timestamp, body) for s in secrets_),
        "content-type": "application/json",
    }


def verified(secret: str, message_id: str, timestamp: int, body: bytes, header: str) -> bool:
    """Whether one of the header's space-separated ``v1,`` signatures is ours, compared in
    constant time (each is compared; ``hmac.compare_digest`` does not stop at the first byte)."""
    expected = signature(secret, message_id, timestamp, body).encode()
    found = False
    for candidate in header.split():
        found |= hmac.compare_digest(candidate.encode(), expected)
    return found
