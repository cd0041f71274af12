"""``/v1/channels``, ``/v1/notification-rules`` and ``/v1/notifications``: where alerts go, which
events go there, and what was sent; for holders of ``integrations:manage`` (security ones:
admins)."""

from datetime import datetime
from inspect import getdoc

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, delete, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody

from adapters.http.access import requires
from adapters.http.pagination import PAGED, PageOut, PageQuery
from core.domain.access import Permission, Principal
from core.domain.notifications.model import (
    Channel,
    ChannelKind,
    Notification,
    NotificationStatus,
    Rule,
    Severity,
)
from core.domain.notifications.use_cases import (
    CreateChannel,
    CreateRule,
    DeleteChannel,
    DeleteRule,
    EmailPreferences,
    GetEmailPreferences,
    ListChannels,
    ListNotifications,
    ListRules,
    NewChannel,
    NewRule,
    SetEmailPreferences,
)

MANAGE = requires(Permission.INTEGRATIONS_MANAGE)
OWN = requires(Permission.ORDERS_OWN, Permission.TICKETS_OWN)


class ChannelOut(msgspec.Struct, frozen=True, kw_only=True):
    """A channel without its config: that is sealed and never answered."""

    id: str
    name: str
    kind: ChannelKind
    security: bool
    created_by: str
    created_at: datetime

    @classmethod
    def of(cls, channel: Channel) -> "ChannelOut":
        return msgspec.convert(channel, cls, from_attributes=True)


class ChannelsOut(msgspec.Struct, frozen=True, kw_only=True):
    items: list[ChannelOut]


class RuleOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    events: list[str]
    min_severity: Severity
    channel_ids: list[str]
    group_by: list[str]
    repeat_seconds: float
    created_by: str
    created_at: datetime

    @classmethod
    def of(cls, rule: Rule) -> "RuleOut":
        return msgspec.convert(rule, cls, from_attributes=True)


class RulesOut(msgspec.Struct, frozen=True, kw_only=True):
    items: list[RuleOut]


class NotificationOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    event_id: str
    event_type: str
    rule_id: str
    channel_id: str
    severity: Severity
    group_key: str
    subject: str
    status: NotificationStatus
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None

    @classmethod
    def of(cls, notification: Notification) -> "NotificationOut":
        return msgspec.convert(notification, cls, from_attributes=True)


class ChannelsController(Controller):
    path = "/v1/channels"
    tags = ["notifications"]

    @post("/", operation_id="CreateChannel", description=getdoc(CreateChannel), opt=MANAGE, status_code=201)
    @inject
    async def create(
        self,
        data: JSONBody[NewChannel],
        use_case: FromDishka[CreateChannel],
        principal: FromDishka[Principal],
    ) -> ChannelOut:
        return ChannelOut.of(await use_case.execute(data, principal))

    @get("/", operation_id="ListChannels", description=getdoc(ListChannels), opt=MANAGE)
    @inject
    async def list_channels(
        self, use_case: FromDishka[ListChannels], principal: FromDishka[Principal]
    ) -> ChannelsOut:
        return ChannelsOut(items=[ChannelOut.of(c) for c in await use_case.execute(principal)])

    @delete("/{channel_id:str}", operation_id="DeleteChannel", description=getdoc(DeleteChannel), opt=MANAGE)
    @inject
    async def remove(
        self, channel_id: FromPath[str], use_case: FromDishka[DeleteChannel], principal: FromDishka[Principal]
    ) -> None:
        await use_case.execute(channel_id, principal)


class RulesController(Controller):
    path = "/v1/notification-rules"
    tags = ["notifications"]

    @post("/", operation_id="CreateRule", description=getdoc(CreateRule), opt=MANAGE, status_code=201)
    @inject
    async def create(
        self, data: JSONBody[NewRule], use_case: FromDishka[CreateRule], principal: FromDishka[Principal]
    ) -> RuleOut:
        return RuleOut.of(await use_case.execute(data, principal))

    @get("/", operation_id="ListRules", description=getdoc(ListRules), opt=MANAGE)
    @inject
    async def list_rules(self, use_case: FromDishka[ListRules], principal: FromDishka[Principal]) -> RulesOut:
        return RulesOut(items=[RuleOut.of(r) for r in await use_case.execute(principal)])

    @delete("/{rule_id:str}", operation_id="DeleteRule", description=getdoc(DeleteRule), opt=MANAGE)
    @inject
    async def remove(
        self, rule_id: FromPath[str], use_case: FromDishka[DeleteRule], principal: FromDishka[Principal]
    ) -> None:
        await use_case.execute(rule_id, principal)


class NotificationsController(Controller):
    path = "/v1/notifications"
    tags = ["notifications"]

    @get(
        "/",
        operation_id="ListNotifications",
        description=getdoc(ListNotifications),
        opt=MANAGE,
        dependencies=PAGED,
    )
    @inject
    async def list_notifications(
        self,
        page: PageQuery,
        use_case: FromDishka[ListNotifications],
        principal: FromDishka[Principal],
        status: FromQuery[NotificationStatus | None] = None,
    ) -> PageOut[NotificationOut]:
        return PageOut.mapped(await use_case.execute(status, page, principal), NotificationOut.of)


class CustomerEmailsController(Controller):
    path = "/v1/customer-emails/me"
    tags = ["notifications"]

    @get("/", operation_id="GetEmailPreferences", description=getdoc(GetEmailPreferences), opt=OWN)
    @inject
    async def preferences(
        self, use_case: FromDishka[GetEmailPreferences], principal: FromDishka[Principal]
    ) -> EmailPreferences:
        return await use_case.execute(principal)

    @put("/", operation_id="SetEmailPreferences", description=getdoc(SetEmailPreferences), opt=OWN)
    @inject
    async def choose(
        self,
        data: JSONBody[EmailPreferences],
        use_case: FromDishka[SetEmailPreferences],
        principal: FromDishka[Principal],
    ) -> EmailPreferences:
        return await use_case.execute(data, principal)
