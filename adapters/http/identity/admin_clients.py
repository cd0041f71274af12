"""``/api/admin/clients``: service clients for the client_credentials grant (admins only)."""

from datetime import datetime
from inspect import getdoc

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, get, post
from litestar.params import FromPath, JSONBody

from adapters.http.access import requires
from adapters.http.pagination import PAGED, PageOut, PageQuery
from core.domain.access import Permission, Role
from core.domain.audit.model import Invocation
from core.domain.identity.model import ServiceClient, UserStatus
from core.domain.identity.use_cases import (
    CreateServiceClient,
    DisableServiceClient,
    ListServiceClients,
    NewServiceClient,
)

ADMIN = requires(Permission.USERS_MANAGE)


class ClientIn(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    role: Role
    scopes: list[Permission] | None = None


class ClientOut(msgspec.Struct, frozen=True, kw_only=True):
    """A service client as admins see it: never its secret's hash."""

    id: str
    client_id: str
    name: str
    role: Role
    scopes: list[Permission]
    status: UserStatus
    created_at: datetime

    def __post_init__(self) -> None:
        # Sorted, so that the same client always reads the same (a frozenset has no order).
        msgspec.structs.force_setattr(self, "scopes", sorted(self.scopes))

    @classmethod
    def of(cls, client: ServiceClient) -> "ClientOut":
        return msgspec.convert(client, cls, from_attributes=True)


class IssuedClientOut(msgspec.Struct, frozen=True, kw_only=True):
    client: ClientOut
    client_secret: str
    """Shown this once; it cannot be read again."""


class AdminClientsController(Controller):
    path = "/api/admin/clients"
    tags = ["admin: service clients"]

    @post("/", operation_id="CreateServiceClient", description=getdoc(CreateServiceClient), opt=ADMIN)
    @inject
    async def create(
        self, data: JSONBody[ClientIn], use_case: FromDishka[CreateServiceClient], by: FromDishka[Invocation]
    ) -> IssuedClientOut:
        scopes = None if data.scopes is None else frozenset(data.scopes)
        issued = await use_case.execute(NewServiceClient(name=data.name, role=data.role, scopes=scopes), by)
        return IssuedClientOut(client=ClientOut.of(issued.client), client_secret=issued.secret)

    @get(
        "/",
        operation_id="ListServiceClients",
        description=getdoc(ListServiceClients),
        opt=ADMIN,
        dependencies=PAGED,
    )
    @inject
    async def list_clients(
        self, use_case: FromDishka[ListServiceClients], page: PageQuery
    ) -> PageOut[ClientOut]:
        return PageOut.of(await use_case.execute(page), ClientOut)

    @post(
        "/{client_pk:str}/disable",
        operation_id="DisableServiceClient",
        description=getdoc(DisableServiceClient),
        opt=ADMIN,
        status_code=200,
    )
    @inject
    async def disable(
        self, client_pk: FromPath[str], use_case: FromDishka[DisableServiceClient], by: FromDishka[Invocation]
    ) -> ClientOut:
        return ClientOut.of(await use_case.execute(client_pk, by))
