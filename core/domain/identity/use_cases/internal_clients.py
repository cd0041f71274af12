"""The platform's own service clients (orchestration's client of the LLM service), which
``bhiv up`` keeps for itself across restarts (decision 0033)."""

import msgspec

from core.domain.access import ROLE_PERMISSIONS
from core.domain.audit.model import Invocation
from core.domain.identity.model import UserStatus
from core.domain.identity.use_cases.clients import (
    CreateServiceClient,
    DisableServiceClient,
    IssuedClient,
    NewServiceClient,
)
from core.ports.identity import IdentityUnitOfWork
from core.ports.password_hasher import PasswordHasher


class KnownClient(msgspec.Struct, frozen=True, kw_only=True):
    """Credentials issued on an earlier start, as they were kept."""

    client_id: str
    secret: str


class EnsureServiceClient:
    """- A client issued before is kept when it is still active, with the wanted name, role and
      scopes, and its kept secret still matches; nothing is written then.
    - Otherwise a new client is created (audited, its secret returned once), and the one issued
      before, when it still exists, is disabled: no stale credentials stay valid."""

    def __init__(
        self,
        uow: IdentityUnitOfWork,
        hasher: PasswordHasher,
        create: CreateServiceClient,
        disable: DisableServiceClient,
    ) -> None:
        self._uow, self._hasher, self._create, self._disable = uow, hasher, create, disable

    async def execute(
        self, wanted: NewServiceClient, known: KnownClient | None, by: Invocation
    ) -> IssuedClient:
        scopes = ROLE_PERMISSIONS[wanted.role] if wanted.scopes is None else wanted.scopes
        client = None
        if known is not None:
            async with self._uow as uow:
                client = await uow.clients.get_by_client_id(known.client_id)
        if known is not None and client is not None:
            if (
                client.status is UserStatus.ACTIVE
                and client.name == wanted.name
                and client.role is wanted.role
                and client.scopes == scopes
                and await self._hasher.verify(client.secret_hash, known.secret)
            ):
                return IssuedClient(client=client, secret=known.secret)
            await self._disable.execute(client.id, by)
        return await self._create.execute(wanted, by)
