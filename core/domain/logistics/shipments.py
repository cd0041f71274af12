"""Shipments: an order's journey to its customer, followed by tracking events."""

from datetime import datetime
from enum import StrEnum

import msgspec

from core.domain.errors import InvalidTransition, RuleViolated


class ShipmentStatus(StrEnum):
    CREATED = "created"
    PICKED = "picked"
    IN_TRANSIT = "in_transit"
    DELIVERED = "delivered"
    EXCEPTION = "exception"
    """Delayed, damaged, refused: the carrier says what; it may go on in transit or be delivered."""


_NEXT: dict[ShipmentStatus, tuple[ShipmentStatus, ...]] = {
    ShipmentStatus.CREATED: (ShipmentStatus.PICKED, ShipmentStatus.IN_TRANSIT, ShipmentStatus.EXCEPTION),
    ShipmentStatus.PICKED: (ShipmentStatus.IN_TRANSIT, ShipmentStatus.EXCEPTION),
    ShipmentStatus.IN_TRANSIT: (
        ShipmentStatus.IN_TRANSIT,
        ShipmentStatus.DELIVERED,
        ShipmentStatus.EXCEPTION,
    ),
    ShipmentStatus.EXCEPTION: (ShipmentStatus.IN_TRANSIT, ShipmentStatus.DELIVERED, ShipmentStatus.EXCEPTION),
    ShipmentStatus.DELIVERED: (),
}


class TrackingEvent(msgspec.Struct, frozen=True, kw_only=True):
    status: ShipmentStatus
    location: str = ""
    note: str = ""
    occurred_at: datetime


class Shipment(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    order_id: str
    customer_id: str
    """The order's customer, kept here so a customer can follow their own shipments."""
    carrier: str
    tracking_number: str
    status: ShipmentStatus = ShipmentStatus.CREATED
    events: tuple[TrackingEvent, ...] = ()
    """Appended, never changed: the shipment's history, oldest first."""
    version: int = 1
    created_at: datetime
    updated_at: datetime

    def __post_init__(self) -> None:
        if not 1 <= len(self.carrier.strip()) <= 100:
            raise RuleViolated("carrier: 1 to 100 characters")
        if not 1 <= len(self.tracking_number.strip()) <= 100:
            raise RuleViolated("tracking_number: 1 to 100 characters")

    def tracked(self, event: TrackingEvent) -> "Shipment":
        allowed = _NEXT[self.status]
        if event.status not in allowed:
            raise InvalidTransition(
                "shipment", self.status, f"moved to {event.status}", [str(s) for s in allowed]
            )
        return msgspec.structs.replace(
            self,
            status=event.status,
            events=(*self.events, event),
            version=self.version + 1,
            updated_at=event.occurred_at,
        )
