"""The operator's Ed25519 key pair that signs audit anchors (cryptography).

The private key lives in a file only the operator reads (``BHIV_AUDIT_ANCHOR_KEY_FILE``): never
in the database, never given to a service. Whoever can write the database cannot sign an
anchor, so a rewritten chain cannot be re-anchored to look intact.
"""

import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from core.ports.audit import AnchorSignatureCheck, AnchorSigner

PRIVATE_KEY_NAME = "audit-anchor.key"
PUBLIC_KEY_NAME = "audit-anchor.pub"


class AnchorKeyError(ValueError):
    """A key file that cannot be used; the message names the file and why."""


def key_id_of(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "ed25519:" + hashlib.sha256(raw).hexdigest()[:16]


class Ed25519AnchorSigner(AnchorSigner):
    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._private_key = private_key
        self._key_id = key_id_of(private_key.public_key())

    @property
    def key_id(self) -> str:
        return self._key_id

    def sign(self, message: bytes) -> bytes:
        return self._private_key.sign(message)


class Ed25519AnchorSignatureCheck(AnchorSignatureCheck):
    def __init__(self, public_key: Ed25519PublicKey) -> None:
        self._public_key = public_key
        self._key_id = key_id_of(public_key)

    @property
    def key_id(self) -> str:
        return self._key_id

    def is_valid(self, message: bytes, signature: bytes) -> bool:
        try:
            self._public_key.verify(signature, message)
        except InvalidSignature:
            return False
        return True


def load_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except OSError as error:
        raise AnchorKeyError(f"{path} cannot be read: {error.strerror}") from None
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise AnchorKeyError(f"{path} is not an unencrypted PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise AnchorKeyError(f"{path} is not an Ed25519 private key")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except OSError as error:
        raise AnchorKeyError(f"{path} cannot be read: {error.strerror}") from None
    except (ValueError, UnsupportedAlgorithm):
        raise AnchorKeyError(f"{path} is not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise AnchorKeyError(f"{path} is not an Ed25519 public key")
    return key


def write_key_pair(directory: Path) -> tuple[Path, Path, str]:
    """A new key pair in ``directory``: the private key 0600, the public key 0644. An existing
    key is never overwritten (the anchors it signed would no longer verify)."""
    private_path, public_path = directory / PRIVATE_KEY_NAME, directory / PUBLIC_KEY_NAME
    for path in (private_path, public_path):
        if path.exists():
            raise AnchorKeyError(f"{path} exists; not overwritten")
    key = Ed25519PrivateKey.generate()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    _write_new(private_path, private_pem, 0o600)
    _write_new(public_path, public_pem, 0o644)
    return private_path, public_path, key_id_of(key.public_key())


def _write_new(path: Path, content: bytes, mode: int) -> None:
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        raise AnchorKeyError(f"{path} exists; not overwritten") from None
    with os.fdopen(descriptor, "wb") as file:
        file.write(content)
