"""``/v1/reports/pipeline``."""

from datetime import datetime
from inspect import getdoc
from typing import Annotated

from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, get
from litestar.params import Parameter

from adapters.http.access import requires
from core.domain.access import Permission
from core.domain.crm.use_cases.pipeline import PipelineReport, ReportPipeline
from core.ports.crm_pipeline import ClosedWindow


class ReportsController(Controller):
    path = "/v1/reports"
    tags = ["crm: reports"]

    @get(
        "/pipeline",
        operation_id="ReportPipeline",
        description=getdoc(ReportPipeline),
        opt=requires(Permission.CRM_READ),
    )
    @inject
    async def pipeline(
        self,
        use_case: FromDishka[ReportPipeline],
        since: Annotated[
            datetime | None, Parameter(description="closed at or after; ISO 8601 with offset")
        ] = None,
        until: Annotated[
            datetime | None, Parameter(description="closed before; ISO 8601 with offset")
        ] = None,
    ) -> PipelineReport:
        # The report is a read model of its own (sums, not entities): it leaves as the use case
        # built it.
        return await use_case.execute(ClosedWindow(since=since, until=until))
