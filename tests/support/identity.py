"""Users and service clients created through the gateway's own use cases, for tests."""

from litestar import Litestar

from core.domain.access import Permission, Role
from core.domain.audit.model import Actor, Invocation
from core.domain.identity.model import User
from core.domain.identity.use_cases import CreateServiceClient, CreateUser, NewServiceClient, NewUser
from core.domain.identity.use_cases.clients import IssuedClient
from core.ports.identity import CustomerDirectory

STRONG_PASSWORD = "violet-kettle-harbour"
TESTS = Invocation(actor=Actor.system("tests"))


async def create_user(
    app: Litestar,
    email: str,
    role: Role = Role.OPS,
    *,
    password: str = STRONG_PASSWORD,
    customer_id: str | None = None,
) -> User:
    async with app.state.dishka_container() as container:
        use_case = await container.get(CreateUser)
        new = NewUser(
            email=email,
            password=password,
            role=role,
            display_name=email.split("@")[0],
            customer_id=customer_id,
        )
        return await use_case.execute(new, TESTS)


async def create_client(
    app: Litestar, name: str, role: Role = Role.OPS, scopes: frozenset[Permission] | None = None
) -> IssuedClient:
    async with app.state.dishka_container() as container:
        use_case = await container.get(CreateServiceClient)
        return await use_case.execute(NewServiceClient(name=name, role=role, scopes=scopes), TESTS)


class KnownCustomers(CustomerDirectory):
    """CRM's customers as a set: for identity's own tests, where no customer login is created
    against a CRM (the HTTP and end-to-end tests ask the real CRM service)."""

    def __init__(self, *customer_ids: str) -> None:
        self._ids = set(customer_ids)

    async def exists(self, customer_id: str) -> bool:
        return customer_id in self._ids
