"""Running an engine binary on the event loop the servers use (uvloop): an engine that exits
without reading its input is answered by its exit status, never by an error of the pipe.

The loop is kept busy for a moment after the processes start, as a server handling other
requests is: by the time the input is written, the engines have exited and closed their end.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable

import pytest

from adapters.vaani.process import EngineFailed, run_engine
from core.ports.errors import UpstreamTimeout

uvloop = pytest.importorskip("uvloop")

CONCURRENT = 12


def on_a_busy_uvloop(engine: Callable[[], Awaitable[bytes]]) -> list[bytes | BaseException]:
    """``engine()`` started CONCURRENT times on uvloop while the loop is blocked for 0.3 s."""

    def hold_the_loop() -> None:
        time.sleep(0.3)

    async def main() -> list[bytes | BaseException]:
        runs = [asyncio.ensure_future(engine()) for _ in range(CONCURRENT)]
        await asyncio.sleep(0)  # the engines start
        hold_the_loop()
        return await asyncio.gather(*runs, return_exceptions=True)

    result: list[bytes | BaseException] = uvloop.run(main())
    return result


@pytest.mark.parametrize("stdin", [b"", b"x" * (4 * 1024 * 1024)], ids=["no input", "4 MiB of input"])
def test_an_engine_that_exits_without_reading_its_input_gives_its_output(stdin: bytes) -> None:
    results = on_a_busy_uvloop(
        lambda: run_engine(["echo", "listed"], stdin, time_limit=10, capability="ocr", package="coreutils")
    )

    assert results == [b"listed\n"] * CONCURRENT


def test_an_engine_that_fails_without_reading_its_input_is_engine_failed_with_what_it_said() -> None:
    argv = ["sh", "-c", "echo 'no such voice' >&2; exit 3"]
    results = on_a_busy_uvloop(
        lambda: run_engine(argv, b"some text", time_limit=10, capability="speech", package="sh")
    )

    assert all(isinstance(result, EngineFailed) for result in results), results
    failed = [result for result in results if isinstance(result, EngineFailed)]
    assert {(error.returncode, error.stderr) for error in failed} == {(3, "no such voice\n")}


def test_an_engine_past_its_time_limit_is_killed_and_answers_a_timeout() -> None:
    async def main() -> BaseException | None:
        try:
            await run_engine(["sleep", "30"], b"", time_limit=0.2, capability="ocr", package="coreutils")
        except UpstreamTimeout as error:
            return error
        return None

    started = time.perf_counter()
    error = uvloop.run(main())

    assert isinstance(error, UpstreamTimeout)
    assert time.perf_counter() - started < 5
