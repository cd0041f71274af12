"""Running an engine binary: argv only (never a shell), input on stdin, a deadline, port errors."""

import asyncio
import contextlib
import shutil

from core.ports.errors import Unavailable, UpstreamTimeout
from core.ports.vaani import CapabilityMissing


class EngineFailed(Unavailable):
    """The engine ran and exited non-zero; ``stderr`` holds the start of what it said."""

    def __init__(self, binary: str, returncode: int, stderr: str) -> None:
        super().__init__(f"{binary} exited with {returncode}: {stderr}")
        self.returncode = returncode
        self.stderr = stderr


def locate(binary: str) -> str | None:
    """The executable's path, or None; ``binary`` is a name on PATH or a path."""
    return shutil.which(binary)


async def run_engine(
    argv: list[str], stdin: bytes, *, time_limit: float, capability: str, package: str
) -> bytes:
    """Standard output of ``argv`` fed ``stdin``. Raises ``CapabilityMissing`` naming ``package``
    when the binary is absent, ``UpstreamTimeout`` past ``time_limit`` seconds (the process is killed) and
    ``EngineFailed`` on a non-zero exit."""
    try:
        process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
    except (FileNotFoundError, PermissionError) as error:
        raise CapabilityMissing(capability, package=package) from error
    try:
        stdout, stderr = await asyncio.wait_for(_exchange(process, stdin), time_limit)
    except TimeoutError as error:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        raise UpstreamTimeout(f"{argv[0]} took longer than {time_limit} s") from error
    if process.returncode != 0:
        raise EngineFailed(argv[0], process.returncode or -1, stderr.decode(errors="replace")[:500])
    return stdout


async def _exchange(process: asyncio.subprocess.Process, stdin: bytes) -> tuple[bytes, bytes]:
    """``process.communicate(stdin)``, except that an engine which exits (or closes its input)
    before reading all of it is not an error here: its exit status and stderr tell what
    happened. ``communicate`` forgives that only as ``BrokenPipeError``; on uvloop, where the
    servers run, writing to a process that has already exited raises ``RuntimeError`` (a closed
    transport), which would answer 500."""
    writer, out, err = process.stdin, process.stdout, process.stderr
    assert writer is not None, "started with stdin=PIPE"
    assert out is not None, "started with stdout=PIPE"
    assert err is not None, "started with stderr=PIPE"

    async def feed() -> None:
        try:
            writer.write(stdin)
            await writer.drain()
        except (BrokenPipeError, ConnectionResetError, RuntimeError):
            pass
        finally:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError, RuntimeError):
                writer.close()

    _, stdout, stderr = await asyncio.gather(feed(), out.read(), err.read())
    await process.wait()
    return stdout, stderr
