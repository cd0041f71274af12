"""Reading what services declare to the gateway from their OpenAPI documents."""

from typing import Any

from litestar import Litestar, post
from litestar.openapi import OpenAPIConfig
from litestar.params import FromPath, JSONBody

from adapters.http.access import PUBLIC, requires
from adapters.http.gateway.route_policies import STRICT, routes_of
from adapters.http.route_policy import gateway_policy
from core.domain.access import Permission


def document(*handlers: Any) -> dict[str, Any]:
    app = Litestar(list(handlers), openapi_config=OpenAPIConfig(title="t", version="1"))
    return app.openapi_schema.to_schema()


def test_a_static_route_wins_over_a_parameter_as_in_litestar_whatever_the_order() -> None:
    @post("/inbound/{carrier:str}", opt=PUBLIC, **gateway_policy(public=True))
    async def carrier_update(carrier: FromPath[str], data: JSONBody[dict[str, Any]]) -> None: ...

    @post("/inbound/replay", opt=requires(Permission.INTEGRATIONS_MANAGE))
    async def replay(data: JSONBody[dict[str, Any]]) -> None: ...

    routes = routes_of(document(carrier_update, replay))

    assert routes.lookup("POST", "/inbound/replay") is STRICT
    assert routes.lookup("POST", "/inbound/dhl").public


def test_a_malformed_declaration_leaves_its_route_strict() -> None:
    declared = {"paths": {"/v1/x": {"post": {"x-bhiv": {"content": "description", "public": "yes"}}}}}

    assert routes_of(declared).lookup("POST", "/v1/x") is STRICT


def test_methods_and_trailing_slashes() -> None:
    @post("/v1/tickets", opt=requires(Permission.TICKETS_OWN), **gateway_policy(content=["description"]))
    async def open_ticket(data: JSONBody[dict[str, Any]]) -> None: ...

    routes = routes_of(document(open_ticket))

    assert "$.description" in routes.lookup("POST", "/v1/tickets/").content
    assert routes.lookup("GET", "/v1/tickets") is STRICT
