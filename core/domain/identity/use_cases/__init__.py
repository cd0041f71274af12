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
from core.domain.identity.use_cases.internal_clients import EnsureServiceClient, KnownClient
from core.domain.identity.use_cases.llm_keys import (
    CreateLlmApiKey,
    IssuedLlmApiKey,
    ListLlmApiKeys,
    ListOwnLlmApiKeys,
    NewLlmApiKey,
    RevokeLlmApiKey,
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
    "CreateLlmApiKey",
    "CreateServiceClient",
    "CreateUser",
    "DecoyHash",
    "DisableCustomerLogins",
    "DisableServiceClient",
    "DisableUser",
    "EnsureFirstAdmin",
    "EnsureServiceClient",
    "FirstAdmin",
    "GetUser",
    "IssuedClient",
    "IssuedLlmApiKey",
    "KnownClient",
    "ListLlmApiKeys",
    "ListOwnLlmApiKeys",
    "ListServiceClients",
    "ListUsers",
    "NewLlmApiKey",
    "NewServiceClient",
    "NewUser",
    "ResetPassword",
    "RevokeLlmApiKey",
    "SignOutEverywhere",
    "UnlockUser",
]
