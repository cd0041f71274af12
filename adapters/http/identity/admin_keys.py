"""``/api/admin/keys``: rotating the access-token signing key (admins only)."""

from inspect import getdoc

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, post

from adapters.http.access import requires
from core.domain.access import Permission
from core.domain.audit.model import Invocation
from core.domain.identity.use_cases.keys import RotateSigningKey


class RotatedKey(msgspec.Struct, frozen=True, kw_only=True):
    kid: str


class AdminKeysController(Controller):
    path = "/api/admin/keys"
    tags = ["admin"]

    @post(
        "/rotate",
        operation_id="RotateSigningKey",
        opt=requires(Permission.USERS_MANAGE),
        status_code=201,
        description=getdoc(RotateSigningKey),
    )
    @inject
    async def rotate(self, use_case: FromDishka[RotateSigningKey], by: FromDishka[Invocation]) -> RotatedKey:
        return RotatedKey(kid=await use_case.execute(by))
