"""Splitting an ASGI request into the values an attacker controls (RequestSample)."""

import itertools
from collections.abc import Iterator
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qsl

import msgspec

from core.domain.threat.model import RequestSample

DATA_HEADERS = {b"user-agent", b"referer", b"origin"}
MAX_VALUES = 10_000
"""Query parameters, cookies and body values together. Every one is inspected, so a request
with more is refused (413) rather than forwarded with a tail nobody read."""


class TooManyValues(Exception):
    """More attacker-controlled values than ``MAX_VALUES``."""


_json = msgspec.json.Decoder()


def body_kind(headers: dict[bytes, bytes]) -> str | None:
    content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
    if content_type == b"application/json" or content_type.endswith(b"+json"):
        return "json"
    if content_type == b"application/x-www-form-urlencoded":
        return "form"
    return None


def sample_of(
    scope: dict[str, Any], headers: dict[bytes, bytes], body: bytes | None, client_ip: str
) -> RequestSample:
    """Raises ``TooManyValues``."""
    query = _pairs(scope.get("query_string", b"").decode("latin-1"))
    cookies = _cookies(headers.get(b"cookie"))
    values = _body_values(body, body_kind(headers)) if body else []
    if len(query) + len(cookies) + len(values) > MAX_VALUES:
        raise TooManyValues
    return RequestSample(
        method=scope["method"],
        path=scope.get("raw_path", b"").decode("latin-1") or scope["path"],
        query=query,
        headers=[
            (name.decode(), value.decode("latin-1"))
            for name, value in headers.items()
            if name in DATA_HEADERS
        ],
        cookies=cookies,
        body=values,
        client_ip=client_ip,
    )


def _pairs(text: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_VALUES)
    except ValueError:  # more fields than that: stop parsing at once
        raise TooManyValues from None


def _cookies(header: bytes | None) -> list[tuple[str, str]]:
    if not header:
        return []
    cookie = SimpleCookie()
    try:
        cookie.load(header.decode("latin-1"))
    except CookieError:
        return [("cookie", header.decode("latin-1"))]  # unparseable: inspect it whole
    return [(name, morsel.value) for name, morsel in cookie.items()]


def _body_values(body: bytes, kind: str | None) -> list[tuple[str, str]]:
    if kind == "form":
        return _pairs(body.decode("utf-8", "replace"))
    if kind == "json":
        try:
            document = _json.decode(body)
        except msgspec.DecodeError:
            return [("$", body.decode("utf-8", "replace"))]  # not JSON after all: one value
        return list(itertools.islice(_leaves(document, "$"), MAX_VALUES + 1))
    return []


def _leaves(node: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every string (and key) in a JSON document with its path; numbers and booleans are safe."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield f"{path}.{key}#key", str(key)
            yield from _leaves(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, f"{path}[{index}]")
