"""``/v1/webhooks/{id}/...``: what a subscription was sent (messages, the dead-letter list, every
attempt), replays and test events."""

from datetime import datetime
from inspect import getdoc

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from adapters.http.pagination import PAGED, PageOut, PageQuery
from adapters.http.webhooks.subscriptions import MANAGE
from core.domain.access import Principal
from core.domain.webhooks.messages import (
    ListDeliveries,
    ListMessages,
    ReplayMessage,
    ReplaySince,
    SendTestEvent,
)
from core.domain.webhooks.model import Attempt, FailureOrigin, Message, MessageStatus


class ReplayIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    since: datetime
    include_delivered: bool = False


class ReplayedOut(msgspec.Struct, frozen=True, kw_only=True):
    replayed: int


class AttemptOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    message_id: str
    event_id: str
    number: int
    attempted_at: datetime
    status_code: int | None
    latency_ms: int
    response_excerpt: str
    error: str | None
    failure: FailureOrigin | None

    @classmethod
    def of(cls, attempt: Attempt) -> "AttemptOut":
        fields = msgspec.structs.asdict(attempt)
        return cls(**{k: v for k, v in fields.items() if k in cls.__struct_fields__}, failure=attempt.origin)


class MessageOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    event_id: str
    event_type: str
    occurred_at: datetime
    status: MessageStatus
    attempts: int
    next_attempt_at: datetime | None
    failure: FailureOrigin | None
    last_error: str | None
    finished_at: datetime | None

    @classmethod
    def of(cls, message: Message) -> "MessageOut":
        return msgspec.convert(message, cls, from_attributes=True)


class WebhookMessagesController(Controller):
    path = "/v1/webhooks"
    tags = ["webhooks"]

    @get(
        "/{subscription_id:str}/deliveries",
        operation_id="ListDeliveries",
        description=getdoc(ListDeliveries),
        opt=MANAGE,
        dependencies=PAGED,
    )
    @inject
    async def deliveries(
        self,
        subscription_id: FromPath[str],
        page: PageQuery,
        use_case: FromDishka[ListDeliveries],
        principal: FromDishka[Principal],
    ) -> PageOut[AttemptOut]:
        return PageOut.mapped(await use_case.execute(subscription_id, principal, page), AttemptOut.of)

    @get(
        "/{subscription_id:str}/messages",
        operation_id="ListMessages",
        description=getdoc(ListMessages),
        opt=MANAGE,
        dependencies=PAGED,
    )
    @inject
    async def messages(
        self,
        subscription_id: FromPath[str],
        page: PageQuery,
        use_case: FromDishka[ListMessages],
        principal: FromDishka[Principal],
        status: FromQuery[MessageStatus | None] = None,
    ) -> PageOut[MessageOut]:
        return PageOut.mapped(await use_case.execute(subscription_id, status, principal, page), MessageOut.of)

    @post(
        "/{subscription_id:str}/messages/{message_id:str}/replay",
        operation_id="ReplayMessage",
        description=getdoc(ReplayMessage),
        opt=MANAGE,
        status_code=202,
    )
    @inject
    async def replay(
        self,
        subscription_id: FromPath[str],
        message_id: FromPath[str],
        use_case: FromDishka[ReplayMessage],
        principal: FromDishka[Principal],
    ) -> MessageOut:
        return MessageOut.of(await use_case.execute(subscription_id, message_id, principal))

    @post(
        "/{subscription_id:str}/replay",
        operation_id="ReplaySince",
        description=getdoc(ReplaySince),
        opt=MANAGE,
        status_code=202,
    )
    @inject
    async def replay_since(
        self,
        subscription_id: FromPath[str],
        data: JSONBody[ReplayIn],
        use_case: FromDishka[ReplaySince],
        principal: FromDishka[Principal],
    ) -> ReplayedOut:
        count = await use_case.execute(subscription_id, data.since, data.include_delivered, principal)
        return ReplayedOut(replayed=count)

    @post(
        "/{subscription_id:str}/test",
        operation_id="SendTestEvent",
        description=getdoc(SendTestEvent),
        opt=MANAGE,
        status_code=202,
    )
    @inject
    async def test(
        self,
        subscription_id: FromPath[str],
        use_case: FromDishka[SendTestEvent],
        principal: FromDishka[Principal],
    ) -> MessageOut:
        return MessageOut.of(await use_case.execute(subscription_id, principal))
