"""``/v1/reports/...``: stock valuation and fulfilment."""

from datetime import datetime
from inspect import getdoc
from typing import Annotated

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, get
from litestar.params import Parameter

from adapters.http.access import requires
from core.domain.access import Permission
from core.domain.logistics.reports import Fulfilment, ValuationRow
from core.domain.logistics.use_cases.reports import FulfilmentReport, StockValuation

READ = requires(Permission.LOGISTICS_READ)


class ValuationOut(msgspec.Struct, frozen=True, kw_only=True):
    items: list[ValuationRow]


class ReportsController(Controller):
    path = "/v1/reports"
    tags = ["logistics: reports"]

    @get("/stock-valuation", operation_id="StockValuation", description=getdoc(StockValuation), opt=READ)
    @inject
    async def stock_valuation(self, use_case: FromDishka[StockValuation]) -> ValuationOut:
        return ValuationOut(items=await use_case.execute())

    @get("/fulfilment", operation_id="FulfilmentReport", description=getdoc(FulfilmentReport), opt=READ)
    @inject
    async def fulfilment(
        self,
        use_case: FromDishka[FulfilmentReport],
        since: Annotated[datetime, Parameter(description="inclusive, ISO 8601 with zone")],
        until: Annotated[datetime, Parameter(description="exclusive, ISO 8601 with zone")],
        target_hours: Annotated[int, Parameter(ge=1, le=2160)] = 48,
    ) -> Fulfilment:
        return await use_case.execute(since, until, target_hours)
