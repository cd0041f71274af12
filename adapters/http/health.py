"""Liveness, readiness and metrics routes that every service serves."""

import asyncio
from typing import Any

from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Request, Response, get

from adapters.http.access import PUBLIC
from adapters.http.metrics import HttpMetrics
from adapters.http.problems import problem_response
from core.ports.health import HealthProbe

PROBE_TIMEOUT_SECONDS = 2.0
READINESS_REPORTS = "readiness_reports"


async def _run_probe(probe: HealthProbe) -> str:
    try:
        await asyncio.wait_for(probe.check(), PROBE_TIMEOUT_SECONDS)
    except TimeoutError:
        return f"timed out after {PROBE_TIMEOUT_SECONDS:g}s"
    except Exception as error:  # a probe's failure is an answer, not a crash
        return str(error) or type(error).__name__
    return "ok"


class HealthController(Controller):
    path = "/health"
    tags = ["health"]

    @get("/live", operation_id="Live", summary="The process is up and serving HTTP.", opt=PUBLIC)
    async def live(self) -> dict[str, str]:
        return {"status": "ok"}

    @get("/ready", operation_id="Ready", summary="Every dependency this service needs answers.", opt=PUBLIC)
    @inject
    async def ready(
        self, request: Request[Any, Any, Any], probes: FromDishka[list[HealthProbe]]
    ) -> Response[dict[str, Any]]:
        """Extra reports (the gateway's upstreams) are shown but never fail readiness."""
        results = await asyncio.gather(*(_run_probe(probe) for probe in probes))
        checks = {probe.name: result for probe, result in zip(probes, results, strict=True)}
        reports = request.app.state.get(READINESS_REPORTS, {})
        extra = {name: report() for name, report in reports.items()}
        failed = sorted(name for name, result in checks.items() if result != "ok")
        if failed:
            return problem_response(
                503,
                code="not_ready",
                detail=f"unavailable: {', '.join(failed)}",
                instance="/health/ready",
                checks=checks,
                **extra,
            )
        return Response({"status": "ok", "checks": checks, **extra})


@get("/metrics", operation_id="Metrics", include_in_schema=False, sync_to_thread=False, opt=PUBLIC)
def metrics(request: Request[Any, Any, Any]) -> Response[bytes]:
    registry: HttpMetrics = request.app.state.metrics
    return Response(registry.render(), media_type=registry.content_type)
