"""``/v1/shipments``: an order's shipment and its tracking events."""

from datetime import datetime
from inspect import getdoc

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from adapters.http.access import requires
from adapters.http.etags import IfMatch, tagged, version_in
from adapters.http.pagination import PAGED, PageOut, PageQuery
from core.domain.access import Permission, Principal
from core.domain.audit.model import Invocation
from core.domain.logistics.shipments import Shipment, ShipmentStatus
from core.domain.logistics.use_cases.shipments import (
    CreateShipment,
    GetShipment,
    ListShipments,
    NewShipment,
    NewTrackingEvent,
    TrackShipment,
)
from core.ports.logistics import ShipmentFilter

FOLLOW = requires(Permission.LOGISTICS_READ, Permission.ORDERS_OWN)
WRITE = requires(Permission.LOGISTICS_WRITE)


class ShipmentIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    order_id: str
    carrier: str
    tracking_number: str


class TrackingEventIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    status: ShipmentStatus
    location: str = ""
    note: str = ""


class TrackingEventOut(msgspec.Struct, frozen=True, kw_only=True):
    status: ShipmentStatus
    location: str
    note: str
    occurred_at: datetime


class ShipmentOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    order_id: str
    customer_id: str
    carrier: str
    tracking_number: str
    status: ShipmentStatus
    events: list[TrackingEventOut]
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, shipment: Shipment) -> "ShipmentOut":
        return msgspec.convert(shipment, cls, from_attributes=True)


def _answer(shipment: Shipment, status_code: int = 200) -> Response[ShipmentOut]:
    return tagged(ShipmentOut.of(shipment), shipment.version, status_code)


class ShipmentsController(Controller):
    path = "/v1/shipments"
    tags = ["logistics: shipments"]

    @post("/", operation_id="CreateShipment", description=getdoc(CreateShipment), opt=WRITE)
    @inject
    async def create(
        self, data: JSONBody[ShipmentIn], use_case: FromDishka[CreateShipment], by: FromDishka[Invocation]
    ) -> Response[ShipmentOut]:
        shipment = await use_case.execute(msgspec.convert(data, NewShipment, from_attributes=True), by)
        return _answer(shipment, 201)

    @get("/", operation_id="ListShipments", description=getdoc(ListShipments), opt=FOLLOW, dependencies=PAGED)
    @inject
    async def list_shipments(
        self,
        use_case: FromDishka[ListShipments],
        principal: FromDishka[Principal],
        page: PageQuery,
        order_id: FromQuery[str | None] = None,
        status: FromQuery[ShipmentStatus | None] = None,
    ) -> PageOut[ShipmentOut]:
        found = await use_case.execute(ShipmentFilter(order_id=order_id, status=status), page, principal)
        return PageOut.mapped(found, ShipmentOut.of)

    @get("/{shipment_id:str}", operation_id="GetShipment", description=getdoc(GetShipment), opt=FOLLOW)
    @inject
    async def get_shipment(
        self, shipment_id: FromPath[str], use_case: FromDishka[GetShipment], principal: FromDishka[Principal]
    ) -> Response[ShipmentOut]:
        return _answer(await use_case.execute(shipment_id, principal))

    @post(
        "/{shipment_id:str}/events",
        operation_id="TrackShipment",
        description=getdoc(TrackShipment),
        opt=WRITE,
    )
    @inject
    async def track(
        self,
        shipment_id: FromPath[str],
        data: JSONBody[TrackingEventIn],
        use_case: FromDishka[TrackShipment],
        by: FromDishka[Invocation],
        if_match: IfMatch = None,
    ) -> Response[ShipmentOut]:
        event = msgspec.convert(data, NewTrackingEvent, from_attributes=True)
        return _answer(await use_case.execute(shipment_id, event, by, version_in(if_match)))
