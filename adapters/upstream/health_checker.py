"""Active health checks: every upstream's readiness path, on an interval, all at once."""

import asyncio
import logging
from collections.abc import Callable, Sequence

from core.domain.routing.pool import UpstreamPool
from core.domain.routing.upstream_state import UpstreamState
from core.ports.upstream import UpstreamError, UpstreamReadTimeout, UpstreamTransport

log = logging.getLogger("bhiv.gateway")
RECHECK_DOWN_SECONDS = 1.0


class ActiveHealthChecker:
    def __init__(
        self,
        pools: Sequence[UpstreamPool],
        *,
        path: str,
        interval_seconds: float,
        timeout_seconds: float,
        on_healthy: Callable[[str], None] | None = None,
    ) -> None:
        self._states = [state for pool in pools for state in pool.states]
        self._path = path.encode()
        self._interval = interval_seconds
        self._timeout = timeout_seconds
        self._on_healthy = on_healthy
        """Told each upstream URL that passes a check after failing one (a restart, a deploy)."""

    async def run(self, client: UpstreamTransport) -> None:
        while True:
            await self.check_all(client)
            # A down upstream (or one still starting beside the gateway) is looked at sooner.
            all_healthy = all(state.healthy for state in self._states)
            await asyncio.sleep(self._interval if all_healthy else min(self._interval, RECHECK_DOWN_SECONDS))

    async def check_all(self, client: UpstreamTransport) -> None:
        await asyncio.gather(*(self._check(client, state) for state in self._states))

    async def _check(self, client: UpstreamTransport, state: UpstreamState) -> None:
        error: str | None = None
        timeout = self._timeout
        try:
            async with asyncio.timeout(timeout):
                response = await client.request(
                    state.url, "GET", self._path, [], connect_timeout=timeout, read_timeout=timeout
                )
                try:
                    finished = False
                    while not finished:
                        _, finished = await response.read()
                finally:
                    response.release()
            if response.status != 200:
                error = f"readiness answered {response.status}"
        except (UpstreamError, UpstreamReadTimeout, TimeoutError, OSError) as failure:
            error = str(failure) or type(failure).__name__
        if (error is None) != state.healthy:
            log.warning("upstream %s is %s", state.url, "healthy" if error is None else f"down: {error}")
            if error is None and self._on_healthy is not None:
                self._on_healthy(state.url)
        state.checked(error)
