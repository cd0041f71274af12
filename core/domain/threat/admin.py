"""What admins do about threats: read events, blocks and alerts, block and unblock IPs by hand
(audited)."""

import ipaddress

from core.domain.audit.changes import Change, Resource, record
from core.domain.audit.model import Invocation
from core.domain.errors import NotFound, RuleViolated
from core.domain.threat.model import Alert, ThreatEvent
from core.domain.threat.policy import Allowlist, ThreatPolicy
from core.ports.blocklist import Block, Blocklist
from core.ports.clock import Clock
from core.ports.pagination import Page, PageRequest, decode_cursor
from core.ports.threat import AlertStore, ThreatEventFilter, ThreatEventStore
from core.ports.uow import UnitOfWork

MAX_BLOCK_SECONDS = 365 * 86_400.0


IDENTITY_KINDS = ("user:", "client:")


def canonical_ip(text: str) -> str:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        raise RuleViolated(f"{text!r} is not an IP address") from None


def is_identity(subject: str) -> bool:
    """``user:<id>`` and ``client:<client_id>`` name identities; anything else is an address."""
    return subject.startswith(IDENTITY_KINDS)


def block_kind(block: Block) -> str:
    return "identity" if is_identity(block.subject) else "ip"


def canonical_subject(text: str) -> str:
    """An IP address in its canonical form, or an identity as the screen names it."""
    subject = text.strip()
    if is_identity(subject):
        name = subject.split(":", 1)[1]
        if not name or len(subject) > 200 or any(char.isspace() for char in subject):
            raise RuleViolated(f"{text!r} is not an identity (user:<id> or client:<client_id>)")
        return subject
    return canonical_ip(subject)


class SearchThreatEvents:
    """- Newest first; filter by IP, kind, severity and time; 1 to 200 per page (default 50)."""

    def __init__(self, events: ThreatEventStore) -> None:
        self._events = events

    async def execute(self, query: ThreatEventFilter, page: PageRequest) -> Page[ThreatEvent]:
        if query.since and query.until and query.since >= query.until:
            raise RuleViolated("since must be earlier than until")
        return await self._events.search(query, page)


class ListBlocks:
    """- Active blocks only, of addresses and of identities; expired ones are gone by themselves.
    - Ordered by what is blocked, 1 to 200 per page (default 50): a block that stays active
      while an admin pages is listed once, however other blocks come and go meanwhile."""

    def __init__(self, blocklist: Blocklist) -> None:
        self._blocklist = blocklist

    async def execute(self, page: PageRequest) -> Page[Block]:
        # Blocks live in the blocklist, not in a table: page the few active ones here. Their
        # subject is unique and never changes, so it is a cursor that no expiry can move.
        after = None if page.after is None else decode_cursor(page.after, str)
        blocks = sorted(await self._blocklist.list_active(), key=lambda block: block.subject)
        following = [block for block in blocks if after is None or block.subject > after]
        return Page.of(following[: page.limit + 1], page, key=lambda block: block.subject)


class RecentAlerts:
    """- The newest alerts first; one per IP per alert window, evidence truncated.
    - 1 to 200 per page (default 50)."""

    def __init__(self, alerts: AlertStore) -> None:
        self._alerts = alerts

    async def execute(self, page: PageRequest) -> Page[Alert]:
        return await self._alerts.recent(page)


class _AuditedBlockChange:
    def __init__(self, blocklist: Blocklist, uow: UnitOfWork, clock: Clock) -> None:
        self._blocklist, self._uow, self._clock = blocklist, uow, clock

    async def _audit(self, by: Invocation, action: str, subject: str, before: object, after: object) -> None:
        kind = "identity_block" if is_identity(subject) else "ip_block"
        change = Change(
            action=action,
            resource=Resource(kind, subject),
            before={"blocked": before},
            after={"blocked": after},
        )
        async with self._uow as uow:
            record(uow, by, self._clock.now(), change)
            await uow.commit()


class BlockIp(_AuditedBlockChange):
    """- An admin blocks an IP for 1 second to 365 days, with a reason; it replaces any block.
    - An allowlisted IP cannot be blocked. The block is audited."""

    def __init__(self, blocklist: Blocklist, uow: UnitOfWork, clock: Clock, policy: ThreatPolicy) -> None:
        super().__init__(blocklist, uow, clock)
        self._allowlist = Allowlist(policy.allowlist)

    async def execute(self, ip: str, *, seconds: float, reason: str, by: Invocation) -> Block:
        ip = canonical_ip(ip)
        if not 1 <= seconds <= MAX_BLOCK_SECONDS:
            raise RuleViolated("a block lasts from 1 second to 365 days")
        if not reason.strip():
            raise RuleViolated("say why the IP is blocked")
        if ip in self._allowlist:
            raise RuleViolated(f"{ip} is allowlisted and is never blocked")
        block = await self._blocklist.block(ip, reason=f"manual: {reason.strip()}", ttl_seconds=seconds)
        await self._audit(by, "block", ip, before=None, after={"until": block.expires_at.isoformat()})
        return block


class UnblockIp(_AuditedBlockChange):
    """- Lifts the block of an IP address, or of an identity (``user:<id>``,
      ``client:<client_id>``) whose strikes blocked it; at once on every gateway; audited.
    - Unblocking what is not blocked is answered as not found."""

    async def execute(self, subject: str, *, by: Invocation) -> None:
        subject = canonical_subject(subject)
        if not await self._blocklist.unblock(subject):
            raise NotFound(f"{subject} is not blocked")
        await self._audit(by, "unblock", subject, before=True, after=False)
