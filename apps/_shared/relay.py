"""The background loop that moves committed outbox rows to the event bus."""

import asyncio
import logging
import os
import uuid
from datetime import timedelta

from dishka import AsyncContainer

from apps._shared.settings import OutboxSettings
from core.domain.messaging.relay import PurgePublishedOutbox, RelayOutbox
from core.ports.clock import Clock
from core.ports.errors import Unavailable
from core.ports.events import EventBus
from core.ports.outbox import OutboxStore

log = logging.getLogger("bhiv.outbox")
PURGE_EVERY_SECONDS = 600.0


async def run_outbox_relay(container: AsyncContainer, settings: OutboxSettings, service: str) -> None:
    """Runs until cancelled. A bus or database outage is logged and retried, never fatal."""
    store = await container.get(OutboxStore)
    clock = await container.get(Clock)
    relay = RelayOutbox(
        store,
        await container.get(EventBus),
        owner=f"{service}-{os.getpid()}-{uuid.uuid4().hex[:8]}",
        batch_size=settings.batch_size,
        lease_seconds=settings.lease_seconds,
    )
    purge = PurgePublishedOutbox(store, clock, retention=timedelta(hours=settings.retention_hours))
    next_purge = clock.monotonic()
    while True:
        relayed = 0
        try:
            relayed = await relay.execute()
            if clock.monotonic() >= next_purge:
                await purge.execute()
                next_purge = clock.monotonic() + PURGE_EVERY_SECONDS
        except Unavailable as error:
            log.warning("outbox relay paused: %s", error)
        if relayed < settings.batch_size:  # a full batch means more may be waiting
            await asyncio.sleep(settings.poll_interval_seconds)
