from datetime import datetime
from typing import Protocol

import msgspec

from core.domain.access import Role
from core.domain.identity.llm_keys import LlmApiKey
from core.domain.identity.model import ServiceClient, User, UserStatus
from core.ports.pagination import Page, PageRequest
from core.ports.uow import UnitOfWork


class UserFilter(msgspec.Struct, frozen=True, kw_only=True):
    role: Role | None = None
    status: UserStatus | None = None
    customer_id: str | None = None


class UserRepository(Protocol):
    async def get(self, user_id: str, *, lock: bool = False) -> User | None:
        """``lock``: the row stays locked until the unit of work ends, so that changes to one
        user's credentials and the tokens they back happen one after the other."""
        ...

    async def get_by_email(self, email: str) -> User | None:
        """``email`` is compared in its normalised form (trimmed, lower-cased)."""
        ...

    async def add(self, user: User) -> None:
        """Raises ``Conflict`` when the email is taken (at the latest on commit)."""
        ...

    async def update(self, user: User) -> None:
        """Replaces the stored user of the same id; raises ``NotFound`` when there is none."""
        ...

    async def list(self, query: UserFilter, page: PageRequest) -> Page[User]:
        """Oldest first (ids are time-ordered)."""
        ...

    async def count_admins(self) -> int:
        """Active users with the admin role."""
        ...

    async def lock_active_admins(self) -> int:
        """Locks the rows of the active admins (in id order, so that two callers cannot
        deadlock) until the unit of work ends, and counts them: a change that may remove an
        admin counts under this lock, so two such changes at once cannot both pass."""
        ...


class ServiceClientRepository(Protocol):
    async def get(self, client_pk: str) -> ServiceClient | None: ...

    async def get_by_client_id(self, client_id: str) -> ServiceClient | None: ...

    async def add(self, client: ServiceClient) -> None:
        """Raises ``Conflict`` when the client_id is taken."""
        ...

    async def update(self, client: ServiceClient) -> None: ...

    async def list(self, page: PageRequest) -> Page[ServiceClient]:
        """Oldest first (ids are time-ordered)."""
        ...


class LlmApiKeyRepository(Protocol):
    async def get(self, key_id: str, *, lock: bool = False) -> LlmApiKey | None:
        """``lock``: the row stays locked until the unit of work ends (revocations one at a time)."""
        ...

    async def get_by_hash(self, secret_hash: str) -> LlmApiKey | None: ...

    async def add(self, key: LlmApiKey) -> None:
        """Raises ``Conflict`` when the id or the hash is taken."""
        ...

    async def revoke(self, key_id: str, at: datetime) -> None:
        """Sets ``revoked_at``; raises ``NotFound`` when there is no such key."""
        ...

    async def touch(self, key_id: str, at: datetime) -> None:
        """Records a use (``last_used_at``); a missing key is ignored."""
        ...

    async def list(self, owner_id: str | None, page: PageRequest) -> Page[LlmApiKey]:
        """Oldest first; one owner's, or everyone's when ``owner_id`` is None."""
        ...


class IdentityUnitOfWork(UnitOfWork, Protocol):
    users: UserRepository
    clients: ServiceClientRepository
    llm_keys: LlmApiKeyRepository


class CustomerDirectory(Protocol):
    """CRM's customers as identity needs them: a customer login must act for one that exists.
    CRM owns customers; identity asks it (an authenticated call, decision 0027)."""

    async def exists(self, customer_id: str) -> bool:
        """Raises ``Unavailable`` when CRM cannot answer: no user is linked on a guess."""
        ...
