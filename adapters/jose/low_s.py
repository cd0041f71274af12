"""ES256 signatures in low-S form only.

An ECDSA signature (r, s) has a twin (r, n - s) that verifies just as well, so anyone holding a
token can mint a second, different token string with the same claims. Tokens are remembered by
their string (the verifier's cache) and may be logged or compared by it, so a token has one
valid form: s at most half the curve order (as Bitcoin's BIP 62 and libsecp256k1 require).
The signer normalises every signature it makes; the verifier refuses the other twin."""

import base64
import binascii
from typing import Any

from joserfc import jwt
from joserfc.jwk import ECKey

P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
HALF_ORDER = P256_ORDER // 2
COORDINATE_BYTES = 32


def _b64decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def has_high_s(token: str) -> bool:
    """True when the token's signature is the high-S twin; a malformed one is left to the
    signature check to refuse."""
    try:
        signature = _b64decode(token.rsplit(".", 1)[-1])
    except (binascii.Error, ValueError):
        return False
    if len(signature) != 2 * COORDINATE_BYTES:
        return False
    return int.from_bytes(signature[COORDINATE_BYTES:], "big") > HALF_ORDER


def with_low_s(token: str) -> str:
    """The same token with its signature in low-S form."""
    return twin(token) if has_high_s(token) else token


def twin(token: str) -> str:
    """The same token with the other valid signature, (r, n - s): low-S becomes high-S and back."""
    signing_input, signature_segment = token.rsplit(".", 1)
    signature = _b64decode(signature_segment)
    s = int.from_bytes(signature[COORDINATE_BYTES:], "big")
    flipped = (P256_ORDER - s).to_bytes(COORDINATE_BYTES, "big")
    return f"{signing_input}.{_b64encode(signature[:COORDINATE_BYTES] + flipped)}"


def sign_es256(header: dict[str, Any], claims: dict[str, Any], key: ECKey) -> str:
    """A compact JWS with an ES256 signature in low-S form."""
    return with_low_s(jwt.encode(header, claims, key, algorithms=["ES256"]))
