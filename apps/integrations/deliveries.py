"""The webhooks' background loops: one consumer per stream turning events into messages, and
the worker sending the due ones. Every replica runs both; the database decides who sends."""

import asyncio
import functools
import logging
import os
import uuid
from datetime import timedelta

from dishka import AsyncContainer

from adapters.webhooks.settings import WebhookSettings
from apps._shared.consumers import run_consumer
from core.domain.webhooks.delivery import AcceptEvent, DeliverDue
from core.domain.webhooks.messages import PurgeFinishedMessages
from core.domain.webhooks.model import RetrySchedule
from core.ports.clock import Clock, IdGenerator
from core.ports.errors import Unavailable
from core.ports.events import Event
from core.ports.webhooks import SecretSealer, WebhookSender, WebhooksUnitsOfWork

log = logging.getLogger("bhiv.webhooks")
STREAMS = ("identity", "threat", "logistics", "crm", "llm", "orchestration")
"""Every context that publishes (docs/events.md): a subscription may want any of its types."""
GROUP = "integrations-webhooks"
PURGE_EVERY_SECONDS = 600.0


async def accept_events(stream: str, container: AsyncContainer) -> None:
    async def handle(event: Event) -> None:
        async with container() as request:
            await (await request.get(AcceptEvent)).execute(event)

    await run_consumer(container, stream, GROUP, handle)


CONSUMERS = [functools.partial(accept_events, stream) for stream in STREAMS]


async def deliver_webhooks(container: AsyncContainer) -> None:
    """Runs until cancelled; a database outage pauses it, an attempt's failure is a result."""
    settings = await container.get(WebhookSettings)
    deliver = DeliverDue(
        (await container.get(WebhooksUnitsOfWork))(),
        await container.get(WebhookSender),
        await container.get(SecretSealer),
        await container.get(Clock),
        await container.get(IdGenerator),
        await container.get(RetrySchedule),
        worker=f"webhooks-{os.getpid()}-{uuid.uuid4().hex[:8]}",
        lease_seconds=settings.lease_seconds,
    )
    clock = await container.get(Clock)
    purge = PurgeFinishedMessages(
        (await container.get(WebhooksUnitsOfWork))(), clock, timedelta(days=settings.retention_days)
    )
    next_purge = clock.monotonic()
    while True:
        made = 0
        try:
            made = await deliver.execute(settings.batch_size)
            if clock.monotonic() >= next_purge:
                await purge.execute()
                next_purge = clock.monotonic() + PURGE_EVERY_SECONDS
        except Unavailable as error:
            log.warning("webhook delivery paused: %s", error)
        except Exception:  # the loop must outlive one bad row; the next round tries again
            log.exception("webhook delivery round failed")
        if made < settings.batch_size:
            await asyncio.sleep(settings.poll_interval_seconds)
