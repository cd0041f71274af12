"""The documented usage estimate, for providers that report no token counts.

A text counts ``ceil(UTF-8 bytes / 4)`` tokens: about four characters a token for English with
OpenAI's tokenizers, and about one token per one or two characters for Devanagari and other
scripts of three bytes a character, where a count of characters would fall far short. Each
message adds 4 tokens (its role and separators) and the prompt 3 (priming the answer), as in
OpenAI's published counting recipe. The result is marked ``Usage.estimated``.
"""

from collections.abc import Iterable

from core.ports.llm import ChatMessage, Usage

PER_MESSAGE = 4
PER_PROMPT = 3


def estimate_tokens(text: str) -> int:
    return -(-len(text.encode()) // 4)


def estimate_usage(messages: Iterable[ChatMessage], completion: str) -> Usage:
    prompt = PER_PROMPT
    for message in messages:
        prompt += PER_MESSAGE + estimate_tokens(message.content or "") + estimate_tokens(message.name or "")
        for call in message.tool_calls or ():
            prompt += estimate_tokens(call.function.name) + estimate_tokens(call.function.arguments)
    return Usage(prompt_tokens=prompt, completion_tokens=estimate_tokens(completion), estimated=True)


def estimate_embedding_usage(inputs: Iterable[str]) -> Usage:
    return Usage(
        prompt_tokens=sum(estimate_tokens(text) for text in inputs), completion_tokens=0, estimated=True
    )
