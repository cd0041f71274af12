"""LLM API keys on the gateway: ``/auth/me/llm-keys`` for one's own (``llm:use``) and
``/api/admin/llm-keys`` for everyone's (``users:manage`` or ``llm:admin``)."""

from datetime import datetime
from inspect import getdoc
from typing import Annotated

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Response, delete, get, post
from litestar.params import FromPath, JSONBody

from adapters.http.access import requires
from adapters.http.pagination import PAGED, PageOut, PageQuery
from core.domain.access import Permission, Principal
from core.domain.audit.model import Invocation
from core.domain.identity.llm_keys import MAX_KEY_LIMIT, LlmApiKey
from core.domain.identity.use_cases import (
    CreateLlmApiKey,
    ListLlmApiKeys,
    ListOwnLlmApiKeys,
    NewLlmApiKey,
    RevokeLlmApiKey,
)

OWN_KEYS = requires(Permission.LLM_USE)
ANY_KEYS = requires(Permission.USERS_MANAGE, Permission.LLM_ADMIN)
NO_STORE = {"Cache-Control": "no-store"}
Limit = Annotated[int, msgspec.Meta(ge=1, le=MAX_KEY_LIMIT)]


class LlmKeyIn(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    scopes: list[Permission] | None = None
    expires_at: Annotated[datetime, msgspec.Meta(tz=True)] | None = None
    daily_token_limit: Limit | None = None
    rpm_limit: Limit | None = None


class LlmKeyOut(msgspec.Struct, frozen=True, kw_only=True):
    """A key as lists show it: its first characters, never the key or its hash."""

    id: str
    owner_id: str
    name: str
    prefix: str
    scopes: list[Permission]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    daily_token_limit: int | None
    rpm_limit: int | None

    @classmethod
    def of(cls, key: LlmApiKey) -> "LlmKeyOut":
        return cls(
            id=key.id,
            owner_id=key.owner_id,
            name=key.name,
            prefix=key.prefix,
            scopes=sorted(key.scopes),
            created_at=key.created_at,
            expires_at=key.expires_at,
            last_used_at=key.last_used_at,
            revoked_at=key.revoked_at,
            daily_token_limit=key.daily_token_limit,
            rpm_limit=key.rpm_limit,
        )


class IssuedLlmKeyOut(msgspec.Struct, frozen=True, kw_only=True):
    key: LlmKeyOut
    api_key: str
    """Shown this once; it cannot be read again. Send it as ``Authorization: Bearer ...`` to
    ``/api/llm/v1/...``."""


class OwnLlmKeysController(Controller):
    path = "/auth/me/llm-keys"
    tags = ["identity: LLM API keys"]

    @post("/", operation_id="CreateLlmApiKey", description=getdoc(CreateLlmApiKey), opt=OWN_KEYS)
    @inject
    async def create(
        self,
        data: JSONBody[LlmKeyIn],
        principal: FromDishka[Principal],
        by: FromDishka[Invocation],
        use_case: FromDishka[CreateLlmApiKey],
    ) -> Response[IssuedLlmKeyOut]:
        scopes = None if data.scopes is None else frozenset(data.scopes)
        command = NewLlmApiKey(
            name=data.name,
            scopes=scopes,
            expires_at=data.expires_at,
            daily_token_limit=data.daily_token_limit,
            rpm_limit=data.rpm_limit,
        )
        issued = await use_case.execute(command, principal, by)
        body = IssuedLlmKeyOut(key=LlmKeyOut.of(issued.key), api_key=issued.secret)
        return Response(body, status_code=201, headers=NO_STORE)

    @get(
        "/",
        operation_id="ListOwnLlmApiKeys",
        description=getdoc(ListOwnLlmApiKeys),
        opt=OWN_KEYS,
        dependencies=PAGED,
    )
    @inject
    async def list_own(
        self, principal: FromDishka[Principal], use_case: FromDishka[ListOwnLlmApiKeys], page: PageQuery
    ) -> PageOut[LlmKeyOut]:
        return PageOut.mapped(await use_case.execute(principal, page), LlmKeyOut.of)

    @delete(
        "/{key_id:str}",
        operation_id="RevokeOwnLlmApiKey",
        description=getdoc(RevokeLlmApiKey),
        opt=OWN_KEYS,
        status_code=200,
    )
    @inject
    async def revoke(
        self,
        key_id: FromPath[str],
        principal: FromDishka[Principal],
        by: FromDishka[Invocation],
        use_case: FromDishka[RevokeLlmApiKey],
    ) -> LlmKeyOut:
        return LlmKeyOut.of(await use_case.execute(key_id, principal, by))


class AdminLlmKeysController(Controller):
    path = "/api/admin/llm-keys"
    tags = ["admin: LLM API keys"]

    @get(
        "/",
        operation_id="ListLlmApiKeys",
        description=getdoc(ListLlmApiKeys),
        opt=ANY_KEYS,
        dependencies=PAGED,
    )
    @inject
    async def list_all(self, use_case: FromDishka[ListLlmApiKeys], page: PageQuery) -> PageOut[LlmKeyOut]:
        return PageOut.mapped(await use_case.execute(page), LlmKeyOut.of)

    @delete(
        "/{key_id:str}",
        operation_id="RevokeLlmApiKey",
        description=getdoc(RevokeLlmApiKey),
        opt=ANY_KEYS,
        status_code=200,
    )
    @inject
    async def revoke(
        self,
        key_id: FromPath[str],
        principal: FromDishka[Principal],
        by: FromDishka[Invocation],
        use_case: FromDishka[RevokeLlmApiKey],
    ) -> LlmKeyOut:
        return LlmKeyOut.of(await use_case.execute(key_id, principal, by))
