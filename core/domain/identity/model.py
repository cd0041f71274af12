"""Users and service clients: the accounts identity keeps (roles and permissions are in
``core.domain.access``)."""

from datetime import datetime
from enum import StrEnum

import msgspec

from core.domain.access import Permission, Role


class UserStatus(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"


class User(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    email: str
    """Normalised: trimmed and lower-cased; unique."""
    display_name: str
    role: Role
    status: UserStatus
    password_hash: str
    customer_id: str | None = None
    """The CRM customer a ``customer`` user acts for; None for every other role."""
    created_at: datetime
    updated_at: datetime


class ServiceClient(msgspec.Struct, frozen=True, kw_only=True):
    """A machine client using the client_credentials grant."""

    id: str
    client_id: str
    name: str
    secret_hash: str
    role: Role
    scopes: frozenset[Permission]
    """What its tokens may do: never more than its role allows."""
    status: UserStatus
    created_at: datetime
