"""Calling an agent within its own time, so that a slow or broken agent costs one request and
never the service."""

import asyncio
import logging
import traceback
from collections.abc import Coroutine
from typing import Any

from core.domain.agents.errors import AgentFailed, AgentTimedOut, LanguageModelQuotaUsed
from core.domain.errors import DomainError
from core.ports.agent_runs import AgentInvoker, DeltaSink
from core.ports.agents import Agent, AgentContext, AgentResult, AgentTask
from core.ports.llm import RateLimited

log = logging.getLogger("bhiv.agents")


class AsyncioAgentInvoker(AgentInvoker):
    async def invoke(self, agent: Agent, task: AgentTask, context: AgentContext) -> AgentResult:
        return await self._guarded(agent, agent.run(task, context))

    async def stream(
        self, agent: Agent, task: AgentTask, context: AgentContext, send: DeltaSink
    ) -> AgentResult:
        return await self._guarded(agent, _streamed(agent, task, context, send))

    async def _guarded(self, agent: Agent, running: Coroutine[Any, Any, AgentResult]) -> AgentResult:
        try:
            async with asyncio.timeout(agent.timeout_seconds):
                result = await running
        except TimeoutError:
            log.warning("agent %s ran past %.1f s", agent.name, agent.timeout_seconds)
            raise AgentTimedOut(
                f"the {agent.name} agent did not answer within {agent.timeout_seconds:g} s", agent=agent.name
            ) from None
        except DomainError:
            raise  # the caller's mistake (a file not theirs, an image too large): its 4xx as it is
        except RateLimited as limited:  # the caller's LLM quota, spent by the agent on their behalf
            raise LanguageModelQuotaUsed(
                f"your language-model quota is used up for now; the {agent.name} agent could not finish",
                retry_after=limited.retry_after or 1.0,
            ) from None
        except Exception as error:
            # The traceback's frames, not the exception's message: that may quote the user's text.
            frames = "".join(traceback.format_tb(error.__traceback__))
            log.error("agent %s raised %s\n%s", agent.name, type(error).__name__, frames)
            raise AgentFailed(f"the {agent.name} agent failed", agent=agent.name) from None
        if not isinstance(result, AgentResult):
            log.error("agent %s answered a %s, not an AgentResult", agent.name, type(result).__name__)
            raise AgentFailed(f"the {agent.name} agent failed", agent=agent.name)
        return result


async def _streamed(agent: Agent, task: AgentTask, context: AgentContext, send: DeltaSink) -> AgentResult:
    """The result a stream ends with, its partial answers sent on; a stream that ends without
    one is the agent's failure."""
    async for part in agent.stream(task, context):
        if isinstance(part, AgentResult):
            return part
        await send(part)
    raise RuntimeError(f"the {agent.name} agent's stream ended without its result")
