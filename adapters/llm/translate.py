"""What both wire formats share on the way to the port's types."""

import math
from collections.abc import Sequence
from typing import Annotated

import msgspec

from core.ports.llm import FinishReason, ModelKind

_FINISH_REASONS: dict[str, FinishReason] = {
    "stop": "stop",
    "eos": "stop",
    "length": "length",
    "tool_calls": "tool_calls",
    "function_call": "tool_calls",  # OpenAI's legacy name
    "content_filter": "content_filter",
}


def finish_reason(wire: str | None, *, has_tool_calls: bool = False) -> FinishReason:
    """Servers that omit the reason or name one of their own (``load``, ``unload``) stopped."""
    if has_tool_calls and wire in (None, "stop"):
        return "tool_calls"
    return _FINISH_REASONS.get(wire or "stop", "stop")


def kind_of(model_id: str, families: Sequence[str] = ()) -> ModelKind:
    """Neither API says what a model is for; embedding models say so in their names (OpenAI's
    ``text-embedding-3-small``, ``nomic-embed-text``) or are BERT-family (Ollama's ``families``)."""
    lowered = model_id.lower()
    if "embed" in lowered or any(family.lower() in ("bert", "nomic-bert") for family in families):
        return "embedding"
    return "chat"


def unit_length(vector: Sequence[float]) -> tuple[float, ...]:
    """The port promises unit vectors (so cosine is a dot product); a zero vector stays zero."""
    norm = math.sqrt(math.fsum(x * x for x in vector))
    if norm == 0.0:
        return tuple(float(x) for x in vector)
    return tuple(x / norm for x in vector)


TokenCount = Annotated[int, msgspec.Meta(ge=0)]
"""A provider's token count: a negative one makes the answer unreadable (the next route is
tried), never a credit to anyone's budget."""
