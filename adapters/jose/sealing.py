"""Private signing keys are stored sealed (AES-256-GCM) under a master key from the environment."""

import base64
import binascii
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12


class SealError(ValueError):
    """A sealed key that does not open: wrong master key, or tampered with."""


def decode_master_key(text: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("the master key is not base64url") from None
    if len(key) != 32:
        raise ValueError("the master key must be 32 bytes (base64url of 32 random bytes)")
    return key


def new_master_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()


class KeySealer:
    def __init__(self, master_key: bytes) -> None:
        self._aead = AESGCM(master_key)

    def seal(self, secret: bytes, *, kid: str) -> bytes:
        """The kid is bound as associated data: a sealed key cannot be moved to another row."""
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, secret, kid.encode())

    def open(self, sealed: bytes, *, kid: str) -> bytes:
        try:
            return self._aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], kid.encode())
        except InvalidTag:
            raise SealError(f"signing key {kid} does not open with this master key") from None
