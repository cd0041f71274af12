"""``/v1/customers``."""

from datetime import datetime
from inspect import getdoc
from typing import Annotated

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Response, get, patch, post
from litestar.params import Body, FromPath, FromQuery, JSONBody

from adapters.http.access import requires
from adapters.http.etags import MERGE_PATCH, IfMatch, tagged, version_in
from adapters.http.pagination import PAGED, PageOut, PageQuery
from core.domain.access import Permission
from core.domain.audit.model import Invocation
from core.domain.crm.model import Customer, CustomerKind, CustomerStatus
from core.domain.crm.use_cases.customers import (
    CreateCustomer,
    CustomerChanges,
    GetCustomer,
    ListCustomers,
    NewCustomer,
    UpdateCustomer,
)
from core.ports.crm import CustomerFilter, CustomerSort

READ = requires(Permission.CRM_READ)
WRITE = requires(Permission.CRM_WRITE)


class CustomerIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    kind: CustomerKind = CustomerKind.PERSON
    name: str
    email: str
    """Compared and kept trimmed and lower-case; unique."""
    phone: str | None = None
    address: str | None = None
    status: CustomerStatus = CustomerStatus.ACTIVE
    tags: list[str] = msgspec.field(default_factory=list)
    owner: str | None = None
    """The owning sales rep's user id."""


class CustomerOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    kind: CustomerKind
    name: str
    email: str
    phone: str | None
    address: str | None
    status: CustomerStatus
    tags: list[str]
    owner: str | None
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, customer: Customer) -> "CustomerOut":
        return msgspec.convert(customer, cls, from_attributes=True)


class CustomersController(Controller):
    path = "/v1/customers"
    tags = ["crm: customers"]

    @post("/", operation_id="CreateCustomer", description=getdoc(CreateCustomer), opt=WRITE)
    @inject
    async def create(
        self, data: JSONBody[CustomerIn], use_case: FromDishka[CreateCustomer], by: FromDishka[Invocation]
    ) -> Response[CustomerOut]:
        customer = await use_case.execute(msgspec.convert(data, NewCustomer, from_attributes=True), by)
        return tagged(CustomerOut.of(customer), customer.version, 201)

    @get("/", operation_id="ListCustomers", description=getdoc(ListCustomers), opt=READ, dependencies=PAGED)
    @inject
    async def list_customers(
        self,
        use_case: FromDishka[ListCustomers],
        page: PageQuery,
        status: FromQuery[CustomerStatus | None] = None,
        owner: FromQuery[str | None] = None,
        tag: FromQuery[str | None] = None,
        sort: FromQuery[CustomerSort] = CustomerSort.CREATED,
    ) -> PageOut[CustomerOut]:
        query = CustomerFilter(
            status=status, owner=owner, tag=None if tag is None else tag.lower(), sort=sort
        )
        return PageOut.mapped(await use_case.execute(query, page), CustomerOut.of)

    @get("/{customer_id:str}", operation_id="GetCustomer", description=getdoc(GetCustomer), opt=READ)
    @inject
    async def get_customer(
        self, customer_id: FromPath[str], use_case: FromDishka[GetCustomer]
    ) -> Response[CustomerOut]:
        customer = await use_case.execute(customer_id)
        return tagged(CustomerOut.of(customer), customer.version)

    @patch("/{customer_id:str}", operation_id="UpdateCustomer", description=getdoc(UpdateCustomer), opt=WRITE)
    @inject
    async def update(
        self,
        customer_id: FromPath[str],
        data: Annotated[CustomerChanges, Body(media_type=MERGE_PATCH)],
        use_case: FromDishka[UpdateCustomer],
        by: FromDishka[Invocation],
        if_match: IfMatch = None,
    ) -> Response[CustomerOut]:
        customer = await use_case.execute(customer_id, data, by, version_in(if_match))
        return tagged(CustomerOut.of(customer), customer.version)
