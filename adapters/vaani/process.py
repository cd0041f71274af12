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
        stdout, stderr = await asyncio.wait_for(process.communicate(stdin), time_limit)
    except TimeoutError as error:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        raise UpstreamTimeout(f"{argv[0]} took longer than {time_limit} s") from error
    if process.returncode != 0:
        raise EngineFailed(argv[0], process.returncode or -1, stderr.decode(errors="replace")[:500])
    return stdout
