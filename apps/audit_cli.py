"""``bhiv audit anchor``, ``bhiv audit verify --anchor`` and ``bhiv audit anchor-keygen``.

The operator's keys come from files named in the environment, read by these commands only:
``BHIV_AUDIT_ANCHOR_KEY_FILE`` (private, signs) and ``BHIV_AUDIT_ANCHOR_PUBLIC_KEY_FILE``
(public, verifies; derived from the private key when only that one is given). Exit codes:
0 all good, 1 a chain or anchor failed, 2 the command could not check (keys, files, database).
"""

import os
import sys
from pathlib import Path
from typing import Any

import msgspec

from adapters.crypto.anchor_keys import (
    AnchorKeyError,
    Ed25519AnchorSignatureCheck,
    Ed25519AnchorSigner,
    load_private_key,
    load_public_key,
    write_key_pair,
)
from adapters.db.audit_reader import SqlAuditReader
from adapters.db.engine import create_engine
from adapters.system.clock import SystemClock
from apps._shared.observability import configure_logging
from apps._shared.settings import PlatformSettings
from core.domain.audit.anchor import AuditAnchor, BrokenChain
from core.domain.audit.use_cases import AnchorAudit, AnchoredChain, VerifyAnchoredAudit
from core.domain.errors import NotFound
from core.ports.errors import Unavailable

PRIVATE_KEY_VARIABLE = "BHIV_AUDIT_ANCHOR_KEY_FILE"
PUBLIC_KEY_VARIABLE = "BHIV_AUDIT_ANCHOR_PUBLIC_KEY_FILE"


class _Unusable(Exception):
    """What stops the command before it can check anything; exit 2 with this one line."""


def keygen(directory: Path) -> int:
    try:
        private_path, public_path, key_id = write_key_pair(directory)
    except (AnchorKeyError, OSError) as error:
        return _fail(str(error))
    line = {"private_key": str(private_path), "public_key": str(public_path), "key_id": key_id}
    print(msgspec.json.encode(line).decode())
    return 0


async def anchor(settings: PlatformSettings, chain: str | None, out: Path | None) -> int:
    configure_logging(settings.observability)
    try:
        private_key = load_private_key(_key_path(PRIVATE_KEY_VARIABLE))
    except (_Unusable, AnchorKeyError) as error:
        return _fail(str(error))
    signer = Ed25519AnchorSigner(private_key)
    engine = create_engine(settings.database)
    try:
        if out is not None and _holds_anchors(out):
            # Never anchor a chain that lost what an earlier anchor in this file vouched for:
            # a scheduled job must fail loudly on a cut tail, not sign the shorter chain.
            earlier = _read_anchors(out)
            check = Ed25519AnchorSignatureCheck(private_key.public_key())
            held = await VerifyAnchoredAudit(SqlAuditReader(engine), check).execute(earlier, chain)
            if not held.ok:
                reasons = [_why(c) for c in held.chains if not c.ok]
                print(f"bhiv: nothing anchored, a chain is broken ({'; '.join(reasons)})", file=sys.stderr)
                return 1
        anchors = await AnchorAudit(SqlAuditReader(engine), signer, SystemClock()).execute(chain)
    except BrokenChain as error:
        print(f"bhiv: {error}", file=sys.stderr)
        return 1
    except _Unusable as error:
        return _fail(str(error))
    except (NotFound, Unavailable) as error:
        return _fail(str(error))
    finally:
        await engine.dispose()
    lines = "".join(msgspec.json.encode(one).decode() + "\n" for one in anchors)
    if out is None:
        sys.stdout.write(lines)
        return 0
    try:
        with out.open("a") as file:  # appended: earlier anchors keep guarding older records
            file.write(lines)
    except OSError as error:
        return _fail(f"{out} cannot be written: {error.strerror}")
    return 0


async def verify_anchored(settings: PlatformSettings, chain: str | None, anchor_file: Path) -> int:
    """One JSON line per chain, as ``bhiv audit verify`` prints, with ``anchored_seq`` (the
    newest seq a good anchor vouches for) and ``anchor_errors`` (anchors refused)."""
    configure_logging(settings.observability)
    try:
        check = _signature_check()
        anchors = _read_anchors(anchor_file)
    except (_Unusable, AnchorKeyError) as error:
        return _fail(str(error))
    engine = create_engine(settings.database)
    try:
        result = await VerifyAnchoredAudit(SqlAuditReader(engine), check).execute(anchors, chain)
    except (NotFound, Unavailable) as error:
        return _fail(str(error))
    finally:
        await engine.dispose()
    for checked in result.chains:
        print(msgspec.json.encode(_line(checked)).decode(), flush=True)
    return 0 if result.ok else 1


def _line(checked: AnchoredChain) -> dict[str, Any]:
    line = msgspec.structs.asdict(checked.verification)
    line["ok"] = checked.ok
    if line["broken"] is None:
        del line["broken"]
    if checked.anchored_seq is not None:
        line["anchored_seq"] = checked.anchored_seq
    if checked.refused:
        line["anchor_errors"] = checked.refused
    return line


def _signature_check() -> Ed25519AnchorSignatureCheck:
    if os.environ.get(PUBLIC_KEY_VARIABLE):
        return Ed25519AnchorSignatureCheck(load_public_key(_key_path(PUBLIC_KEY_VARIABLE)))
    if os.environ.get(PRIVATE_KEY_VARIABLE):
        return Ed25519AnchorSignatureCheck(load_private_key(_key_path(PRIVATE_KEY_VARIABLE)).public_key())
    raise _Unusable(f"checking anchors needs {PUBLIC_KEY_VARIABLE} (or {PRIVATE_KEY_VARIABLE})")


def _read_anchors(path: Path) -> list[AuditAnchor]:
    try:
        text = path.read_text()
    except OSError as error:
        raise _Unusable(f"{path} cannot be read: {error.strerror}") from None
    anchors = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            anchors.append(msgspec.json.decode(line, type=AuditAnchor))
        except msgspec.DecodeError as error:
            raise _Unusable(f"{path} line {number} is not an audit anchor: {error}") from None
    if not anchors:
        raise _Unusable(f"{path} holds no anchors")
    return anchors


def _why(checked: AnchoredChain) -> str:
    broken = checked.verification.broken
    if broken is None:
        return f"chain {checked.verification.chain}: {'; '.join(checked.refused)}"
    return f"chain {broken.chain} at seq {broken.seq}: {broken.reason}"


def _holds_anchors(path: Path) -> bool:
    try:
        return bool(path.read_text().strip())
    except FileNotFoundError:
        return False


def _key_path(variable: str) -> Path:
    value = os.environ.get(variable)
    if not value:
        raise _Unusable(f"set {variable} to the anchor key file (made by `bhiv audit anchor-keygen`)")
    return Path(value)


def _fail(message: str) -> int:
    print(f"bhiv: {message}", file=sys.stderr)
    return 2
