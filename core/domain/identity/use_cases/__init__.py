"""Identity use cases: one class per use case, each with ``execute``."""

from core.domain.identity.use_cases._common import DecoyHash
from core.domain.identity.use_cases.bootstrap import EnsureFirstAdmin, FirstAdmin
from core.domain.identity.use_cases.clients import (
    AuthenticateClient,
    CreateServiceClient,
    DisableServiceClient,
    IssuedClient,
    ListServiceClients,
    NewServiceClient,
)
from core.domain.identity.use_cases.login import AuthenticateUser
from core.domain.identity.use_cases.self_service import ChangeOwnPassword, SignOutEverywhere
from core.domain.identity.use_cases.user_changes import (
    ChangeUserRole,
    DisableCustomerLogins,
    DisableUser,
    ResetPassword,
    UnlockUser,
)
from core.domain.identity.use_cases.users import CreateUser, GetUser, ListUsers, NewUser

__all__ = [
    "AuthenticateClient",
    "AuthenticateUser",
    "ChangeOwnPassword",
    "ChangeUserRole",
    "CreateServiceClient",
    "CreateUser",
    "DecoyHash",
    "DisableCustomerLogins",
    "DisableServiceClient",
    "DisableUser",
    "EnsureFirstAdmin",
    "FirstAdmin",
    "GetUser",
    "IssuedClient",
    "ListServiceClients",
    "ListUsers",
    "NewServiceClient",
    "NewUser",
    "ResetPassword",
    "SignOutEverywhere",
    "UnlockUser",
]
