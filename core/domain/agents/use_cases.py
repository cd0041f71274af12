"""The agents as orchestration serves them: the catalog, answers, sessions and runs."""

from core.domain.access import Permission, Principal, require
from core.domain.agents.errors import RunNotFound
from core.domain.agents.running import AgentAnswer, AgentRequest, AgentRunner
from core.domain.agents.sessions import Sessions, SessionView
from core.ports.agent_runs import AgentsUnitOfWork, DeltaSink, RunFilter
from core.ports.agents import AgentCatalog, AgentInfo, RunRecord
from core.ports.pagination import Page, PageRequest


class ListAgents:
    """- Only the agents the caller may use (`agents:use` and the agent's own permission), with
    their version and the distribution they came from."""

    def __init__(self, catalog: AgentCatalog) -> None:
        self._catalog = catalog

    def execute(self, by: Principal) -> list[AgentInfo]:
        agents = self._catalog.agents()
        usable = {name for name, agent in agents.items() if by.has(agent.permission)}
        if not by.has(Permission.AGENTS_USE):
            return []
        return sorted((info for info in self._catalog.info() if info.name in usable), key=lambda i: i.name)


class AnswerQuery:
    """- Every message first passes the crisis screen: a message that may speak of suicide or
      self-harm (English, Hindi, Hindi typed in Latin script) is answered with the Wellness
      crisis template and its helplines, by `wellness`, whatever agent was named; the run is
      flagged and `orchestration.crisis_escalated` is published (without the message).
    - Otherwise the named `agent`, else the router among the agents the caller may use: the one
      whose examples the request is nearest to; a request outside the platform is declined and
      a vague one gets a clarifying question, both answered by `orchestrator` itself; several
      asks in one message go to `planner`, whose steps run in order, each given the answer
      before; below the threshold `qna`, else 422 `no_agent`. The `orchestrator` agent itself
      never runs for a routed query.
    - An unknown agent is 404 `agent_not_found`; one whose permission the caller lacks 403.
    - An agent that runs past its time answers 504 `agent_timeout`; one that fails 502
      `agent_failed`. At most a few runs at once per caller (429 `too_many_runs`).
    - Without `session_id` a new session starts; another's or an expired one is 404.
    - Every run is recorded (agent, route, latency, status, engine), never the text or answer.
    - With `stream: true` the answer comes as server-sent events: `delta` events with the
      partial answers as the agent makes them, then `done` with the whole answer (or `error`
      with the problem, for a failure after the stream began)."""

    def __init__(self, runner: AgentRunner) -> None:
        self._runner = runner

    async def execute(
        self, request: AgentRequest, by: Principal, send: DeltaSink | None = None
    ) -> AgentAnswer:
        return await self._runner.answer(request, by, send)


class RunAgent:
    """- Runs the agent named in the path with the caller's `text` and `inputs`; `inputs` must
      match the agent's input schema (422 `invalid_input` naming the field).
    - The same crisis screen, permissions, limits and run record as a query."""

    def __init__(self, runner: AgentRunner) -> None:
        self._runner = runner

    async def execute(
        self, request: AgentRequest, by: Principal, send: DeltaSink | None = None
    ) -> AgentAnswer:
        return await self._runner.answer(request, by, send)


class GetSession:
    """- The caller's own session: its turns so far and how long it is kept; anyone else's is 404."""

    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions

    async def execute(self, session_id: str, by: Principal) -> SessionView:
        return await self._sessions.view(session_id, by.subject)


class EndSession:
    """- Forgets the caller's session now (it would expire by itself); anyone else's is 404."""

    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions

    async def execute(self, session_id: str, by: Principal) -> None:
        await self._sessions.end(session_id, by.subject)


class ListRuns:
    """- A caller sees their own runs, newest first; `agents:admin` sees everyone's.
    - `agent` and `flagged` narrow the list (admins: `flagged=true` lists crisis escalations)."""

    def __init__(self, uow: AgentsUnitOfWork) -> None:
        self._uow = uow

    async def execute(
        self, by: Principal, page: PageRequest, *, agent: str | None = None, flagged: bool | None = None
    ) -> Page[RunRecord]:
        subject = None if by.has(Permission.AGENTS_ADMIN) else by.subject
        async with self._uow as uow:
            return await uow.runs.list(RunFilter(subject=subject, agent=agent, flagged=flagged), page)


class GetRun:
    """- One's own run; `agents:admin` any; anyone else's is 404."""

    def __init__(self, uow: AgentsUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, run_id: str, by: Principal) -> RunRecord:
        require(by, Permission.AGENTS_USE)
        async with self._uow as uow:
            run = await uow.runs.get(run_id)
        if run is None or not (by.has(Permission.AGENTS_ADMIN) or run.subject == by.subject):
            raise RunNotFound("no such run")
        return run
