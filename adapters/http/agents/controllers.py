"""``/v1/agents``, ``/v1/query``, ``/v1/agents/{name}/run``, ``/v1/sessions/{id}``, ``/v1/runs``."""

from inspect import getdoc

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Response, delete, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import Stream

from adapters.http.access import requires
from adapters.http.agents.shapes import AgentOut, AgentsOut, AnswerOut, QueryIn, RunIn, RunOut, SessionOut
from adapters.http.agents.streaming import answered_as_events
from adapters.http.context import correlation_id
from adapters.http.pagination import PAGED, PageOut, PageQuery
from adapters.http.route_policy import gateway_policy
from core.domain.access import Permission, Principal
from core.domain.agents.running import AgentRequest
from core.domain.agents.use_cases import (
    AnswerQuery,
    EndSession,
    GetRun,
    GetSession,
    ListAgents,
    ListRuns,
    RunAgent,
)

USE = requires(Permission.AGENTS_USE)


class AgentsController(Controller):
    path = "/v1"
    tags = ["agents"]

    @get("/agents", operation_id="ListAgents", description=getdoc(ListAgents), opt=USE)
    @inject
    async def catalog(self, principal: FromDishka[Principal], use_case: FromDishka[ListAgents]) -> AgentsOut:
        infos = use_case.execute(principal)
        return AgentsOut(items=[msgspec.convert(i, AgentOut, from_attributes=True) for i in infos])

    @post(
        "/query",
        operation_id="AnswerQuery",
        description=getdoc(AnswerQuery),
        opt=USE,
        status_code=200,
        **gateway_policy(content=["text"]),
    )
    @inject
    async def query(
        self, data: JSONBody[QueryIn], principal: FromDishka[Principal], use_case: FromDishka[AnswerQuery]
    ) -> Response[AnswerOut] | Stream:
        request = AgentRequest(
            text=data.text,
            agent=data.agent,
            inputs=data.inputs,
            session_id=data.session_id,
            language=data.language,
            correlation_id=correlation_id.get(),
        )
        if data.stream:
            return await answered_as_events(lambda send: use_case.execute(request, principal, send))
        return Response(AnswerOut.of(await use_case.execute(request, principal)))

    @post(
        "/agents/{name:str}/run",
        operation_id="RunAgent",
        description=getdoc(RunAgent),
        opt=USE,
        status_code=200,
        **gateway_policy(content=["text"]),
    )
    @inject
    async def run(
        self,
        name: FromPath[str],
        data: JSONBody[RunIn],
        principal: FromDishka[Principal],
        use_case: FromDishka[RunAgent],
    ) -> Response[AnswerOut] | Stream:
        request = AgentRequest(
            text=data.text,
            agent=name,
            inputs=data.inputs,
            session_id=data.session_id,
            language=data.language,
            correlation_id=correlation_id.get(),
        )
        if data.stream:
            return await answered_as_events(lambda send: use_case.execute(request, principal, send))
        return Response(AnswerOut.of(await use_case.execute(request, principal)))


class SessionsController(Controller):
    path = "/v1/sessions"
    tags = ["agents: sessions"]

    @get("/{session_id:str}", operation_id="GetSession", description=getdoc(GetSession), opt=USE)
    @inject
    async def get_session(
        self, session_id: FromPath[str], principal: FromDishka[Principal], use_case: FromDishka[GetSession]
    ) -> SessionOut:
        view = await use_case.execute(session_id, principal)
        return msgspec.convert(view, SessionOut, from_attributes=True)

    @delete("/{session_id:str}", operation_id="EndSession", description=getdoc(EndSession), opt=USE)
    @inject
    async def end_session(
        self, session_id: FromPath[str], principal: FromDishka[Principal], use_case: FromDishka[EndSession]
    ) -> None:
        await use_case.execute(session_id, principal)


class RunsController(Controller):
    path = "/v1/runs"
    tags = ["agents: runs"]

    @get("/", operation_id="ListRuns", description=getdoc(ListRuns), opt=USE, dependencies=PAGED)
    @inject
    async def list_runs(
        self,
        principal: FromDishka[Principal],
        use_case: FromDishka[ListRuns],
        page: PageQuery,
        agent: FromQuery[str | None] = None,
        flagged: FromQuery[bool | None] = None,
    ) -> PageOut[RunOut]:
        runs = await use_case.execute(principal, page, agent=agent, flagged=flagged)
        return PageOut.of(runs, RunOut)

    @get("/{run_id:str}", operation_id="GetRun", description=getdoc(GetRun), opt=USE)
    @inject
    async def get_run(
        self, run_id: FromPath[str], principal: FromDishka[Principal], use_case: FromDishka[GetRun]
    ) -> RunOut:
        return msgspec.convert(await use_case.execute(run_id, principal), RunOut, from_attributes=True)
