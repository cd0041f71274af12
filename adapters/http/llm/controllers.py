"""``/v1/chat/completions``, ``/v1/embeddings``, ``/v1/models``: OpenAI's API, so the official
``openai`` client works with ``base_url=.../api/llm/v1``; ``/v1/usage``: what calls cost."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from inspect import getdoc
from typing import Any

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Response, get, post
from litestar.params import FromQuery, JSONBody
from litestar.response import Stream

from adapters.http.access import requires
from adapters.http.llm.shapes import (
    ChatCompletionIn,
    ChatCompletionOut,
    EmbeddingsIn,
    EmbeddingsOut,
    ModelOut,
    ModelsOut,
    chunk,
)
from adapters.http.pagination import PAGED, PageOut, PageQuery
from adapters.http.route_policy import gateway_policy
from core.domain.access import Permission, Principal
from core.domain.llm.routing import Routed
from core.domain.llm.usage import Caller, UsageRecord, UsageSummaryRow
from core.domain.llm.use_cases.chat import CompleteChat, StreamChat
from core.domain.llm.use_cases.embeddings import CreateEmbeddings, ListModels
from core.domain.llm.use_cases.usage import ListOwnUsage, SummariseUsage

USE = requires(Permission.LLM_USE)
USE_OR_DELEGATE = requires(Permission.LLM_USE, Permission.LLM_DELEGATE)
"""Which of the two a call needs depends on ``X-BHIV-On-Behalf-Of`` (adapters/http/llm/delegation.py)."""


def provenance(routed: Routed, engine: str | None = None, cache: str | None = None) -> dict[str, str]:
    """Which provider answered and which were tried before it, for every answer."""
    headers = {"X-BHIV-Provider": str(routed.route), "X-BHIV-Tried": ",".join(routed.tried) or "-"}
    if engine is not None:
        headers["X-BHIV-Engine"] = engine
    if cache is not None:
        headers["X-Cache"] = cache
    return headers


class ChatController(Controller):
    path = "/v1/chat/completions"
    tags = ["llm: chat"]

    @post(
        "/",
        operation_id="CreateChatCompletion",
        description=getdoc(CompleteChat),
        opt=USE_OR_DELEGATE,
        status_code=200,
        **gateway_policy(content=["messages[].content"]),
    )
    @inject
    async def complete(
        self,
        data: JSONBody[ChatCompletionIn],
        caller: FromDishka[Caller],
        complete: FromDishka[CompleteChat],
        stream: FromDishka[StreamChat],
    ) -> Response[ChatCompletionOut] | Stream:
        request = data.to_port()
        if data.stream:
            streamed = await stream.execute(request, caller)
            include_usage = data.stream_options is not None and data.stream_options.include_usage
            events = _events(data.model, _pumped(streamed.deltas), include_usage)
            return Stream(
                events, media_type="text/event-stream", headers=provenance(streamed.routed, cache="miss")
            )
        answer = await complete.execute(request, caller)
        body = ChatCompletionOut.of(answer.completion, data.model, str(answer.routed.route))
        cache = "hit" if answer.cache_hit else "miss"
        return Response(body, headers=provenance(answer.routed, answer.completion.engine, cache))


async def _events(asked: str, deltas: AsyncIterator[Any], include_usage: bool) -> AsyncIterator[bytes]:
    """Server-sent events as OpenAI sends them, ending in ``data: [DONE]``; a failure after the
    first event can only be told in the stream itself: an ``error`` event, then the end."""
    chunk_id = f"chatcmpl-{uuid.uuid4().hex}"
    first, usage = True, None
    try:
        async for delta in deltas:
            usage = delta.usage or usage
            yield _sse(chunk(chunk_id, asked, delta, first=first))
            first = False
        if include_usage and usage is not None:
            yield _sse(chunk(chunk_id, asked, None, usage=usage))
    except Exception as error:
        code = getattr(error, "code", "stream_failed")
        detail = getattr(error, "detail", None) or "the answer stopped before it was complete"
        yield _sse({"error": {"message": detail, "type": "api_error", "code": code}})
    yield b"data: [DONE]\n\n"


_PUMPS: set[asyncio.Task[None]] = set()
"""Streams' pumps still running: held here, as the event loop holds tasks only weakly."""


async def _pumped(deltas: AsyncIterator[Any]) -> AsyncIterator[Any]:
    """``deltas``, driven by a task of their own. When the client goes away, the server cancels
    the task sending the response, and keeps cancelling whatever it awaits from then on; were
    ``deltas`` driven by that task, the stream's own end (settling its quota, writing its usage
    record) would be cancelled too. Their own task is cancelled once instead, so that end runs."""
    queue: asyncio.Queue[tuple[Any, BaseException | None, bool]] = asyncio.Queue(maxsize=1)

    async def pump() -> None:
        try:
            async for delta in deltas:
                await queue.put((delta, None, False))
        except Exception as error:
            await queue.put((None, error, True))
        else:
            await queue.put((None, None, True))
        finally:  # cancelled while waiting for the client: the stream ends here, not when collected
            if (close := getattr(deltas, "aclose", None)) is not None:
                await close()

    task = asyncio.create_task(pump())
    _PUMPS.add(task)
    task.add_done_callback(_PUMPS.discard)
    try:
        while True:
            delta, error, ended = await queue.get()
            if error is not None:
                raise error
            if ended:
                return
            yield delta
    finally:
        task.cancel()  # the client left: the stream ends as "client_closed", charged what it produced


def _sse(body: dict[str, Any]) -> bytes:
    return b"data: " + msgspec.json.encode(body) + b"\n\n"


class EmbeddingsController(Controller):
    path = "/v1/embeddings"
    tags = ["llm: embeddings"]

    @post(
        "/",
        operation_id="CreateEmbeddings",
        description=getdoc(CreateEmbeddings),
        opt=USE_OR_DELEGATE,
        status_code=200,
        **gateway_policy(content=["input"]),
    )
    @inject
    async def embed(
        self,
        data: JSONBody[EmbeddingsIn],
        caller: FromDishka[Caller],
        use_case: FromDishka[CreateEmbeddings],
    ) -> Response[EmbeddingsOut]:
        answer = await use_case.execute(data.to_port(), caller)
        packed = data.encoding_format == "base64"
        body = EmbeddingsOut.of(answer.embeddings, data.model, str(answer.routed.route), base64=packed)
        return Response(body, headers=provenance(answer.routed))


class ModelsController(Controller):
    path = "/v1/models"
    tags = ["llm: models"]

    @get("/", operation_id="ListModels", description=getdoc(ListModels), opt=USE_OR_DELEGATE)
    @inject
    async def list_models(self, caller: FromDishka[Caller], use_case: FromDishka[ListModels]) -> ModelsOut:
        # Nothing is charged, but the caller is identified (and its token for a user checked)
        # as for the calls that are.
        del caller
        return ModelsOut(data=[ModelOut.of(model) for model in await use_case.execute()])


class UsageController(Controller):
    path = "/v1/usage"
    tags = ["llm: usage"]

    @get("/", operation_id="ListOwnUsage", description=getdoc(ListOwnUsage), opt=USE, dependencies=PAGED)
    @inject
    async def own(
        self, principal: FromDishka[Principal], use_case: FromDishka[ListOwnUsage], page: PageQuery
    ) -> PageOut[UsageRecord]:
        return PageOut.of(await use_case.execute(principal.subject, page), UsageRecord)

    @get(
        "/summary",
        operation_id="SummariseUsage",
        description=getdoc(SummariseUsage),
        opt=requires(Permission.LLM_ADMIN),
    )
    @inject
    async def summary(
        self,
        principal: FromDishka[Principal],
        use_case: FromDishka[SummariseUsage],
        since: FromQuery[datetime | None] = None,
        until: FromQuery[datetime | None] = None,
    ) -> list[UsageSummaryRow]:
        return await use_case.execute(principal, since, until)
