"""``/api/admin/audit``: search the audit log and verify its hash chains."""

from datetime import datetime
from inspect import getdoc
from typing import Annotated, Any

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Request, get
from litestar.params import Parameter

from adapters.http.access import requires
from adapters.http.metrics import HttpMetrics
from adapters.http.pagination import PAGED, PageOut, PageQuery
from core.domain.access import Permission
from core.domain.audit.model import ActorKind
from core.domain.audit.use_cases import AuditVerification, SearchAudit, VerifyAudit
from core.ports.audit import AuditFilter

_Text = Annotated[str | None, Parameter(min_length=1, max_length=200)]


class ActorOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    kind: ActorKind
    role: str | None


class FieldChangeOut(msgspec.Struct, frozen=True, kw_only=True):
    before: Any
    after: Any
    redacted: bool
    """True for secrets: the record says the field changed, never its values."""


class AuditEntryOut(msgspec.Struct, frozen=True, kw_only=True):
    action: str
    resource_type: str
    resource_id: str
    actor: ActorOut
    occurred_at: datetime
    changes: dict[str, FieldChangeOut]
    correlation_id: str | None
    client_ip: str | None


class AuditRecordOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    chain: str
    seq: int
    entry: AuditEntryOut
    prev_hash: str
    hash: str


class AuditController(Controller):
    """Every chain this service's database holds (the gateway's admin API)."""

    path = "/api/admin/audit"
    tags = ["audit"]
    own_chain: str | None = None
    """Set on a service's ``/v1/audit``: only that chain, whatever ``chain`` asks for."""

    @get(
        "/",
        operation_id="SearchAudit",
        summary="Audit records, newest first, filtered and paginated.",
        description=getdoc(SearchAudit),
        opt=requires(Permission.AUDIT_READ),
        dependencies=PAGED,
    )
    @inject
    async def search(
        self,
        use_case: FromDishka[SearchAudit],
        page: PageQuery,
        actor_id: _Text = None,
        resource_type: _Text = None,
        resource_id: _Text = None,
        action: _Text = None,
        chain: _Text = None,
        since: Annotated[datetime | None, Parameter(description="inclusive, ISO 8601 with zone")] = None,
        until: Annotated[datetime | None, Parameter(description="exclusive, ISO 8601 with zone")] = None,
    ) -> PageOut[AuditRecordOut]:
        query = AuditFilter(
            chain=self.own_chain or chain,
            actor_id=actor_id,
            resource_type=resource_type,
            resource_id=resource_id,
            action=action,
            since=since,
            until=until,
        )
        return PageOut.of(await use_case.execute(query, page), AuditRecordOut)

    @get(
        "/verify",
        operation_id="VerifyAudit",
        summary="Check every audit chain and name its first broken link.",
        description=getdoc(VerifyAudit),
        opt=requires(Permission.AUDIT_READ),
    )
    @inject
    async def verify(
        self, request: Request[Any, Any, Any], use_case: FromDishka[VerifyAudit], chain: _Text = None
    ) -> AuditVerification:
        verification = await use_case.execute(self.own_chain or chain)
        metrics = request.app.state.get("metrics")
        if isinstance(metrics, HttpMetrics):  # bhiv_audit_chain_intact: the AuditChainBroken alert
            for checked in verification.chains:
                metrics.audit_verified(checked.chain, checked.ok)
        return verification


def service_audit_controller(service: str) -> type[AuditController]:
    """``/v1/audit`` and ``/v1/audit/verify`` of one service: its own chain only."""
    return type(
        f"{service.capitalize()}AuditController",
        (AuditController,),
        {"path": "/v1/audit", "own_chain": service, "__doc__": f"The {service} service's own audit chain."},
    )
