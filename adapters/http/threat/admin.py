"""``/api/admin/threats``, ``/api/admin/blocks`` and ``/api/admin/alerts`` (``threats:manage``)."""

from datetime import datetime
from inspect import getdoc
from typing import Annotated

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, delete, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from adapters.http.access import requires
from core.domain.audit.model import Invocation
from core.domain.identity.model import Permission
from core.domain.threat.admin import BlockIp, ListBlocks, SearchThreatEvents, UnblockIp, block_kind
from core.domain.threat.model import Alert, AttackKind, ThreatEvent
from core.ports.blocklist import Block
from core.ports.threat import AlertStore, ThreatEventFilter

MANAGE = requires(Permission.THREATS_MANAGE)
Limit = Annotated[int, QueryParameter(ge=1, le=200)]


class ThreatEventsOut(msgspec.Struct, frozen=True, kw_only=True):
    events: list[ThreatEvent]
    next_cursor: str | None


class BlockOut(msgspec.Struct, frozen=True, kw_only=True):
    subject: str
    """An IP address, or an identity (``user:<id>``, ``client:<client_id>``)."""
    kind: str
    """``ip`` or ``identity``."""
    reason: str
    created_at: datetime
    expires_at: datetime

    @classmethod
    def of(cls, block: Block) -> "BlockOut":
        return cls(
            subject=block.subject,
            kind=block_kind(block),
            reason=block.reason,
            created_at=block.created_at,
            expires_at=block.expires_at,
        )


class BlockIn(msgspec.Struct, frozen=True, kw_only=True):
    ip: str
    duration_seconds: float
    reason: str


class ThreatAdminController(Controller):
    path = "/api/admin"
    tags = ["admin", "threats"]

    @get("/threats", operation_id="SearchThreatEvents", opt=MANAGE, description=getdoc(SearchThreatEvents))
    @inject
    async def threats(
        self,
        use_case: FromDishka[SearchThreatEvents],
        ip: FromQuery[str | None] = None,
        kind: FromQuery[AttackKind | None] = None,
        severity: Annotated[str | None, QueryParameter(pattern="^(low|medium|high)$")] = None,
        since: FromQuery[datetime | None] = None,
        until: FromQuery[datetime | None] = None,
        after: FromQuery[str | None] = None,
        limit: Limit = 50,
    ) -> ThreatEventsOut:
        query = ThreatEventFilter(ip=ip, kind=kind, severity=severity, since=since, until=until)
        page = await use_case.execute(query, after=after, limit=limit)
        return ThreatEventsOut(events=page.events, next_cursor=page.next_cursor)

    @get("/blocks", operation_id="ListBlocks", opt=MANAGE, description=getdoc(ListBlocks))
    @inject
    async def blocks(self, use_case: FromDishka[ListBlocks]) -> list[BlockOut]:
        return [BlockOut.of(block) for block in await use_case.execute()]

    @post("/blocks", operation_id="BlockIp", opt=MANAGE, description=getdoc(BlockIp))
    @inject
    async def block(
        self, data: JSONBody[BlockIn], use_case: FromDishka[BlockIp], by: FromDishka[Invocation]
    ) -> BlockOut:
        block = await use_case.execute(data.ip, seconds=data.duration_seconds, reason=data.reason, by=by)
        return BlockOut.of(block)

    @delete("/blocks/{subject:str}", operation_id="Unblock", opt=MANAGE, description=getdoc(UnblockIp))
    @inject
    async def unblock(
        self, subject: FromPath[str], use_case: FromDishka[UnblockIp], by: FromDishka[Invocation]
    ) -> None:
        await use_case.execute(subject, by=by)

    @get(
        "/alerts",
        operation_id="RecentAlerts",
        opt=MANAGE,
        description="- The newest alerts first; one per IP per alert window, evidence truncated.",
    )
    @inject
    async def alerts(self, store: FromDishka[AlertStore], limit: Limit = 50) -> list[Alert]:
        return await store.recent(limit)
