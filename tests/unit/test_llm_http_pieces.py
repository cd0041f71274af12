"""The pure pieces of the HTTP LLM providers: the estimated usage, Retry-After, SSE, finish reasons."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime

from adapters.llm.estimates import estimate_usage
from adapters.llm.retries import Backoff, retry_after_seconds
from adapters.llm.sse import sse_data
from adapters.llm.translate import finish_reason, kind_of, unit_length
from core.ports.llm import ChatMessage

NOW = 1_800_000_000.0
EIGHT_AM = datetime(2027, 1, 15, 8, 0, tzinfo=UTC).timestamp()


def test_an_estimated_usage_counts_each_message_and_the_priming_and_says_it_is_estimated() -> None:
    usage = estimate_usage([ChatMessage(role="user", content="abcdefgh")], "abcd")
    assert (usage.prompt_tokens, usage.completion_tokens, usage.estimated) == (3 + 4 + 2, 1, True)


def test_retry_after_is_read_as_seconds_as_an_http_date_or_as_openais_milliseconds() -> None:
    assert retry_after_seconds({"retry-after": "7"}, NOW) == 7.0
    assert retry_after_seconds({"retry-after": "Fri, 15 Jan 2027 08:00:10 GMT"}, EIGHT_AM) == 10.0
    assert retry_after_seconds({"retry-after-ms": "1500", "retry-after": "9"}, NOW) == 1.5
    assert retry_after_seconds({"retry-after": "Fri, 15 Jan 2027 08:00:10 GMT"}, EIGHT_AM + 20) == 0.0


def test_an_unreadable_or_absent_retry_after_is_none() -> None:
    assert retry_after_seconds({}, NOW) is None
    assert retry_after_seconds({"retry-after": "soon"}, NOW) is None


def test_backoff_ceilings_double_up_to_the_cap_and_a_named_wait_is_taken_as_named() -> None:
    backoff = Backoff(base=0.5, cap=3.0, jitter=lambda ceiling: ceiling)
    assert [backoff.delay(attempt, None) for attempt in range(4)] == [0.5, 1.0, 2.0, 3.0]
    assert backoff.delay(0, 12.0) == 12.0


async def lines(*texts: str) -> AsyncIterator[str]:
    for text in texts:
        yield text


async def test_sse_joins_multi_line_data_and_skips_comments_and_other_fields() -> None:
    stream = lines(
        ": keep-alive", "", "event: message", 'data: {"a":', "data: 1}", "id: 4", "", "data:[DONE]", ""
    )
    assert [data async for data in sse_data(stream)] == ['{"a":\n1}', "[DONE]"]


def test_finish_reasons_of_other_servers_come_out_as_the_ports() -> None:
    assert finish_reason("function_call") == "tool_calls"
    assert finish_reason("eos") == "stop"
    assert finish_reason(None) == "stop"
    assert finish_reason("load") == "stop"
    assert finish_reason("stop", has_tool_calls=True) == "tool_calls"
    assert finish_reason("length", has_tool_calls=True) == "length"


def test_embedding_models_are_told_apart_by_name_or_family() -> None:
    assert kind_of("text-embedding-3-small") == "embedding"
    assert kind_of("all-minilm:latest", ["bert"]) == "embedding"
    assert kind_of("llama3.2:latest", ["llama"]) == "chat"


def test_unit_length_leaves_a_zero_vector_alone() -> None:
    assert unit_length([3.0, 4.0]) == (0.6, 0.8)
    assert unit_length([0.0, 0.0]) == (0.0, 0.0)
