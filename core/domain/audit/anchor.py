"""Signed anchors: a chain's head, signed with a key only the operator holds, kept elsewhere.

The hash chain needs no key, so whoever can write the database can cut a chain's tail, or
rewrite a record and recompute every hash after it and the head: the result verifies. An
anchor says "chain C held hash H at seq N at time T", signed with a private key that neither
the database nor any service ever sees. Later, the chain must still hold H at seq N: a chain
that ends before N lost its tail; another hash at N means that record or one before it was
rewritten. Records after the newest anchor are vouched for by the next anchor only.

Signing and checking signatures happen behind ``AnchorSigner`` and ``AnchorSignatureCheck``
(core/ports/audit.py); what is signed, and what a signature means, is decided here.
"""

import base64
import binascii
from datetime import UTC, datetime
from typing import Any

import msgspec

from core.domain.audit.chain import ChainHead
from core.domain.errors import RuleViolated
from core.ports.audit import AnchorSignatureCheck, AnchorSigner

ANCHOR_FORMAT = "bhiv-audit-anchor/1"
"""Signed with the rest, so an anchor cannot be taken for any other signed statement."""

BAD_SIGNATURE = "bad signature"
CUT_TAIL = "cut tail"
REWRITTEN = "rewritten"


class AuditAnchor(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    format: str = ANCHOR_FORMAT
    chain: str
    seq: int
    """The anchored record's position; 0 for a chain with no records yet."""
    head_hash: str
    """That record's hash."""
    anchored_at: datetime
    key_id: str
    """Which key signed: the start of the SHA-256 of its public key."""
    signature: str = ""
    """Base64url of the Ed25519 signature of ``signed_bytes``."""

    @property
    def head(self) -> ChainHead:
        return ChainHead(seq=self.seq, hash=self.head_hash)


class BrokenChain(RuleViolated):
    """A chain that does not verify is not anchored: its head would vouch for the tampering."""

    code = "broken_chain"


def signed_bytes(anchor: AuditAnchor) -> bytes:
    """Every field but ``signature``, as JSON with sorted keys and the time in UTC: the same
    bytes however the anchor file was re-encoded since."""
    content: dict[str, Any] = msgspec.to_builtins(
        msgspec.structs.replace(anchor, anchored_at=anchor.anchored_at.astimezone(UTC))
    )
    del content["signature"]
    return msgspec.json.encode(content, order="sorted")


def sign(chain: str, head: ChainHead, at: datetime, signer: AnchorSigner) -> AuditAnchor:
    unsigned = AuditAnchor(
        chain=chain, seq=head.seq, head_hash=head.hash, anchored_at=at.astimezone(UTC), key_id=signer.key_id
    )
    signature = base64.urlsafe_b64encode(signer.sign(signed_bytes(unsigned))).rstrip(b"=").decode()
    return msgspec.structs.replace(unsigned, signature=signature)


def signature_problem(anchor: AuditAnchor, check: AnchorSignatureCheck) -> str | None:
    """Why ``anchor`` cannot be trusted, or None when its signature verifies with ``check``'s key."""
    if anchor.format != ANCHOR_FORMAT:
        return f"{BAD_SIGNATURE}: {anchor.format!r} is not an anchor format this version reads"
    if anchor.key_id != check.key_id:
        return f"{BAD_SIGNATURE}: signed with key {anchor.key_id}, not with the key given ({check.key_id})"
    try:
        signature = base64.urlsafe_b64decode(anchor.signature + "=" * (-len(anchor.signature) % 4))
    except (binascii.Error, ValueError):
        return f"{BAD_SIGNATURE}: the signature is not base64url"
    if not check.is_valid(signed_bytes(anchor), signature):
        return f"{BAD_SIGNATURE}: the anchor was altered after it was signed, or forged"
    return None
