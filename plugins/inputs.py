"""An agent's structured inputs, checked against its ``input_schema``."""

from typing import TypeVar

import msgspec

from core.domain.errors import RuleViolated
from core.ports.agents import AgentTask

S = TypeVar("S", bound=msgspec.Struct)


class InvalidAgentInput(RuleViolated):
    code = "invalid_agent_input"


def read_inputs(task: AgentTask, schema: type[S]) -> S:
    """``task.inputs`` as ``schema``; ``InvalidAgentInput`` says which field is wrong and why."""
    try:
        return msgspec.convert(task.inputs, schema, strict=False)
    except msgspec.ValidationError as error:
        raise InvalidAgentInput(f"invalid inputs: {error}") from error
