"""``Idempotency-Key`` on the POSTs that create (orders, movements, conversions): a client that
retries after a timeout gets the first answer again, never a second order.

    @post("/v1/orders", opt=WRITE | IDEMPOTENT)

- The key (1 to 255 printable ASCII characters) is scoped to the caller and the request's method
  and path, and kept 24 hours in the shared key-value store, so every replica sees it.
- A replay with the same body answers the first status, headers and body, marked
  ``Idempotent-Replayed: true``. The same key with another body is 422 ``idempotency_key_reused``;
  while the first request still runs, a duplicate is 409 ``request_in_progress``.
- Only answers below 500 are kept. A request that fails with an error leaves nothing behind, so
  the same key runs it again: the failure may have been temporary (stock arriving later).
- Without the header a route behaves as any other.
"""

import hashlib
from typing import Any

import msgspec
from litestar.types import (
    ASGIApp,
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
    Message,
    Receive,
    ReceiveMessage,
    Scope,
    Send,
)

from core.domain.errors import Conflict, RuleViolated
from core.ports.kv import KeyValueStore

IDEMPOTENT: dict[str, Any] = {"idempotent": True}
HEADER = b"idempotency-key"
KEEP_SECONDS = 24 * 3600
RUNNING_SECONDS = 300
"""How long a claim outlives a process that died while serving it, before the key is free."""


class IdempotencyKeyReused(RuleViolated):
    code = "idempotency_key_reused"


class RequestInProgress(Conflict):
    code = "request_in_progress"


class _Kept(msgspec.Struct, frozen=True):
    fingerprint: str
    status: int = 0
    """0 while the first request runs."""
    headers: list[tuple[bytes, bytes]] = []
    body: bytes = b""


_encode = msgspec.msgpack.Encoder().encode
_decode = msgspec.msgpack.Decoder(_Kept).decode


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._store: KeyValueStore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client_key = _client_key(scope)
        if client_key is None or not scope["route_handler"].opt.get("idempotent"):
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        store = self._store = self._store or await scope["app"].state.dishka_container.get(KeyValueStore)
        key = _store_key(scope, client_key)
        fingerprint = hashlib.sha256(body).hexdigest()
        if not await store.add(key, _encode(_Kept(fingerprint)), ttl_seconds=RUNNING_SECONDS):
            await _replay(await store.get(key), fingerprint, send)
            return
        await self._first(scope, _replaying(body), send, store, key, fingerprint)

    async def _first(
        self, scope: Scope, receive: Receive, send: Send, store: KeyValueStore, key: str, fingerprint: str
    ) -> None:
        status, headers, chunks = 0, [], []

        async def capture(message: Message) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status, headers = message["status"], list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, capture)
        except BaseException:
            await store.delete(key)
            raise
        if 0 < status < 500:
            kept = _Kept(fingerprint, status, [tuple(pair) for pair in headers], b"".join(chunks))  # type: ignore[misc]
            await store.set(key, _encode(kept), ttl_seconds=KEEP_SECONDS)
        else:
            await store.delete(key)


def _client_key(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == HEADER:
            text = value.decode("latin-1")
            if not 1 <= len(text) <= 255 or not text.isascii() or not text.isprintable():
                raise RuleViolated("Idempotency-Key: 1 to 255 printable ASCII characters")
            return text
    return None


def _store_key(scope: Scope, client_key: str) -> str:
    caller = scope["user"].subject
    scoped = f"{caller}\n{scope.get('method')}\n{scope['path']}\n{client_key}".encode()
    return f"idem:{scope['app'].state['service']}:{hashlib.sha256(scoped).hexdigest()}"


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replaying(body: bytes) -> Receive:
    sent = False

    async def receive() -> ReceiveMessage:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _replay(raw: bytes | None, fingerprint: str, send: Send) -> None:
    kept = None if raw is None else _decode(raw)
    if kept is not None and kept.fingerprint != fingerprint:
        raise IdempotencyKeyReused("this Idempotency-Key was used with another request body")
    if kept is None or kept.status == 0:
        # Absent only if the first request's claim ended between our two reads: it is settling.
        raise RequestInProgress("a request with this Idempotency-Key is still being served; retry shortly")
    start: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": kept.status,
        "headers": [*kept.headers, (b"idempotent-replayed", b"true")],
    }
    body: HTTPResponseBodyEvent = {"type": "http.response.body", "body": kept.body, "more_body": False}
    await send(start)
    await send(body)
