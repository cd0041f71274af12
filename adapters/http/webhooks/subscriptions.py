"""``/v1/webhooks``: subscriptions to the platform's events, for holders of ``integrations:manage``."""

from datetime import datetime
from inspect import getdoc
from typing import Annotated

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, JSONBody

from adapters.http.access import requires
from adapters.http.pagination import PAGED, PageOut, PageQuery
from adapters.http.route_policy import gateway_policy
from core.domain.access import Permission, Principal
from core.domain.audit.model import Invocation
from core.domain.webhooks.model import Subscription
from core.domain.webhooks.use_cases import (
    CreateSubscription,
    DeleteSubscription,
    GetSubscription,
    ListSubscriptions,
    NewSubscription,
    RotateSecret,
    SubscriptionChanges,
    UpdateSubscription,
)

MANAGE = requires(Permission.INTEGRATIONS_MANAGE)


class SubscriptionIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    url: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    events: Annotated[list[str], msgspec.Meta(min_length=1, max_length=50)]
    description: Annotated[str, msgspec.Meta(max_length=500)] = ""


class RotateIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    overlap_seconds: int = 86_400
    """How long the previous secret still signs, besides the new one."""


class SubscriptionOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    owner: str
    url: str
    events: list[str]
    description: str
    active: bool
    disabled_reason: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, subscription: Subscription) -> "SubscriptionOut":
        return msgspec.convert(subscription, cls, from_attributes=True)


class SubscriptionWithSecretOut(SubscriptionOut, frozen=True, kw_only=True):
    secret: str
    """`whsec_...`: shown in this answer only."""


def _with_secret(subscription: Subscription, secret: str) -> SubscriptionWithSecretOut:
    return SubscriptionWithSecretOut(
        **msgspec.structs.asdict(SubscriptionOut.of(subscription)), secret=secret
    )


class WebhooksController(Controller):
    path = "/v1/webhooks"
    tags = ["webhooks"]

    @post(
        "/",
        operation_id="CreateSubscription",
        description=getdoc(CreateSubscription),
        opt=MANAGE,
        status_code=201,
        **gateway_policy(content=["description"]),
    )
    @inject
    async def create(
        self,
        data: JSONBody[SubscriptionIn],
        use_case: FromDishka[CreateSubscription],
        principal: FromDishka[Principal],
        by: FromDishka[Invocation],
    ) -> SubscriptionWithSecretOut:
        command = msgspec.convert(data, NewSubscription, from_attributes=True)
        subscription, secret = await use_case.execute(command, principal, by)
        return _with_secret(subscription, secret)

    @get(
        "/",
        operation_id="ListSubscriptions",
        description=getdoc(ListSubscriptions),
        opt=MANAGE,
        dependencies=PAGED,
    )
    @inject
    async def list_subscriptions(
        self, page: PageQuery, use_case: FromDishka[ListSubscriptions], principal: FromDishka[Principal]
    ) -> PageOut[SubscriptionOut]:
        return PageOut.mapped(await use_case.execute(principal, page), SubscriptionOut.of)

    @get(
        "/{subscription_id:str}",
        operation_id="GetSubscription",
        description=getdoc(GetSubscription),
        opt=MANAGE,
    )
    @inject
    async def get_subscription(
        self,
        subscription_id: FromPath[str],
        use_case: FromDishka[GetSubscription],
        principal: FromDishka[Principal],
    ) -> SubscriptionOut:
        return SubscriptionOut.of(await use_case.execute(subscription_id, principal))

    @patch(
        "/{subscription_id:str}",
        operation_id="UpdateSubscription",
        description=getdoc(UpdateSubscription),
        opt=MANAGE,
        **gateway_policy(content=["description"]),
    )
    @inject
    async def update(
        self,
        subscription_id: FromPath[str],
        data: JSONBody[SubscriptionChanges],
        use_case: FromDishka[UpdateSubscription],
        principal: FromDishka[Principal],
        by: FromDishka[Invocation],
    ) -> SubscriptionOut:
        return SubscriptionOut.of(await use_case.execute(subscription_id, data, principal, by))

    @delete(
        "/{subscription_id:str}",
        operation_id="DeleteSubscription",
        description=getdoc(DeleteSubscription),
        opt=MANAGE,
    )
    @inject
    async def delete_subscription(
        self,
        subscription_id: FromPath[str],
        use_case: FromDishka[DeleteSubscription],
        principal: FromDishka[Principal],
        by: FromDishka[Invocation],
    ) -> None:
        await use_case.execute(subscription_id, principal, by)

    @post(
        "/{subscription_id:str}/secret/rotate",
        operation_id="RotateSecret",
        description=getdoc(RotateSecret),
        opt=MANAGE,
        status_code=200,
    )
    @inject
    async def rotate(
        self,
        subscription_id: FromPath[str],
        use_case: FromDishka[RotateSecret],
        principal: FromDishka[Principal],
        by: FromDishka[Invocation],
        data: JSONBody[RotateIn | None] = None,
    ) -> SubscriptionWithSecretOut:
        overlap = (data or RotateIn()).overlap_seconds
        subscription, secret = await use_case.execute(subscription_id, overlap, principal, by)
        return _with_secret(subscription, secret)
