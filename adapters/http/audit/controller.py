"""``/api/admin/audit``: search the audit log and verify its hash chains."""

from datetime import datetime
from inspect import getdoc
from typing import Annotated

from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, get
from litestar.params import Parameter

from adapters.http.access import requires
from core.domain.audit.use_cases import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    AuditVerification,
    SearchAudit,
    VerifyAudit,
)
from core.domain.identity.model import Permission
from core.ports.audit import AuditFilter, AuditPage

_Text = Annotated[str | None, Parameter(min_length=1, max_length=200)]


class AuditController(Controller):
    path = "/api/admin/audit"
    tags = ["audit"]

    @get(
        "/",
        operation_id="SearchAudit",
        summary="Audit records, newest first, filtered and paginated.",
        description=getdoc(SearchAudit),
        opt=requires(Permission.AUDIT_READ),
    )
    @inject
    async def search(
        self,
        use_case: FromDishka[SearchAudit],
        actor_id: _Text = None,
        resource_type: _Text = None,
        resource_id: _Text = None,
        action: _Text = None,
        chain: _Text = None,
        since: Annotated[datetime | None, Parameter(description="inclusive, ISO 8601 with zone")] = None,
        until: Annotated[datetime | None, Parameter(description="exclusive, ISO 8601 with zone")] = None,
        after: Annotated[str | None, Parameter(description="next_cursor of the previous page")] = None,
        limit: Annotated[int, Parameter(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
    ) -> AuditPage:
        query = AuditFilter(
            chain=chain,
            actor_id=actor_id,
            resource_type=resource_type,
            resource_id=resource_id,
            action=action,
            since=since,
            until=until,
        )
        return await use_case.execute(query, after=after, limit=limit)

    @get(
        "/verify",
        operation_id="VerifyAudit",
        summary="Check every audit chain and name its first broken link.",
        description=getdoc(VerifyAudit),
        opt=requires(Permission.AUDIT_READ),
    )
    @inject
    async def verify(self, use_case: FromDishka[VerifyAudit], chain: _Text = None) -> AuditVerification:
        return await use_case.execute(chain)
