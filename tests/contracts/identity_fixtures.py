"""Identity tables on the contract databases, emptied before each test (the audit log is
append-only, so tests read it by the ids they created)."""

from collections.abc import Callable
from datetime import UTC, datetime

import pytest_asyncio
from sqlalchemy import delete, select

from adapters.db.identity.tables import llm_api_keys, service_clients, users
from adapters.db.identity.uow import SqlIdentityUnitOfWork
from adapters.db.tables import audit_log
from adapters.jose.sealing import decode_master_key, new_master_key
from adapters.system.clock import SystemClock, Uuid7IdGenerator
from core.domain.access import Role
from core.domain.identity.model import User, UserStatus
from tests.contracts.db_fixtures import Database

_ids = Uuid7IdGenerator()
MASTER_KEY = decode_master_key(new_master_key())
"""One for the test session, shared by every module that signs: the PostgreSQL database (and the
signing keys sealed with it) outlives a test and a module."""


@pytest_asyncio.fixture
async def identity(database: Database) -> Callable[[], SqlIdentityUnitOfWork]:
    async with database.engine.begin() as connection:
        await connection.execute(delete(llm_api_keys))
        await connection.execute(delete(users))
        await connection.execute(delete(service_clients))
    return lambda: SqlIdentityUnitOfWork(database.sessions, SystemClock(), audit_chain="identity-tests")


def new_user(email: str = "", role: Role = Role.OPS, **changes: object) -> User:
    user_id = _ids.new_id()
    now = datetime.now(UTC).replace(microsecond=0)
    fields: dict[str, object] = {
        "id": user_id,
        "email": email or f"user-{user_id[-12:]}@example.com",
        "display_name": "Test User",
        "role": role,
        "status": UserStatus.ACTIVE,
        "password_hash": "$argon2id$v=19$m=8192,t=1,p=1$c2FsdA$aGFzaA",
        "customer_id": "cust-1" if role is Role.CUSTOMER else None,
        "created_at": now,
        "updated_at": now,
    }
    return User(**{**fields, **changes})  # type: ignore[arg-type]


async def audit_actions(database: Database, resource_id: str) -> list[tuple[str, str, str]]:
    """(action, actor kind, changes JSON) of the resource's audit records, oldest first."""
    statement = (
        select(audit_log.c.action, audit_log.c.actor_kind, audit_log.c.changes)
        .where(audit_log.c.resource_id == resource_id)
        .order_by(audit_log.c.seq)
    )
    async with database.engine.connect() as connection:
        return [tuple(row) for row in (await connection.execute(statement)).all()]  # type: ignore[misc]
