"""``/api/admin/users``: user administration on the gateway (admins only)."""

from datetime import datetime
from inspect import getdoc

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody

from adapters.http.access import requires
from adapters.http.pagination import PAGED, PageOut, PageQuery
from core.domain.access import Permission, Role
from core.domain.audit.model import Invocation
from core.domain.identity.model import User, UserStatus
from core.domain.identity.use_cases import (
    ChangeUserRole,
    CreateUser,
    DisableUser,
    GetUser,
    ListUsers,
    NewUser,
    ResetPassword,
    UnlockUser,
)
from core.ports.identity import UserFilter

ADMIN = requires(Permission.USERS_MANAGE)


class UserIn(msgspec.Struct, frozen=True, kw_only=True):
    email: str
    password: str
    role: Role
    display_name: str
    customer_id: str | None = None


class RoleIn(msgspec.Struct, frozen=True, kw_only=True):
    role: Role
    customer_id: str | None = None


class PasswordIn(msgspec.Struct, frozen=True, kw_only=True):
    password: str


class UserOut(msgspec.Struct, frozen=True, kw_only=True):
    """A user as admins see it: never its password hash."""

    id: str
    email: str
    display_name: str
    role: Role
    status: UserStatus
    customer_id: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, user: User) -> "UserOut":
        return msgspec.convert(user, cls, from_attributes=True)


class AdminUsersController(Controller):
    path = "/api/admin/users"
    tags = ["admin: users"]

    @post("/", operation_id="CreateUser", description=getdoc(CreateUser), opt=ADMIN)
    @inject
    async def create(
        self, data: JSONBody[UserIn], use_case: FromDishka[CreateUser], by: FromDishka[Invocation]
    ) -> UserOut:
        command = NewUser(**{f: getattr(data, f) for f in data.__struct_fields__})
        return UserOut.of(await use_case.execute(command, by))

    @get("/", operation_id="ListUsers", description=getdoc(ListUsers), opt=ADMIN, dependencies=PAGED)
    @inject
    async def list_users(
        self,
        use_case: FromDishka[ListUsers],
        page: PageQuery,
        role: FromQuery[Role | None] = None,
        status: FromQuery[UserStatus | None] = None,
    ) -> PageOut[UserOut]:
        return PageOut.of(await use_case.execute(UserFilter(role=role, status=status), page), UserOut)

    @get("/{user_id:str}", operation_id="GetUser", description=getdoc(GetUser), opt=ADMIN)
    @inject
    async def get_user(self, user_id: FromPath[str], use_case: FromDishka[GetUser]) -> UserOut:
        return UserOut.of(await use_case.execute(user_id))

    @patch("/{user_id:str}", operation_id="ChangeUserRole", description=getdoc(ChangeUserRole), opt=ADMIN)
    @inject
    async def change_role(
        self,
        user_id: FromPath[str],
        data: JSONBody[RoleIn],
        use_case: FromDishka[ChangeUserRole],
        by: FromDishka[Invocation],
    ) -> UserOut:
        return UserOut.of(await use_case.execute(user_id, data.role, data.customer_id, by))

    @post(
        "/{user_id:str}/disable",
        operation_id="DisableUser",
        description=getdoc(DisableUser),
        opt=ADMIN,
        status_code=200,
    )
    @inject
    async def disable(
        self, user_id: FromPath[str], use_case: FromDishka[DisableUser], by: FromDishka[Invocation]
    ) -> UserOut:
        return UserOut.of(await use_case.execute(user_id, by))

    @post(
        "/{user_id:str}/password",
        operation_id="ResetPassword",
        description=getdoc(ResetPassword),
        opt=ADMIN,
        status_code=204,
    )
    @inject
    async def reset_password(
        self,
        user_id: FromPath[str],
        data: JSONBody[PasswordIn],
        use_case: FromDishka[ResetPassword],
        by: FromDishka[Invocation],
    ) -> None:
        await use_case.execute(user_id, data.password, by)

    @delete("/{user_id:str}/lock", operation_id="UnlockUser", description=getdoc(UnlockUser), opt=ADMIN)
    @inject
    async def unlock(
        self, user_id: FromPath[str], use_case: FromDishka[UnlockUser], by: FromDishka[Invocation]
    ) -> None:
        await use_case.execute(user_id, by)
