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
from core.domain.threat.admin import BlockIp, ListBlocks, SearchThreatEvents, UnblockIp
from core.domain.threat.model import Alert, AttackKind, ThreatEvent
from core.ports.blocklist import Block
from core.ports.threat import AlertStore, ThreatEventFilter

MANAGE = requires(Permission.THREATS_MANAGE)
Limit = Annotated[int, QueryParameter(ge=1, le=200)]


class ThreatEventsOut(msgspec.Struct, frozen=True, kw_only=True):
    events: list[ThreatEvent]
    next_cursor: str | None


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
    async def blocks(self, use_case: FromDishka[ListBlocks]) -> list[Block]:
        return await use_case.execute()

    @post("/blocks", operation_id="BlockIp", opt=MANAGE, description=getdoc(BlockIp))
    @inject
    async def block(
        self, data: JSONBody[BlockIn], use_case: FromDishka[BlockIp], by: FromDishka[Invocation]
    ) -> Block:
        return await use_case.execute(data.ip, seconds=data.duration_seconds, reason=data.reason, by=by)

    @delete("/blocks/{ip:str}", operation_id="UnblockIp", opt=MANAGE, description=getdoc(UnblockIp))
    @inject
    async def unblock(
        self, ip: FromPath[str], use_case: FromDishka[UnblockIp], by: FromDishka[Invocation]
    ) -> None:
        await use_case.execute(ip, by=by)

    @get(
        "/alerts",
        operation_id="RecentAlerts",
        opt=MANAGE,
        description="- The newest alerts first; one per IP per alert window, evidence truncated.",
    )
    @inject
    async def alerts(self, store: FromDishka[AlertStore], limit: Limit = 50) -> list[Alert]:
        return await store.recent(limit)
