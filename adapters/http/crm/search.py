"""``/v1/search``: one search box over customers, tickets and leads."""

from inspect import getdoc
from typing import Annotated, Literal

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, get
from litestar.params import FromQuery, Parameter

from adapters.http.access import requires
from core.domain.access import Permission
from core.domain.crm.use_cases.search import MAX_QUERY, MAX_RESULTS, SearchCrm


class SearchHitOut(msgspec.Struct, frozen=True, kw_only=True):
    kind: str
    """``customer``, ``ticket`` or ``lead``."""
    id: str
    title: str
    snippet: str
    """Plain text around the words found; show it as text, never as markup."""


class SearchOut(msgspec.Struct, frozen=True, kw_only=True):
    items: list[SearchHitOut]


class SearchController(Controller):
    path = "/v1/search"
    tags = ["crm: search"]

    @get("/", operation_id="SearchCrm", description=getdoc(SearchCrm), opt=requires(Permission.CRM_READ))
    @inject
    async def search(
        self,
        use_case: FromDishka[SearchCrm],
        q: Annotated[str, Parameter(min_length=1, max_length=MAX_QUERY, description="the words to find")],
        limit: Annotated[int, Parameter(ge=1, le=MAX_RESULTS)] = 20,
        kind: FromQuery[Literal["customer", "ticket", "lead"] | None] = None,
    ) -> SearchOut:
        hits = await use_case.execute(q, limit, kind)
        return SearchOut(items=[msgspec.convert(hit, SearchHitOut, from_attributes=True) for hit in hits])
