"""A tiny upstream for gateway tests: ``python -m tests.support.upstream --port N --id a``.

Every path answers JSON describing the request it saw (its id, path, headers, body size), except:
``/health/ready`` (200, or 503 after ``POST /control/unready``), ``/slow?seconds=S``,
``/sse?events=N&interval=S`` (server-sent events, one per interval), ``/status/CODE`` and
``/set-cookie`` (answers with a ``Set-Cookie`` header) and ``/openapi/openapi.json`` (the OpenAPI
document of a service declaring one route of each kind to the gateway: ``POST /v1/tickets`` and
``POST /v1/chat`` with content fields, ``POST /inbound/carriers/{carrier}`` public).

So that no test depends on timing, a test can also hold requests until it lets them go:
``/hold`` answers once ``POST /control/release`` reaches this upstream (directly, not through
the gateway), ``/sse?events=N&interval=release`` sends each event after the first on a release,
and ``GET /control/holding`` tells how many ``/hold`` requests are waiting.
"""

import argparse
import asyncio
import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qs

import uvicorn
from litestar import Litestar, post
from litestar.openapi import OpenAPIConfig
from litestar.params import FromPath, JSONBody

from adapters.http.access import PUBLIC, requires
from adapters.http.route_policy import gateway_policy
from core.domain.access import Permission

Scope = dict[str, Any]


def declared_routes_document() -> bytes:
    """Made by Litestar from real route handlers, as a service's own document is."""

    @post("/v1/tickets", opt=requires(Permission.TICKETS_OWN), **gateway_policy(content=["description"]))
    async def open_ticket(data: JSONBody[dict[str, Any]]) -> None: ...

    @post("/v1/chat", opt=requires(Permission.LLM_USE), **gateway_policy(content=["messages[].content"]))
    async def chat(data: JSONBody[dict[str, Any]]) -> None: ...

    @post("/inbound/carriers/{carrier:str}", opt=PUBLIC, **gateway_policy(public=True))
    async def carrier_update(carrier: FromPath[str], data: JSONBody[dict[str, Any]]) -> None: ...

    app = Litestar([open_ticket, chat, carrier_update], openapi_config=OpenAPIConfig(title="t", version="1"))
    return json.dumps(app.openapi_schema.to_schema()).encode()


class Upstream:
    def __init__(self, ident: str) -> None:
        self.ident = ident
        self.ready = True
        self.openapi = declared_routes_document()
        self.holding = 0
        self._gate = asyncio.Event()
        """Set by the next release; whoever waits on it then goes on."""

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        size = 0
        more = True
        while more:
            message = await receive()
            size += len(message.get("body", b""))
            more = message.get("more_body", False)
        path, query = scope["path"], parse_qs(scope["query_string"].decode())
        if path == "/health/ready":
            await self._json(send, 200 if self.ready else 503, {"ready": self.ready})
        elif path == "/openapi/openapi.json":
            headers = [(b"content-type", b"application/json")]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": self.openapi})
        elif path == "/control/release":
            gate, self._gate = self._gate, asyncio.Event()
            gate.set()
            await self._json(send, 200, {"released": True})
        elif path == "/control/holding":
            await self._json(send, 200, {"holding": self.holding})
        elif path == "/hold":
            gate = self._gate
            self.holding += 1
            try:
                await gate.wait()
            finally:
                self.holding -= 1
            await self._json(send, 200, self._describe(scope, size))
        elif path.startswith("/control/"):
            self.ready = path == "/control/ready"
            await self._json(send, 200, {"ready": self.ready})
        elif path == "/set-cookie":
            cookie = (b"set-cookie", b"session=secret-of-the-first-client; Path=/")
            await self._json(send, 200, self._describe(scope, size), extra=[cookie])
        elif path == "/sse":
            interval = query["interval"][0]
            await self._sse(send, int(query["events"][0]), None if interval == "release" else float(interval))
        else:
            if path == "/slow":
                await asyncio.sleep(float(query["seconds"][0]))
            status = int(path.split("/")[2]) if path.startswith("/status/") else 200
            await self._json(send, status, self._describe(scope, size))

    def _describe(self, scope: Scope, size: int) -> dict[str, Any]:
        return {
            "id": self.ident,
            "method": scope["method"],
            "path": scope["path"],
            "query": scope["query_string"].decode(),
            "headers": [[name.decode(), value.decode()] for name, value in scope["headers"]],
            "body_bytes": size,
        }

    async def _json(
        self, send: Any, status: int, body: dict[str, Any], extra: Sequence[tuple[bytes, bytes]] = ()
    ) -> None:
        payload = json.dumps(body).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(payload)).encode()),
            (b"x-upstream-id", self.ident.encode()),
            (b"connection", b"x-upstream-hop"),
            (b"x-upstream-hop", b"1"),
            (b"keep-alive", b"timeout=5"),
            *extra,
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})

    async def _sse(self, send: Any, events: int, interval: float | None) -> None:
        """``interval`` None: each event after the first waits for a release."""
        headers = [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        for number in range(events):
            gate = self._gate  # taken before sending: a release that follows the event opens it
            data = f"data: {json.dumps({'id': self.ident, 'n': number})}\n\n".encode()
            await send({"type": "http.response.body", "body": data, "more_body": True})
            if interval is None:
                if number < events - 1:
                    await gate.wait()
            else:
                await asyncio.sleep(interval)
        await send({"type": "http.response.body", "body": b"", "more_body": False})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--id", required=True)
    args = parser.parse_args()
    uvicorn.run(
        Upstream(args.id),
        host="127.0.0.1",
        port=args.port,
        http="httptools",
        lifespan="off",
        access_log=False,
        log_level="warning",
    )


if __name__ == "__main__":
    main()
