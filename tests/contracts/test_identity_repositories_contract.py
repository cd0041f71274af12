from collections.abc import Callable
from datetime import UTC, datetime

import msgspec
import pytest

from adapters.db.identity.uow import SqlIdentityUnitOfWork
from core.domain.access import Permission, Role
from core.domain.errors import Conflict, NotFound
from core.domain.identity.model import ServiceClient, User, UserStatus
from core.ports.identity import UserFilter
from core.ports.pagination import PageRequest
from tests.contracts.identity_fixtures import identity, new_user

__all__ = ["identity"]
Uow = Callable[[], SqlIdentityUnitOfWork]


async def test_a_committed_user_reads_back_equal_by_id_and_by_email(identity: Uow) -> None:
    user = new_user("priya@example.com", Role.CUSTOMER)
    async with identity() as uow:
        await uow.users.add(user)
        await uow.commit()

    async with identity() as uow:
        assert await uow.users.get(user.id) == user
        assert await uow.users.get_by_email("  PRIYA@Example.com ") == user
        assert await uow.users.get("missing") is None


async def test_a_user_not_committed_is_not_stored(identity: Uow) -> None:
    user = new_user()
    async with identity() as uow:
        await uow.users.add(user)
    async with identity() as uow:
        assert await uow.users.get(user.id) is None


async def test_a_second_user_with_the_same_email_in_any_case_is_a_conflict(identity: Uow) -> None:
    async with identity() as uow:
        await uow.users.add(new_user("dup@example.com"))
        await uow.commit()
    with pytest.raises(Conflict):
        await commit_user(identity, new_user("DUP@example.com"))


async def test_update_replaces_the_user_and_refuses_an_unknown_one(identity: Uow) -> None:
    user = new_user()
    async with identity() as uow:
        await uow.users.add(user)
        await uow.commit()
    changed = msgspec.structs.replace(user, role=Role.SALES, status=UserStatus.DISABLED, display_name="New")
    async with identity() as uow:
        await uow.users.update(changed)
        await uow.commit()
    async with identity() as uow:
        assert await uow.users.get(user.id) == changed
        with pytest.raises(NotFound):
            await uow.users.update(new_user())


async def test_list_filters_by_role_and_status_and_pages_oldest_first(identity: Uow) -> None:
    sales = [new_user(role=Role.SALES) for _ in range(5)]
    others = [new_user(role=Role.OPS), new_user(role=Role.SALES, status=UserStatus.DISABLED)]
    async with identity() as uow:
        for user in [*sales, *others]:
            await uow.users.add(user)
        await uow.commit()

    query = UserFilter(role=Role.SALES, status=UserStatus.ACTIVE)
    async with identity() as uow:
        first = await uow.users.list(query, PageRequest(limit=3))
        second = await uow.users.list(query, PageRequest(limit=3, after=first.next_cursor))
        everyone = await uow.users.list(UserFilter(), PageRequest(limit=100))

    assert [u.id for u in first.items + second.items] == sorted(u.id for u in sales)
    assert second.next_cursor is None
    assert len(everyone.items) == 7


async def test_count_admins_counts_active_admins_only(identity: Uow) -> None:
    async with identity() as uow:
        await uow.users.add(new_user(role=Role.ADMIN))
        await uow.users.add(new_user(role=Role.ADMIN, status=UserStatus.DISABLED))
        await uow.users.add(new_user(role=Role.OPS))
        await uow.commit()
    async with identity() as uow:
        assert await uow.users.count_admins() == 1


def new_client(client_id: str, *, created: int = 0) -> ServiceClient:
    return ServiceClient(
        id=f"0190000{created}-0000-7000-8000-000000000000",
        client_id=client_id,
        name=f"client {client_id}",
        secret_hash="$argon2id$v=19$m=8192,t=1,p=1$c2FsdA$aGFzaA",
        role=Role.OPS,
        scopes=frozenset({Permission.LOGISTICS_READ, Permission.LLM_USE}),
        status=UserStatus.ACTIVE,
        created_at=datetime(2026, 1, 1, created, tzinfo=UTC),
    )


async def test_service_clients_are_stored_listed_updated_and_unique(identity: Uow) -> None:
    one, two = new_client("svc_one", created=1), new_client("svc_two", created=2)
    async with identity() as uow:
        await uow.clients.add(one)
        await uow.clients.add(two)
        await uow.commit()
    async with identity() as uow:
        assert await uow.clients.get(one.id) == one
        assert await uow.clients.get_by_client_id("svc_two") == two
        assert (await uow.clients.list(PageRequest(limit=10))).items == [one, two]
        first = await uow.clients.list(PageRequest(limit=1))
        assert first.items == [one]
        assert (await uow.clients.list(PageRequest(limit=1, after=first.next_cursor))).items == [two]
        await uow.clients.update(msgspec.structs.replace(one, status=UserStatus.DISABLED))
        await uow.commit()
    async with identity() as uow:
        stored = await uow.clients.get(one.id)
        assert stored is not None
        assert stored.status is UserStatus.DISABLED
    with pytest.raises(Conflict):
        await commit_client(identity, new_client("svc_one", created=3))


async def commit_user(identity: Uow, user: User) -> None:
    async with identity() as uow:
        await uow.users.add(user)
        await uow.commit()


async def commit_client(identity: Uow, client: ServiceClient) -> None:
    async with identity() as uow:
        await uow.clients.add(client)
        await uow.commit()
