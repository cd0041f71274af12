"""What a caller of the agents can be told instead of an answer."""

from core.domain.errors import DomainError, Forbidden, NotFound, RuleViolated, TooManyRequests


class AgentNotFound(NotFound):
    code = "agent_not_found"

    def __init__(self, name: str) -> None:
        super().__init__(f"no agent {name!r}", agent=name)


class AgentForbidden(Forbidden):
    code = "agent_forbidden"

    def __init__(self, name: str, permission: str) -> None:
        super().__init__(f"the {name} agent needs the {permission} permission", agent=name)


class NoAgent(RuleViolated):
    """No agent the caller may use fits the query well enough, and there is no ``qna`` to take it."""

    code = "no_agent"


class InvalidAgentInput(RuleViolated):
    code = "invalid_input"

    def __init__(self, detail: str, field: str | None) -> None:
        super().__init__(detail, errors=[{"field": field, "message": detail, "source": "body"}])


class SessionNotFound(NotFound):
    """Also someone else's session: its existence is not revealed."""

    code = "session_not_found"

    def __init__(self) -> None:
        super().__init__("no such session")


class RunNotFound(NotFound):
    code = "run_not_found"


class TooManyRuns(TooManyRequests):
    code = "too_many_runs"


class LanguageModelQuotaUsed(TooManyRequests):
    """The caller's own LLM quota or rate ran out while an agent worked for them."""

    code = "llm_rate_limited"


class AgentTimedOut(DomainError):
    """The agent did not answer within its own ``timeout_seconds``."""

    code = "agent_timeout"


class AgentFailed(DomainError):
    """The agent raised; what it raised is logged, never told to the caller."""

    code = "agent_failed"
