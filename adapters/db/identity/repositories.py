from typing import Any, cast

from sqlalchemy import CursorResult, Row, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.errors import translated
from adapters.db.identity.tables import service_clients, users
from adapters.db.pagination import oldest_first
from core.domain.access import Permission, Role
from core.domain.errors import NotFound
from core.domain.identity.model import ServiceClient, User, UserStatus
from core.ports.identity import ServiceClientRepository, UserFilter, UserRepository
from core.ports.pagination import Page, PageRequest


class SqlUserRepository(UserRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @translated
    async def get(self, user_id: str, *, lock: bool = False) -> User | None:
        statement = select(users).where(users.c.id == user_id)
        if lock:
            statement = statement.with_for_update()
        row = (await self._session.execute(statement)).first()
        return None if row is None else _user(row)

    @translated
    async def get_by_email(self, email: str) -> User | None:
        statement = select(users).where(func.lower(users.c.email) == email.strip().lower())
        row = (await self._session.execute(statement)).first()
        return None if row is None else _user(row)

    @translated
    async def add(self, user: User) -> None:
        await self._session.execute(insert(users).values(**_user_values(user)))

    @translated
    async def update(self, user: User) -> None:
        values = _user_values(user)
        del values["id"], values["created_at"]
        statement = update(users).where(users.c.id == user.id).values(**values)
        if await self._changed(statement) == 0:
            raise NotFound("user not found")

    @translated
    async def list(self, query: UserFilter, page: PageRequest) -> Page[User]:
        statement = select(users)
        if query.role is not None:
            statement = statement.where(users.c.role == query.role.value)
        if query.status is not None:
            statement = statement.where(users.c.status == query.status.value)
        if query.customer_id is not None:
            statement = statement.where(users.c.customer_id == query.customer_id)
        rows = (await self._session.execute(oldest_first(statement, page, users.c.id))).all()
        return Page.of([_user(row) for row in rows], page, key=lambda user: user.id)

    async def _changed(self, statement: Any) -> int:
        return cast(CursorResult[Any], await self._session.execute(statement)).rowcount

    @translated
    async def count_admins(self) -> int:
        statement = (
            select(func.count())
            .select_from(users)
            .where(users.c.role == Role.ADMIN.value, users.c.status == UserStatus.ACTIVE.value)
        )
        return int((await self._session.execute(statement)).scalar_one())

    @translated
    async def lock_active_admins(self) -> int:
        statement = (
            select(users.c.id)
            .where(users.c.role == Role.ADMIN.value, users.c.status == UserStatus.ACTIVE.value)
            .order_by(users.c.id)
            .with_for_update()
        )
        return len((await self._session.execute(statement)).all())


class SqlServiceClientRepository(ServiceClientRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @translated
    async def get(self, client_pk: str) -> ServiceClient | None:
        statement = select(service_clients).where(service_clients.c.id == client_pk)
        row = (await self._session.execute(statement)).first()
        return None if row is None else _client(row)

    @translated
    async def get_by_client_id(self, client_id: str) -> ServiceClient | None:
        statement = select(service_clients).where(service_clients.c.client_id == client_id)
        row = (await self._session.execute(statement)).first()
        return None if row is None else _client(row)

    @translated
    async def add(self, client: ServiceClient) -> None:
        await self._session.execute(insert(service_clients).values(**_client_values(client)))

    @translated
    async def update(self, client: ServiceClient) -> None:
        values = _client_values(client)
        del values["id"], values["created_at"]
        statement = update(service_clients).where(service_clients.c.id == client.id).values(**values)
        result = cast(CursorResult[Any], await self._session.execute(statement))
        if result.rowcount == 0:
            raise NotFound("service client not found")

    @translated
    async def list(self, page: PageRequest) -> Page[ServiceClient]:
        statement = oldest_first(select(service_clients), page, service_clients.c.id)
        rows = (await self._session.execute(statement)).all()
        return Page.of([_client(row) for row in rows], page, key=lambda client: client.id)


def _user_values(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "role": user.role.value,
        "status": user.status.value,
        "password_hash": user.password_hash,
        "customer_id": user.customer_id,
        "created_at": user.created_at,
        "updated_at": user.updated_at,
    }


def _user(row: Row[Any]) -> User:
    return User(
        id=row.id,
        email=row.email,
        display_name=row.display_name,
        role=Role(row.role),
        status=UserStatus(row.status),
        password_hash=row.password_hash,
        customer_id=row.customer_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _client_values(client: ServiceClient) -> dict[str, Any]:
    return {
        "id": client.id,
        "client_id": client.client_id,
        "name": client.name,
        "secret_hash": client.secret_hash,
        "role": client.role.value,
        "scopes": " ".join(sorted(client.scopes)),
        "status": client.status.value,
        "created_at": client.created_at,
    }


def _client(row: Row[Any]) -> ServiceClient:
    return ServiceClient(
        id=row.id,
        client_id=row.client_id,
        name=row.name,
        secret_hash=row.secret_hash,
        role=Role(row.role),
        scopes=frozenset(Permission(name) for name in row.scopes.split()),
        status=UserStatus(row.status),
        created_at=row.created_at,
    )
