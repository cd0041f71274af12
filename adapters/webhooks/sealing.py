"""Webhook secrets sealed with AES-256-GCM under ``BHIV_INTEGRATIONS_SEAL_KEY``; the subscription
id is the associated data, so a sealed secret cannot be copied onto another subscription."""

import base64
import binascii
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from adapters.webhooks.settings import IntegrationsSettings
from core.ports.webhooks import SealBroken, SecretSealer

NONCE_BYTES = 12


def new_seal_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()


def seal_key_of(settings: IntegrationsSettings) -> bytes | None:
    text = settings.seal_key
    if not text and settings.seal_key_file:
        try:
            text = Path(settings.seal_key_file).read_text()
        except OSError as error:
            raise RuntimeError(f"BHIV_INTEGRATIONS_SEAL_KEY_FILE cannot be read: {error.strerror}") from None
    if not text:
        return None
    text = text.strip()
    try:
        key = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("BHIV_INTEGRATIONS_SEAL_KEY is not base64url") from None
    if len(key) != 32:
        raise ValueError("BHIV_INTEGRATIONS_SEAL_KEY must be 32 bytes (base64url of 32 random bytes)")
    return key


class AesGcmSecretSealer(SecretSealer):
    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def seal(self, secret: str, *, bound_to: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, secret.encode(), bound_to.encode())

    def open(self, sealed: bytes, *, bound_to: str) -> str:
        try:
            return self._aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], bound_to.encode()).decode()
        except InvalidTag:
            raise SealBroken(
                f"the secret of webhook {bound_to} does not open with this seal key"
                " (BHIV_INTEGRATIONS_SEAL_KEY)"
            ) from None


class MissingSealer(SecretSealer):
    """No seal key configured: nothing can be sealed or opened (creation answers 503)."""

    def seal(self, secret: str, *, bound_to: str) -> bytes:
        raise SealBroken("no BHIV_INTEGRATIONS_SEAL_KEY is configured")

    def open(self, sealed: bytes, *, bound_to: str) -> str:
        raise SealBroken("no BHIV_INTEGRATIONS_SEAL_KEY is configured")
