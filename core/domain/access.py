"""Who may do what: the five roles, the permissions, the one matrix between them, and the
verified caller (``Principal``) that every context's use cases check. The shared kernel of
access: identity issues principals, every other context only reads them."""

from collections.abc import Mapping
from enum import StrEnum
from typing import Literal

import msgspec

from core.domain.errors import Forbidden, NotFound


class Role(StrEnum):
    ADMIN = "admin"
    OPS = "ops"
    SALES = "sales"
    CUSTOMER = "customer"
    SUPPORT = "support"


class Permission(StrEnum):
    LOGISTICS_READ = "logistics:read"
    LOGISTICS_WRITE = "logistics:write"
    ORDERS_OWN = "orders:own"
    """Read and place one's own orders (customers; object-level rule below)."""
    CRM_READ = "crm:read"
    CRM_WRITE = "crm:write"
    TICKETS_WRITE = "tickets:write"
    TICKETS_OWN = "tickets:own"
    """Open and read one's own support tickets (customers)."""
    AGENTS_USE = "agents:use"
    AGENTS_ADMIN = "agents:admin"
    LLM_USE = "llm:use"
    LLM_ADMIN = "llm:admin"
    """Read everyone's LLM usage and manage the LLM service (admins)."""
    LLM_DELEGATE = "llm:delegate"
    """Call the LLM service on behalf of a signed-in user, charging that user (service clients
    of other services, e.g. orchestration's agents)."""
    INTEGRATIONS_MANAGE = "integrations:manage"
    AUDIT_READ = "audit:read"
    THREATS_MANAGE = "threats:manage"
    USERS_MANAGE = "users:manage"
    PLATFORM_OBSERVE = "platform:observe"
    """Read the services' metrics and OpenAPI documents through the gateway."""
    TOKENS_INTROSPECT = "tokens:introspect"
    """Introspect any token (RFC 7662); service clients only, never a user's token."""


P = Permission
ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.OPS: frozenset(
        {
            P.LOGISTICS_READ,
            P.LOGISTICS_WRITE,
            P.CRM_READ,
            P.AGENTS_USE,
            P.LLM_USE,
            P.LLM_DELEGATE,
            P.INTEGRATIONS_MANAGE,
            P.PLATFORM_OBSERVE,
            P.TOKENS_INTROSPECT,
        }
    ),
    Role.SALES: frozenset({P.CRM_READ, P.CRM_WRITE, P.LOGISTICS_READ, P.AGENTS_USE, P.LLM_USE}),
    Role.SUPPORT: frozenset({P.CRM_READ, P.TICKETS_WRITE, P.LOGISTICS_READ, P.AGENTS_USE, P.LLM_USE}),
    Role.CUSTOMER: frozenset({P.ORDERS_OWN, P.TICKETS_OWN, P.AGENTS_USE}),
}
"""The single source of truth; docs/security.md shows it and a test keeps the two equal."""
CLIENT_ONLY_PERMISSIONS = frozenset({P.TOKENS_INTROSPECT, P.LLM_DELEGATE})
"""Granted to service clients whose role allows them, never in a user's token."""


PrincipalKind = Literal["user", "client"]


class ApiKeyLimits(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """An LLM API key's own quota, carried in the tokens the gateway exchanges it for."""

    tokens_per_day: int | None = None
    requests_per_minute: int | None = None


class Principal(msgspec.Struct, frozen=True, kw_only=True):
    """Who is calling, as verified from a token."""

    subject: str
    kind: PrincipalKind
    role: Role
    permissions: frozenset[Permission]
    customer_id: str | None = None
    token_id: str | None = None
    api_key_id: str | None = None
    """Set when the caller came with an LLM API key (``bhiv_sk_...``) that the gateway exchanged."""
    api_key_limits: ApiKeyLimits | None = None

    def has(self, permission: Permission) -> bool:
        return permission in self.permissions


def permissions_for(
    role: Role, scope: frozenset[Permission] | None = None, kind: PrincipalKind = "user"
) -> frozenset[Permission]:
    """A token's permissions: its role's (without the client-only ones for a user), narrowed to
    the requested scope when there is one."""
    allowed = ROLE_PERMISSIONS[role]
    if kind == "user":
        allowed = allowed - CLIENT_ONLY_PERMISSIONS
    return allowed if scope is None else allowed & scope


def require(principal: Principal, permission: Permission) -> None:
    if not principal.has(permission):
        raise Forbidden(f"this action needs the {permission} permission")


def ensure_may_access_customer_record(
    principal: Principal,
    owner_customer_id: str | None,
    *,
    any_record: Permission,
    own_record: Permission,
    resource: str,
) -> None:
    """Staff with ``any_record`` see every record; a customer with ``own_record`` only theirs.

    Someone else's record is answered as missing (NotFound), so its existence is not revealed.
    """
    if principal.has(any_record):
        return
    if (
        principal.has(own_record)
        and principal.customer_id is not None
        and principal.customer_id == owner_customer_id
    ):
        return
    raise NotFound(f"{resource} not found")
