"""Reading and verifying the audit log. Writing happens only through ``UnitOfWork.audit``."""

from datetime import datetime

import msgspec

from core.domain.audit.chain import ChainVerification
from core.domain.errors import NotFound, RuleViolated
from core.ports.audit import AuditFilter, AuditPage, AuditReader

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


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

    async def execute(
        self, query: AuditFilter, *, after: str | None = None, limit: int = DEFAULT_PAGE_SIZE
    ) -> AuditPage:
        if not 1 <= limit <= MAX_PAGE_SIZE:
            raise RuleViolated(f"limit must be between 1 and {MAX_PAGE_SIZE}")
        for name, moment in (("since", query.since), ("until", query.until)):
            _require_zone(name, moment)
        if query.since and query.until and query.since >= query.until:
            raise RuleViolated("since must be earlier than until")
        return await self._reader.search(query, after=after, limit=limit)


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


def _require_zone(name: str, moment: datetime | None) -> None:
    if moment is not None and moment.utcoffset() is None:
        raise RuleViolated(f"{name} must include a time zone, e.g. 2024-06-01T12:00:00Z")
