"""Shipments and their tracking events."""

import builtins
from typing import Any

import msgspec
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.errors import translated
from adapters.db.logistics.tables import shipments, tracking_events
from adapters.db.pagination import oldest_first
from adapters.db.rows import children_of, plain
from core.domain.logistics.shipments import Shipment
from core.ports.logistics import ShipmentFilter, ShipmentRepository
from core.ports.pagination import Page, PageRequest

_HEADER = ("id", "order_id", "customer_id", "carrier", "tracking_number", "status", "version", "created_at",
           "updated_at")  # fmt: skip


class SqlShipmentRepository(ShipmentRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @translated
    async def add(self, shipment: Shipment) -> None:
        await self._session.execute(
            insert(shipments).values(**{name: getattr(shipment, name) for name in _HEADER})
        )
        await self._append_events(shipment, already=0)

    @translated
    async def get(self, shipment_id: str) -> Shipment | None:
        found = await self._loaded(select(shipments).where(shipments.c.id == shipment_id))
        return found[0] if found else None

    @translated
    async def lock(self, shipment_id: str) -> Shipment | None:
        found = await self._loaded(select(shipments).where(shipments.c.id == shipment_id).with_for_update())
        return found[0] if found else None

    @translated
    async def for_order(self, order_id: str) -> Shipment | None:
        found = await self._loaded(select(shipments).where(shipments.c.order_id == order_id))
        return found[0] if found else None

    @translated
    async def save(self, shipment: Shipment) -> None:
        values = {"status": shipment.status, "version": shipment.version, "updated_at": shipment.updated_at}
        await self._session.execute(update(shipments).where(shipments.c.id == shipment.id).values(**values))
        stored = await self._session.scalar(
            select(tracking_events.c.seq).where(tracking_events.c.shipment_id == shipment.id)
            .order_by(tracking_events.c.seq.desc()).limit(1)
        )  # fmt: skip
        await self._append_events(shipment, already=stored or 0)

    @translated
    async def list(self, query: ShipmentFilter, page: PageRequest) -> Page[Shipment]:
        statement = select(shipments)
        for column, wanted in (("order_id", query.order_id), ("customer_id", query.customer_id),
                               ("status", query.status),
                               ("tracking_number", query.tracking_number)):  # fmt: skip
            if wanted is not None:
                statement = statement.where(shipments.c[column] == wanted)
        found = await self._loaded(oldest_first(statement, page, shipments.c.id))
        return Page.of(found, page, key=lambda shipment: shipment.id)

    async def _append_events(self, shipment: Shipment, already: int) -> None:
        new = [
            {"shipment_id": shipment.id, "seq": seq, **msgspec.structs.asdict(event)}
            for seq, event in enumerate(shipment.events, start=1)
            if seq > already
        ]
        if new:
            await self._session.execute(insert(tracking_events), new)

    async def _loaded(self, statement: Any) -> "builtins.list[Shipment]":
        headers = (await self._session.execute(statement)).all()
        c = tracking_events.c
        events = await children_of(
            self._session, tracking_events, c.shipment_id, [row.id for row in headers], c.seq
        )
        loaded = ({**plain(row), "events": [_event_of(event) for event in events[row.id]]} for row in headers)
        return [msgspec.convert(values, Shipment, from_attributes=True) for values in loaded]


def _event_of(row: Any) -> dict[str, Any]:
    return {key: value for key, value in plain(row).items() if key not in ("shipment_id", "seq")}
