"""What every service gets from the service kit: problem details, correlation ids, metrics, traces."""

import asyncio

import msgspec
import pytest
from litestar import get, post
from litestar.params import FromPath, JSONBody
from litestar.testing import AsyncTestClient

from adapters.http.access import PUBLIC
from apps._shared.app import ServiceSpec, build_service_app
from apps._shared.settings import PlatformSettings
from core.domain.errors import Conflict, NotFound, RuleViolated
from core.ports.errors import Unavailable


class Parcel(msgspec.Struct):
    sku: str
    quantity: int


@post("/v1/parcels", sync_to_thread=False, opt=PUBLIC)
def accept_parcel(data: JSONBody[Parcel]) -> dict[str, int]:
    return {"quantity": data.quantity}


@get("/v1/parcels/{parcel_id:str}", sync_to_thread=False, opt=PUBLIC)
def find_parcel(parcel_id: FromPath[str]) -> None:
    errors = {
        "missing": NotFound(f"parcel {parcel_id} does not exist"),
        "taken": Conflict("parcel already dispatched"),
        "rule": RuleViolated("parcels over 30 kg need a pallet"),
        "down": Unavailable("warehouse system unreachable"),
    }
    raise errors.get(parcel_id, RuntimeError("secret internal detail"))


@get("/v1/slow", opt=PUBLIC)
async def slow() -> dict[str, str]:
    await asyncio.sleep(0.05)
    return {"status": "done"}


SPEC = ServiceSpec(
    name="parcels", title="Parcels", description="kit test", route_handlers=[accept_parcel, find_parcel, slow]
)


@pytest.fixture
async def client(settings: PlatformSettings, finished_spans):
    async with AsyncTestClient(build_service_app(SPEC, settings)) as client:
        yield client


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["correlation_id"] == response.headers["x-request-id"]
    return body


async def test_unknown_route_is_a_404_problem(client) -> None:
    assert_problem(await client.get("/v1/nothing-here"), 404, "not_found")


async def test_wrong_method_is_a_405_problem(client) -> None:
    assert_problem(await client.delete("/v1/parcels"), 405, "method_not_allowed")


async def test_malformed_json_is_a_400_problem(client) -> None:
    response = await client.post(
        "/v1/parcels", content=b'{"sku": ', headers={"content-type": "application/json"}
    )
    assert_problem(response, 400, "malformed_request")


async def test_a_wrongly_typed_field_is_a_422_naming_the_field(client) -> None:
    body = assert_problem(
        await client.post("/v1/parcels", json={"sku": "A-1", "quantity": "many"}), 422, "validation_failed"
    )
    assert body["errors"][0]["field"] == "quantity"


async def test_a_missing_field_is_a_422_naming_the_field(client) -> None:
    body = assert_problem(await client.post("/v1/parcels", json={"sku": "A-1"}), 422, "validation_failed")
    assert body["errors"][0]["field"] == "quantity"
    assert "quantity" in body["detail"]


async def test_a_body_over_the_limit_is_a_413_problem(client) -> None:
    response = await client.post("/v1/parcels", json={"sku": "A" * 2000, "quantity": 1})
    assert_problem(response, 413, "request_entity_too_large")


@pytest.mark.parametrize(
    ("parcel", "status", "code"),
    [
        ("missing", 404, "not_found"),
        ("taken", 409, "conflict"),
        ("rule", 422, "rule_violated"),
        ("down", 503, "unavailable"),
    ],
)
async def test_domain_and_port_errors_map_to_their_status(client, parcel, status, code) -> None:
    assert_problem(await client.get(f"/v1/parcels/{parcel}"), status, code)


async def test_an_unexpected_error_is_a_500_without_internals(client) -> None:
    response = await client.get("/v1/parcels/anything-else")
    body = assert_problem(response, 500, "internal_error")
    assert "secret internal detail" not in response.text
    assert "Traceback" not in response.text
    assert body["detail"] == "An unexpected error occurred."


async def test_a_well_formed_request_id_is_echoed(client) -> None:
    response = await client.get("/health/live", headers={"x-request-id": "order-4711-abcdef"})
    assert response.headers["x-request-id"] == "order-4711-abcdef"


@pytest.mark.parametrize("bad_id", ["short", "has space in it", "x" * 200, "inject\u2028line"])
async def test_a_malformed_request_id_is_replaced(client, bad_id: str) -> None:
    response = await client.get("/health/live", headers={"x-request-id": bad_id.encode("utf-8")})
    assert response.headers["x-request-id"] != bad_id
    assert len(response.headers["x-request-id"]) == 32


async def test_metrics_use_the_route_template_not_the_raw_path(client) -> None:
    await client.get("/v1/parcels/missing")
    await client.get("/v1/parcels/taken")
    await client.get("/v1/no/such/path/12345")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert 'route="/v1/parcels/{parcel_id}",service="parcels",status="404"' in text
    assert "bhiv_http_request_duration_seconds_bucket" in text
    assert 'route="<unmatched>"' in text
    assert "/v1/parcels/missing" not in text
    assert "12345" not in text


async def test_an_incoming_traceparent_becomes_the_parent_of_the_server_span(client, finished_spans) -> None:
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    await client.get("/v1/slow", headers={"traceparent": f"00-{trace_id}-00f067aa0ba902b7-01"})
    spans = [s for s in finished_spans.get_finished_spans() if s.name == "GET /v1/slow"]
    assert spans, "the server span is named after the route template"
    assert format(spans[-1].context.trace_id, "032x") == trace_id
    assert format(spans[-1].parent.span_id, "016x") == "00f067aa0ba902b7"


async def test_openapi_document_is_served(client) -> None:
    document = (await client.get("/openapi/openapi.json")).json()
    assert document["info"]["title"] == "Parcels"
    assert "/v1/parcels" in document["paths"]


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/octet-stream", "multipart/form-data", None]
)
async def test_a_body_not_labelled_as_the_route_reads_it_is_a_415_problem(client, content_type) -> None:
    """Litestar would read the JSON anyway; the gateway's screen would not have."""
    headers = {"content-type": content_type} if content_type else {}
    response = await client.post("/v1/parcels", content=b'{"sku": "A-1", "quantity": 2}', headers=headers)

    assert_problem(response, 415, "unsupported_media_type")


@pytest.mark.parametrize(
    "content_type", ["application/json", "application/json; charset=utf-8", "application/merge-patch+json"]
)
async def test_a_json_body_labelled_as_json_is_read(client, content_type) -> None:
    response = await client.post(
        "/v1/parcels", content=b'{"sku": "A-1", "quantity": 2}', headers={"content-type": content_type}
    )

    assert response.status_code == 201
    assert response.json() == {"quantity": 2}


async def test_a_body_with_two_content_types_is_a_415_problem(client) -> None:
    headers = [("content-type", "application/json"), ("content-type", "text/plain")]
    response = await client.post("/v1/parcels", content=b'{"sku": "A-1", "quantity": 2}', headers=headers)

    assert_problem(response, 415, "unsupported_media_type")


async def test_a_json_body_with_invalid_utf8_is_a_400_problem(client) -> None:
    response = await client.post(
        "/v1/parcels", content=b'{"sku": "\xe9", "quantity": 2}', headers={"content-type": "application/json"}
    )

    assert_problem(response, 400, "malformed_request")
