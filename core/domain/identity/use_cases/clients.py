"""Service clients (client_credentials): create, list, disable, authenticate."""

import secrets
from typing import NoReturn

import msgspec

from core.domain.access import ROLE_PERMISSIONS, Permission, Role
from core.domain.audit.changes import Change, Resource, record
from core.domain.audit.model import ANONYMOUS, Invocation
from core.domain.errors import NotFound, RuleViolated
from core.domain.events import publish
from core.domain.identity.audit import CLIENTS
from core.domain.identity.errors import InvalidClient
from core.domain.identity.events import IdentityClientAuthFailed
from core.domain.identity.lockout import LoginThrottle, email_digest
from core.domain.identity.model import ServiceClient, UserStatus
from core.domain.identity.use_cases._common import DecoyHash
from core.ports.clock import Clock, IdGenerator
from core.ports.identity import IdentityUnitOfWork
from core.ports.pagination import Page, PageRequest
from core.ports.password_hasher import PasswordHasher
from core.ports.revocation import TokenRevocations


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
            record(uow, by, self._clock.now(), CLIENTS.change("create", None, client))
            await uow.commit()
        return IssuedClient(client=client, secret=secret)


class ListServiceClients:
    """- Oldest first, 1 to 200 per page (default 50)."""

    def __init__(self, uow: IdentityUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, page: PageRequest) -> Page[ServiceClient]:
        async with self._uow as uow:
            return await uow.clients.list(page)


class DisableServiceClient:
    """- A disabled client cannot authenticate, and its tokens stop working at once.
    - Disabling a disabled client changes nothing. The change is audited."""

    def __init__(self, uow: IdentityUnitOfWork, clock: Clock, revocations: TokenRevocations) -> None:
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
            record(uow, by, self._clock.now(), CLIENTS.change("disable", client, changed))
            await self._revocations.revoke_subject(client.client_id)
            await uow.commit()
        return changed


def client_digest(client_id: str) -> str:
    """Names a client in lock keys and events as ``email_digest`` names an account."""
    return email_digest(f"client:{client_id}")


class AuthenticateClient:
    """- An unknown client_id, a wrong secret, a disabled client and a locked one get the same
      answer (`InvalidClient`), after the same amount of hashing work.
    - Failures are throttled like user logins (per client and address, per client, per address)
      and each is audited (actor anonymous) and emitted as `identity.client_auth_failed` with the
      client_id's SHA-256, the IP and the reason, for threat detection."""

    def __init__(
        self,
        uow: IdentityUnitOfWork,
        hasher: PasswordHasher,
        decoy: DecoyHash,
        throttle: LoginThrottle,
        clock: Clock,
        ids: IdGenerator,
    ) -> None:
        self._uow, self._hasher, self._decoy = uow, hasher, decoy
        self._throttle, self._clock, self._ids = throttle, clock, ids

    async def execute(self, client_id: str, secret: str, by: Invocation) -> ServiceClient:
        digest = client_digest(client_id)
        if await self._throttle.locked_for(digest, by.client_ip) is not None:
            await self._fail(digest, None, "locked", by)
        async with self._uow as uow:
            client = await uow.clients.get_by_client_id(client_id)
        if client is None:
            await self._hasher.verify(await self._decoy.get(), secret)
            await self._fail(digest, None, "unknown_client", by)
        elif not await self._hasher.verify(client.secret_hash, secret):
            await self._fail(digest, client, "bad_secret", by)
        elif client.status is not UserStatus.ACTIVE:
            await self._fail(digest, client, "disabled", by)
        assert client is not None  # every other path raised
        await self._throttle.succeeded(digest, by.client_ip)
        return client

    async def _fail(self, digest: str, client: ServiceClient | None, reason: str, by: Invocation) -> NoReturn:
        failed = IdentityClientAuthFailed(client_sha256=digest, ip=by.client_ip, reason=reason)
        async with self._uow as uow:
            publish(
                uow,
                failed,
                event_id=self._ids.new_id(),
                at=self._clock.now(),
                correlation_id=by.correlation_id,
            )
            record(
                uow,
                msgspec.structs.replace(by, actor=ANONYMOUS),
                self._clock.now(),
                Change(
                    action="client_auth_failed",
                    resource=Resource(
                        "service_client", client.id if client else f"client-id-sha256:{digest}"
                    ),
                    before=None,
                    after={"reason": reason},
                ),
            )
            await uow.commit()
        if reason != "locked":
            await self._throttle.failed(digest, by.client_ip)
        raise InvalidClient()
