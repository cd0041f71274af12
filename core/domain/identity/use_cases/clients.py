"""Service clients (client_credentials): create, list, disable, authenticate."""

import secrets

import msgspec

from core.domain.audit.model import Invocation
from core.domain.errors import NotFound, RuleViolated
from core.domain.identity.errors import InvalidClient
from core.domain.identity.model import ROLE_PERMISSIONS, Permission, Role, ServiceClient, UserStatus
from core.domain.identity.use_cases._common import MAX_PAGE, DecoyHash, audit, client_state
from core.ports.clock import Clock, IdGenerator
from core.ports.identity import IdentityUnitOfWork
from core.ports.password_hasher import PasswordHasher
from core.ports.revocation import SubjectRevocations


class NewServiceClient(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    role: Role
    scopes: frozenset[Permission] | None = None
    """None: everything the role allows (stored as that set). Never empty."""


class IssuedClient(msgspec.Struct, frozen=True, kw_only=True):
    client: ServiceClient
    secret: str
    """Shown once, at creation; only its hash is stored."""


class CreateServiceClient:
    """- A client's scopes never exceed what its role allows; without scopes it gets the role's,
      stored explicitly. An empty list of scopes is refused: it never means "the whole role".
    - The client_id and a 256-bit secret are generated; the secret is returned once and only
      its argon2 hash is kept.
    - The creation is audited without the secret or its hash."""

    def __init__(
        self, uow: IdentityUnitOfWork, hasher: PasswordHasher, clock: Clock, ids: IdGenerator
    ) -> None:
        self._uow, self._hasher, self._clock, self._ids = uow, hasher, clock, ids

    async def execute(self, cmd: NewServiceClient, by: Invocation) -> IssuedClient:
        name = cmd.name.strip()
        if not name:
            raise RuleViolated("the client name must not be empty")
        allowed = ROLE_PERMISSIONS[cmd.role]
        scopes = allowed if cmd.scopes is None else cmd.scopes
        if not scopes:
            raise RuleViolated("a service client needs at least one scope; omit scopes for its role's")
        if not scopes <= allowed:
            extra = ", ".join(sorted(scopes - allowed))
            raise RuleViolated(f"the role {cmd.role} does not allow: {extra}")
        secret = secrets.token_urlsafe(32)
        client = ServiceClient(
            id=self._ids.new_id(),
            client_id=f"svc_{secrets.token_hex(12)}",
            name=name,
            secret_hash=await self._hasher.hash(secret),
            role=cmd.role,
            scopes=frozenset(scopes),
            status=UserStatus.ACTIVE,
            created_at=self._clock.now(),
        )
        async with self._uow as uow:
            await uow.clients.add(client)
            audit(
                uow,
                self._clock,
                by,
                action="create",
                resource=("service_client", client.id),
                before=None,
                after=client_state(client),
            )
            await uow.commit()
        return IssuedClient(client=client, secret=secret)


class ListServiceClients:
    """- Oldest first, at most 200 per page."""

    def __init__(self, uow: IdentityUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, *, after: str | None = None, limit: int = 50) -> list[ServiceClient]:
        async with self._uow as uow:
            return await uow.clients.list(after=after, limit=max(1, min(limit, MAX_PAGE)))


class DisableServiceClient:
    """- A disabled client cannot authenticate, and its tokens stop working at once.
    - Disabling a disabled client changes nothing. The change is audited."""

    def __init__(self, uow: IdentityUnitOfWork, clock: Clock, revocations: SubjectRevocations) -> None:
        self._uow, self._clock, self._revocations = uow, clock, revocations

    async def execute(self, client_pk: str, by: Invocation) -> ServiceClient:
        async with self._uow as uow:
            client = await uow.clients.get(client_pk)
            if client is None:
                raise NotFound("service client not found")
            if client.status is UserStatus.DISABLED:
                return client
            changed = msgspec.structs.replace(client, status=UserStatus.DISABLED)
            await uow.clients.update(changed)
            audit(
                uow,
                self._clock,
                by,
                action="disable",
                resource=("service_client", client.id),
                before=client_state(client),
                after=client_state(changed),
            )
            await self._revocations.revoke_all(client.client_id)
            await uow.commit()
        return changed


class AuthenticateClient:
    """- An unknown client_id, a wrong secret and a disabled client get the same answer
    (`InvalidClient`), after the same amount of hashing work."""

    def __init__(self, uow: IdentityUnitOfWork, hasher: PasswordHasher, decoy: DecoyHash) -> None:
        self._uow, self._hasher, self._decoy = uow, hasher, decoy

    async def execute(self, client_id: str, secret: str) -> ServiceClient:
        async with self._uow as uow:
            client = await uow.clients.get_by_client_id(client_id)
        if client is None:
            await self._hasher.verify(await self._decoy.get(), secret)
            raise InvalidClient()
        if (
            not await self._hasher.verify(client.secret_hash, secret)
            or client.status is not UserStatus.ACTIVE
        ):
            raise InvalidClient()
        return client
