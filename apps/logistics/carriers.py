"""Carriers' tracking updates, verified by the integrations service and published on its
``webhooks`` stream, tracked on logistics' shipments (decision 0041)."""

import logging

import msgspec
from dishka import AsyncContainer

from apps._shared.consumers import run_consumer
from core.domain.audit.model import Actor, Invocation
from core.domain.errors import Conflict
from core.domain.logistics.shipments import ShipmentStatus
from core.domain.logistics.use_cases.shipments import CarrierTracking, RecordCarrierTracking
from core.domain.webhooks.events import WebhooksCarrierUpdateReceived
from core.ports.events import Event

log = logging.getLogger("bhiv.logistics.carriers")
GROUP = "logistics-carriers"
_decode = msgspec.json.Decoder(WebhooksCarrierUpdateReceived).decode


async def follow_carrier_updates(container: AsyncContainer) -> None:
    """Runs until cancelled. An update that names no shipment, or a step its shipment's status
    does not allow, is logged and dropped: the carrier was answered 202 already, and trying again
    would not change it. Anything else (the database down) leaves the event for later."""

    async def handle(event: Event) -> None:
        if event.type != "webhooks.carrier_update_received":
            return
        received = _decode(event.payload)
        update = CarrierTracking(
            carrier=received.carrier,
            tracking_number=received.tracking_number,
            status=ShipmentStatus(received.status),
            location=received.location,
            note=received.note,
        )
        actor = Actor.system(f"carrier:{received.carrier}")
        by = Invocation(actor=actor, correlation_id=event.correlation_id)
        try:
            async with container() as request:
                shipment = await (await request.get(RecordCarrierTracking)).execute(update, by)
        except Conflict as refused:  # a stale version (PreconditionFailed) is retried instead
            log.warning("carrier %s update %s refused: %s", received.carrier, received.message_id, refused)
            return
        if shipment is None:
            log.warning(
                "carrier %s update %s names no shipment (tracking number %s)",
                received.carrier,
                received.message_id,
                received.tracking_number,
            )

    await run_consumer(container, "webhooks", GROUP, handle)
