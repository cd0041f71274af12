"""``/api/admin/threats``, ``/api/admin/blocks`` and ``/api/admin/alerts`` (``threats:manage``)."""

from datetime import datetime
from inspect import getdoc
from typing import Annotated

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, delete, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from adapters.http.access import requires
from adapters.http.pagination import PAGED, PageOut, PageQuery
from core.domain.access import Permission
from core.domain.audit.model import Invocation
from core.domain.threat.admin import (
    BlockIp,
    ListBlocks,
    RecentAlerts,
    SearchThreatEvents,
    UnblockIp,
    block_kind,
)
from core.domain.threat.model import AttackKind, Location, Verdict
from core.ports.blocklist import Block
from core.ports.threat import ThreatEventFilter

MANAGE = requires(Permission.THREATS_MANAGE)


class FindingOut(msgspec.Struct, frozen=True, kw_only=True):
    kind: AttackKind
    score: float
    location: Location
    field: str | None
    evidence: str
    detector: str


class ThreatEventOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    occurred_at: datetime
    ip: str
    verdict: Verdict
    severity: str
    kind: AttackKind
    score: float
    findings: list[FindingOut]
    method: str
    path: str
    correlation_id: str | None
    block_seconds: float | None
    subject: str | None


class AlertOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    created_at: datetime
    ip: str
    severity: str
    kind: AttackKind
    summary: str
    evidence: list[str]


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

    @get(
        "/threats",
        operation_id="SearchThreatEvents",
        opt=MANAGE,
        description=getdoc(SearchThreatEvents),
        dependencies=PAGED,
    )
    @inject
    async def threats(
        self,
        use_case: FromDishka[SearchThreatEvents],
        page: PageQuery,
        ip: FromQuery[str | None] = None,
        kind: FromQuery[AttackKind | None] = None,
        severity: Annotated[str | None, QueryParameter(pattern="^(low|medium|high)$")] = None,
        since: FromQuery[datetime | None] = None,
        until: FromQuery[datetime | None] = None,
    ) -> PageOut[ThreatEventOut]:
        query = ThreatEventFilter(ip=ip, kind=kind, severity=severity, since=since, until=until)
        return PageOut.of(await use_case.execute(query, page), ThreatEventOut)

    @get("/blocks", operation_id="ListBlocks", opt=MANAGE, description=getdoc(ListBlocks), dependencies=PAGED)
    @inject
    async def blocks(self, use_case: FromDishka[ListBlocks], page: PageQuery) -> PageOut[BlockOut]:
        return PageOut.mapped(await use_case.execute(page), BlockOut.of)

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
        description=getdoc(RecentAlerts),
        dependencies=PAGED,
    )
    @inject
    async def alerts(self, use_case: FromDishka[RecentAlerts], page: PageQuery) -> PageOut[AlertOut]:
        return PageOut.of(await use_case.execute(page), AlertOut)
