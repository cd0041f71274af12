"""A consumer-group loop over the event bus: at-least-once, acked after the handler succeeds."""

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable

from dishka import AsyncContainer

from core.ports.errors import Unavailable
from core.ports.events import Event, EventBus

log = logging.getLogger("bhiv.consumer")
Handler = Callable[[Event], Awaitable[None]]


async def run_consumer(container: AsyncContainer, stream: str, group: str, handle: Handler) -> None:
    """Runs until cancelled. A handler that fails leaves the event unacked, so it is redelivered."""
    bus = await container.get(EventBus)
    consumer = f"{group}-{os.getpid()}"
    while True:
        try:
            await bus.ensure_group(stream, group)
            break
        except Unavailable as error:
            log.warning("event bus unavailable, retrying: %s", error)
            await asyncio.sleep(1.0)
    while True:
        try:
            deliveries = await bus.consume(stream, group, consumer, count=100, block_seconds=1.0)
        except Unavailable as error:
            log.warning("event bus unavailable, retrying: %s", error)
            await asyncio.sleep(1.0)
            continue
        done = []
        for delivery in deliveries:
            try:
                await handle(delivery.event)
            except Exception:  # one bad event must not stop the consumer; it comes back later
                log.exception("handling %s %s failed", delivery.event.type, delivery.event.id)
                continue
            done.append(delivery.message_id)
        if done:
            await bus.ack(stream, group, done)
