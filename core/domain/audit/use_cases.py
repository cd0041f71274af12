"""Reading and verifying the audit log. Writing happens only through ``UnitOfWork.audit``."""

from collections.abc import Sequence
from datetime import datetime

import msgspec

from core.domain.audit.anchor import AuditAnchor, BrokenChain, sign, signature_problem
from core.domain.audit.chain import ChainHead, ChainVerification
from core.domain.audit.model import AuditRecord
from core.domain.errors import NotFound, RuleViolated
from core.ports.audit import AnchorSignatureCheck, AnchorSigner, AuditFilter, AuditReader
from core.ports.clock import Clock
from core.ports.pagination import Page, PageRequest


class AuditVerification(msgspec.Struct, frozen=True, kw_only=True):
    ok: bool
    chains: list[ChainVerification]


class SearchAudit:
    """- Records come newest first: by the time of the change, then by record id.
    - Every filter given must match: actor id, resource type, resource id, action, chain;
      `since` is inclusive, `until` exclusive, and both must carry a time zone.
    - A page holds 1 to 200 records (default 50); pass `next_cursor` back as `after` for the
      next page, which returns every record exactly once; it is null on the last page.
    - Secret fields (passwords, hashes, client secrets) appear as redacted changes, without values.
    """

    def __init__(self, reader: AuditReader) -> None:
        self._reader = reader

    async def execute(self, query: AuditFilter, page: PageRequest) -> Page[AuditRecord]:
        for name, moment in (("since", query.since), ("until", query.until)):
            _require_zone(name, moment)
        if query.since and query.until and query.since >= query.until:
            raise RuleViolated("since must be earlier than until")
        return await self._reader.search(query, page)


class VerifyAudit:
    """- Each service writes its own chain; every chain is checked from its first record.
    - A chain holds when its records are numbered 1, 2, 3... without gaps, each record's
      `prev_hash` equals the hash of the one before (the first one's is 64 zeros), each hash
      matches the record's content, and the last record matches the chain's stored head.
    - The answer names the first broken link of each chain: its seq, the record id found there
      (null when the record is missing) and the reason.
    - `head_hash` is the hash of the last intact record; copy it somewhere the database's
      administrators cannot write, to detect a later rewrite of the whole chain.
    - Asking for a chain that has no records is a 404.
    """

    def __init__(self, reader: AuditReader) -> None:
        self._reader = reader

    async def execute(self, chain: str | None = None) -> AuditVerification:
        known = await self._reader.chains()
        if chain is not None and chain not in known:
            raise NotFound(f"no audit chain named {chain!r}")
        names = [chain] if chain is not None else known
        results = [await self._reader.verify_chain(name) for name in names]
        return AuditVerification(ok=all(result.ok for result in results), chains=results)


class AnchorAudit:
    """- One anchor per chain (only the one asked for, given a name): the chain's name, the seq
      and hash of its last record and the time, signed with the operator's key.
    - A chain is anchored only when it verifies; if one is broken, nothing is anchored and the
      error names it with its first broken link.
    - Asking for a chain that has no records is a 404.
    """

    def __init__(self, reader: AuditReader, signer: AnchorSigner, clock: Clock) -> None:
        self._reader = reader
        self._signer = signer
        self._clock = clock

    async def execute(self, chain: str | None = None) -> list[AuditAnchor]:
        verification = await VerifyAudit(self._reader).execute(chain)
        broken = [result.broken for result in verification.chains if result.broken is not None]
        if broken:
            named = "; ".join(f"chain {link.chain} at seq {link.seq}: {link.reason}" for link in broken)
            raise BrokenChain(f"nothing anchored, a chain is broken ({named})")
        now = self._clock.now()
        return [
            sign(result.chain, ChainHead(seq=result.records, hash=result.head_hash), now, self._signer)
            for result in verification.chains
        ]


class AnchoredChain(msgspec.Struct, frozen=True, kw_only=True):
    verification: ChainVerification
    anchored_seq: int | None
    """The newest seq that an anchor with a good signature vouches for; None when none does."""
    refused: list[str]
    """Why anchors naming this chain were not trusted."""

    @property
    def ok(self) -> bool:
        return self.verification.ok and not self.refused


class AnchoredVerification(msgspec.Struct, frozen=True, kw_only=True):
    ok: bool
    chains: list[AnchoredChain]


class VerifyAnchoredAudit:
    """- Each chain is verified as `VerifyAudit` does, and also against the signed anchors.
    - An anchor whose signature does not verify with the operator's public key is refused
      ("bad signature"): its chain fails, and is checked without it.
    - At each anchored seq the chain must still hold the anchored hash. A chain that ends
      before it lost its tail ("cut tail"); another hash there means that record or one before
      it was rewritten and the hashes after it recomputed ("rewritten"). Records after the newest
      anchor are vouched for by the chain alone, until the next anchor.
    - Every chain in the log is checked, and every chain an anchor names, even one with no
      records left. A chain asked for by name that is neither in the log nor anchored is a 404.
    """

    def __init__(self, reader: AuditReader, signatures: AnchorSignatureCheck) -> None:
        self._reader = reader
        self._signatures = signatures

    async def execute(self, anchors: Sequence[AuditAnchor], chain: str | None = None) -> AnchoredVerification:
        trusted: dict[str, list[ChainHead]] = {}
        refused: dict[str, list[str]] = {}
        for anchor in anchors:
            if chain is not None and anchor.chain != chain:
                continue
            problem = signature_problem(anchor, self._signatures)
            if problem is None:
                trusted.setdefault(anchor.chain, []).append(anchor.head)
            else:
                refused.setdefault(anchor.chain, []).append(problem)
        named = {*await self._reader.chains(), *trusted, *refused}
        if chain is not None and chain not in named:
            raise NotFound(f"no audit chain named {chain!r}")
        results = []
        for name in [chain] if chain is not None else sorted(named):
            heads = trusted.get(name, [])
            results.append(
                AnchoredChain(
                    verification=await self._reader.verify_chain(name, anchored=heads),
                    anchored_seq=max((head.seq for head in heads), default=None),
                    refused=refused.get(name, []),
                )
            )
        return AnchoredVerification(ok=all(result.ok for result in results), chains=results)


def _require_zone(name: str, moment: datetime | None) -> None:
    if moment is not None and moment.utcoffset() is None:
        raise RuleViolated(f"{name} must include a time zone, e.g. 2024-06-01T12:00:00Z")
