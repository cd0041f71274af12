"""The notifiers' background loops: one consumer per stream routing events by the rules, and the
worker sending due notifications. Every replica runs both; the database decides who sends."""

import asyncio
import functools
import logging
from datetime import timedelta

from dishka import AsyncContainer

from adapters.webhooks.settings import WebhookSettings
from apps._shared.consumers import run_consumer
from core.domain.notifications.routing import PurgeFinishedNotifications, RouteEvent, SendDue
from core.ports.clock import Clock
from core.ports.errors import Unavailable
from core.ports.events import Event
from core.ports.notifications import Mailer, NotificationsUnitsOfWork
from core.ports.webhooks import SecretSealer, WebhookSender

log = logging.getLogger("bhiv.notifications")
STREAMS = ("identity", "threat", "logistics", "crm", "orchestration", "webhooks")
GROUP = "integrations-notify"
BATCH = 50
POLL_SECONDS = 0.5
PURGE_EVERY_SECONDS = 600.0


async def route_events(stream: str, container: AsyncContainer) -> None:
    async def handle(event: Event) -> None:
        async with container() as request:
            await (await request.get(RouteEvent)).execute(event)

    await run_consumer(container, stream, GROUP, handle)


ROUTERS = [functools.partial(route_events, stream) for stream in STREAMS]


async def send_notifications(container: AsyncContainer) -> None:
    """Runs until cancelled; a database outage pauses it, a channel's failure is a result."""
    send = SendDue(
        (await container.get(NotificationsUnitsOfWork))(),
        await container.get(WebhookSender),
        await container.get(Mailer),
        await container.get(SecretSealer),
        await container.get(Clock),
    )
    clock, retention_days = await container.get(Clock), (await container.get(WebhookSettings)).retention_days
    purge = PurgeFinishedNotifications(
        (await container.get(NotificationsUnitsOfWork))(), clock, timedelta(days=retention_days)
    )
    next_purge = clock.monotonic()
    while True:
        made = 0
        try:
            made = await send.execute(BATCH)
            if clock.monotonic() >= next_purge:
                await purge.execute()
                next_purge = clock.monotonic() + PURGE_EVERY_SECONDS
        except Unavailable as error:
            log.warning("notifications paused: %s", error)
        except Exception:  # the loop must outlive one bad row; the next round tries again
            log.exception("notification round failed")
        if made < BATCH:
            await asyncio.sleep(POLL_SECONDS)
