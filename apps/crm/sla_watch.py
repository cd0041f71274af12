"""CRM's background work: the SLA watch."""

import asyncio
import logging

from dishka import AsyncContainer

from apps._shared.settings import PlatformSettings
from core.domain.crm.use_cases.sla import FlagBreachedTickets
from core.ports.errors import Unavailable, UpstreamTimeout

log = logging.getLogger("bhiv.crm.sla")


async def watch_slas(container: AsyncContainer) -> None:
    """Every ``BHIV_CRM_SLA_CHECK_INTERVAL_SECONDS``, flag the tickets past their SLA. Every
    replica runs it; the use case flags and announces each ticket once whatever the overlap."""
    settings = await container.get(PlatformSettings)
    while True:
        # Sleep first: a replica that just started leaves the round to the ones already running.
        await asyncio.sleep(settings.crm.sla_check_interval_seconds)
        try:
            async with container() as request:
                flagged = await (await request.get(FlagBreachedTickets)).execute()
            if flagged:
                log.info("flagged %d tickets past their SLA", len(flagged))
        except (Unavailable, UpstreamTimeout) as error:
            log.warning("SLA watch paused: %s", error)
        except Exception:  # the watch outlives one bad round; the next one tries again
            log.exception("SLA watch round failed")
