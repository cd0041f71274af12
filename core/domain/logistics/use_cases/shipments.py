"""Shipments: created for a reserved order, tracked by events; in transit ships the order through
the ledger, delivered delivers it."""

import msgspec

from core.domain.access import Permission, Principal, ensure_may_access_customer_record
from core.domain.audit.changes import record
from core.domain.audit.model import Invocation
from core.domain.errors import Conflict, NotFound, RuleViolated
from core.domain.events import publish
from core.domain.logistics.audit import SHIPMENTS
from core.domain.logistics.events import LogisticsShipmentDelivered, LogisticsShipmentUpdated
from core.domain.logistics.orders import OrderStatus
from core.domain.logistics.shipments import Shipment, ShipmentStatus, TrackingEvent
from core.domain.logistics.use_cases.orders import DeliverOrder, ShipOrder
from core.domain.versions import ensure_current
from core.ports.clock import Clock, IdGenerator
from core.ports.logistics import LogisticsUnitOfWork, ShipmentFilter
from core.ports.pagination import Page, PageRequest


class NewShipment(msgspec.Struct, frozen=True, kw_only=True):
    order_id: str
    carrier: str
    tracking_number: str


class NewTrackingEvent(msgspec.Struct, frozen=True, kw_only=True):
    status: ShipmentStatus
    location: str = ""
    note: str = ""


class CreateShipment:
    """- One shipment per order, for an order that is `reserved` (or already `shipped` by
      `/ship`); it starts `created`. A second for the same order is 409.
    - Audited and published (`logistics.shipment_updated`)."""

    def __init__(self, uow: LogisticsUnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids

    async def execute(self, command: NewShipment, by: Invocation) -> Shipment:
        now = self._clock.now()
        async with self._uow as uow:
            order = await uow.orders.lock(command.order_id)
            if order is None:
                raise RuleViolated("order_id: no such order")
            if order.status not in (OrderStatus.RESERVED, OrderStatus.SHIPPED):
                raise Conflict(f"a {order.status} order cannot be shipped; reserve it first")
            if await uow.shipments.for_order(order.id) is not None:
                raise Conflict("this order has a shipment already")
            shipment = Shipment(id=self._ids.new_id(), customer_id=order.customer_id, created_at=now,
                                updated_at=now, **msgspec.structs.asdict(command))  # fmt: skip
            await uow.shipments.add(shipment)
            record(uow, by, now, SHIPMENTS.change("create", None, shipment))
            publish(uow, _updated(shipment), self._ids.new_id(), now, by.correlation_id)
            await uow.commit()
        return shipment


class TrackShipment:
    """- Appends a tracking event (status, location, note) and moves the shipment: created →
      picked → in transit → delivered, with `exception` from any of them until delivered; a step
      its status does not allow is 409 naming the allowed ones.
    - The first time it is in transit, its order ships (one `ship` movement per line in the
      ledger) in the same transaction; delivered delivers the order and publishes
      `logistics.shipment_delivered`. `If-Match` with a stale ETag is 412."""

    def __init__(self, uow: LogisticsUnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids

    async def execute(
        self, shipment_id: str, command: NewTrackingEvent, by: Invocation, expected_version: int | None = None
    ) -> Shipment:
        now = self._clock.now()
        async with self._uow as uow:
            shipment = await uow.shipments.lock(shipment_id)
            if shipment is None:
                raise NotFound("shipment not found")
            ensure_current(shipment, expected_version, "shipment")
            tracked = shipment.tracked(TrackingEvent(occurred_at=now, **msgspec.structs.asdict(command)))
            order = await uow.orders.lock(shipment.order_id)
            if order is None or order.status is OrderStatus.CANCELLED:
                raise Conflict("the shipment's order is cancelled: it cannot be tracked on")
            if command.status in (ShipmentStatus.IN_TRANSIT, ShipmentStatus.DELIVERED):
                if order.status is OrderStatus.RESERVED:
                    order = await ShipOrder(uow, self._clock, self._ids).apply(uow, order, by, now)
                if command.status is ShipmentStatus.DELIVERED and order.status is OrderStatus.SHIPPED:
                    await DeliverOrder(uow, self._clock, self._ids).apply(uow, order, by, now)
            await uow.shipments.save(tracked)
            record(uow, by, now, SHIPMENTS.change(f"track_{command.status}", shipment, tracked))
            publish(uow, _updated(tracked), self._ids.new_id(), now, by.correlation_id)
            if tracked.status is ShipmentStatus.DELIVERED:
                delivered = LogisticsShipmentDelivered(
                    shipment_id=tracked.id, order_id=tracked.order_id, customer_id=tracked.customer_id
                )
                publish(uow, delivered, self._ids.new_id(), now, by.correlation_id)
            await uow.commit()
        return tracked


def _updated(shipment: Shipment) -> LogisticsShipmentUpdated:
    return LogisticsShipmentUpdated(
        shipment_id=shipment.id,
        order_id=shipment.order_id,
        customer_id=shipment.customer_id,
        status=shipment.status,
        carrier=shipment.carrier,
        tracking_number=shipment.tracking_number,
    )


def _ensure_may_see(principal: Principal, shipment: Shipment) -> None:
    ensure_may_access_customer_record(
        principal,
        shipment.customer_id,
        any_record=Permission.LOGISTICS_READ,
        own_record=Permission.ORDERS_OWN,
        resource="shipment",
    )


class GetShipment:
    """- Staff see every shipment, a customer those of their own orders; anyone else's is 404."""

    def __init__(self, uow: LogisticsUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, shipment_id: str, principal: Principal) -> Shipment:
        async with self._uow as uow:
            shipment = await uow.shipments.get(shipment_id)
        if shipment is None:
            raise NotFound("shipment not found")
        _ensure_may_see(principal, shipment)
        return shipment


class ListShipments:
    """- Oldest first; filter by order and status. A customer sees only their own."""

    def __init__(self, uow: LogisticsUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, query: ShipmentFilter, page: PageRequest, principal: Principal) -> Page[Shipment]:
        if not principal.has(Permission.LOGISTICS_READ):
            query = msgspec.structs.replace(query, customer_id=principal.customer_id or "\x00none")
        async with self._uow as uow:
            return await uow.shipments.list(query, page)


class CarrierTracking(msgspec.Struct, frozen=True, kw_only=True):
    carrier: str
    tracking_number: str
    status: ShipmentStatus
    location: str = ""
    note: str = ""


class RecordCarrierTracking:
    """- A carrier's verified tracking update (from integrations' inbound webhooks) is tracked on
      the shipment with that tracking number whose carrier has that name (case aside), as
      `TrackShipment` tracks it; None when there is no such shipment.
    - An update equal to the shipment's last tracking event (status, location, note) changes
      nothing, so an update received or handled twice is applied once."""

    def __init__(self, uow: LogisticsUnitOfWork, track: TrackShipment) -> None:
        self._uow, self._track = uow, track

    async def execute(self, update: CarrierTracking, by: Invocation) -> Shipment | None:
        async with self._uow as uow:
            candidates = await uow.shipments.list(
                ShipmentFilter(tracking_number=update.tracking_number), PageRequest(limit=10)
            )
        mine = [s for s in candidates.items if s.carrier.strip().lower() == update.carrier.lower()]
        if not mine:
            return None
        shipment = mine[0]
        step = NewTrackingEvent(status=update.status, location=update.location, note=update.note)
        if shipment.events and _same(shipment.events[-1], step):
            return shipment
        return await self._track.execute(shipment.id, step, by, expected_version=shipment.version)


def _same(last: TrackingEvent, step: NewTrackingEvent) -> bool:
    return (last.status, last.location, last.note) == (step.status, step.location, step.note)
