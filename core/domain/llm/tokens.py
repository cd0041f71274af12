"""The documented token estimate, for providers that report no usage (the embedded engine,
a server that omits it). Counts are marked ``estimated=True`` wherever they are used.

Rules (close to what BPE tokenizers of GPT-style models do with these scripts, rounded up, since
an estimate mostly guards context limits and budgets):

- Latin script, digits, punctuation and whitespace (code points below U+0250): 4 characters
  per token, rounded up per run.
- Devanagari (U+0900-U+097F, U+A8E0-U+A8FF) and every other script: one token per character,
  vowel signs and viramas included; byte-level tokenizers split these at least that finely.
- A chat adds 4 tokens per message (role and separators) and 3 to prime the reply, as OpenAI
  documents for its chat format.
"""

from collections.abc import Iterable

LATIN_CHARS_PER_TOKEN = 4
TOKENS_PER_MESSAGE = 4
TOKENS_TO_PRIME_REPLY = 3
_LATIN_END = 0x0250


def estimate_tokens(text: str) -> int:
    """Estimated tokens in ``text``; 0 only for the empty string."""
    tokens = 0
    latin_run = 0
    for char in text:
        if ord(char) < _LATIN_END:
            latin_run += 1
            continue
        tokens += -(-latin_run // LATIN_CHARS_PER_TOKEN) + 1
        latin_run = 0
    return tokens + -(-latin_run // LATIN_CHARS_PER_TOKEN)


def estimate_chat_tokens(contents: Iterable[str | None]) -> int:
    """Estimated prompt tokens of a chat whose messages have these contents."""
    total = TOKENS_TO_PRIME_REPLY
    for content in contents:
        total += TOKENS_PER_MESSAGE + estimate_tokens(content or "")
    return total
