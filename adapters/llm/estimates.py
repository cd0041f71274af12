"""Usage built from the documented token estimate (``core/domain/llm/tokens.py``), for providers
that report no token counts; the result is marked ``Usage.estimated``."""

from collections.abc import Iterable

from core.domain.llm.tokens import TOKENS_PER_MESSAGE, TOKENS_TO_PRIME_REPLY, estimate_tokens
from core.ports.llm import ChatMessage, Usage

__all__ = ["estimate_embedding_usage", "estimate_tokens", "estimate_usage"]


def estimate_usage(messages: Iterable[ChatMessage], completion: str) -> Usage:
    prompt = TOKENS_TO_PRIME_REPLY
    for message in messages:
        prompt += (
            TOKENS_PER_MESSAGE + estimate_tokens(message.content or "") + estimate_tokens(message.name or "")
        )
        for call in message.tool_calls or ():
            prompt += estimate_tokens(call.function.name) + estimate_tokens(call.function.arguments)
    return Usage(prompt_tokens=prompt, completion_tokens=estimate_tokens(completion), estimated=True)


def estimate_embedding_usage(inputs: Iterable[str]) -> Usage:
    return Usage(
        prompt_tokens=sum(estimate_tokens(text) for text in inputs), completion_tokens=0, estimated=True
    )
