"""Splitting an ASGI request into the values an attacker controls (RequestSample).

Each value is read the way the receiver will read it (Litestar, in the gateway and in every
service behind it): every copy of a repeated header, cookies split as Litestar splits them,
form bodies decoded as Litestar decodes them, client credentials in an HTTP Basic header. A
value read one way here and another way there is a way past the screen.
"""

import itertools
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, unquote

import msgspec

from adapters.http.basic_auth import basic_credentials
from adapters.http.media_type import media_type
from core.domain.threat.model import RequestSample

DATA_HEADERS = {b"user-agent", b"referer", b"origin"}
MAX_VALUES = 10_000
"""Query parameters, cookies and body values together. Every one is inspected, so a request
with more is refused (413) rather than forwarded with a tail nobody read."""
_TOO_MANY = f"A request may carry at most {MAX_VALUES} query, cookie and body values."
_COOKIE_ESCAPE = re.compile(r"\\(?:([0-3][0-7]{2})|(.))")


class UninspectableRequest(Exception):
    """A request the screen cannot read as its receiver would; it is refused, not forwarded."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail


_json = msgspec.json.Decoder()


def body_kind(headers: list[tuple[bytes, bytes]]) -> str | None:
    """The body's kind from its one Content-Type: json, form, or None for a body streamed through
    unread. Raises ``UninspectableRequest`` for two, which receivers would not read alike."""
    declared = [value for name, value in headers if name == b"content-type"]
    if len(declared) > 1:
        raise UninspectableRequest(400, "malformed_request", "A request may carry one Content-Type header.")
    kind = media_type(declared[0]) if declared else ""
    if kind == "application/json" or kind.endswith("+json"):
        return "json"
    if kind == "application/x-www-form-urlencoded":
        return "form"
    return None


def sample_of(
    scope: dict[str, Any], headers: list[tuple[bytes, bytes]], body: bytes | None, client_ip: str
) -> RequestSample:
    """Raises ``UninspectableRequest``."""
    query = _pairs(scope.get("query_string", b""))
    cookies = [pair for name, value in headers if name == b"cookie" for pair in _cookies(value)]
    kind = body_kind(headers)
    values = _body_values(body, kind) if body else []
    if len(query) + len(cookies) + len(values) > MAX_VALUES:
        raise UninspectableRequest(413, "too_many_values", _TOO_MANY)
    return RequestSample(
        method=scope["method"],
        path=scope.get("raw_path", b"").decode("latin-1") or scope["path"],
        query=_with_names(query),
        headers=[(name.decode(), value.decode("latin-1")) for name, value in headers if name in DATA_HEADERS]
        + _basic_credentials(headers),
        cookies=_with_names(cookies),
        body=_with_names(values) if kind == "form" else values,
        client_ip=client_ip,
    )


def _with_names(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Names are attacker-controlled too and reach the receiver: each is read as a value of its
    own, as JSON keys are (``name#key``)."""
    named = []
    for name, value in pairs:
        if name:
            named.append((f"{name}#key", name))
        named.append((name, value))
    return named


def _pairs(raw: bytes) -> list[tuple[str, str]]:
    """Query strings and form bodies as Litestar parses them: latin-1 text, then ``parse_qsl``."""
    try:
        return parse_qsl(raw.decode("latin-1"), keep_blank_values=True, max_num_fields=MAX_VALUES)
    except ValueError:  # more fields than that: stop parsing at once
        raise UninspectableRequest(413, "too_many_values", _TOO_MANY) from None


def _cookies(header: bytes) -> list[tuple[str, str]]:
    """As Litestar's ``parse_cookie_string``: split on ``;`` and the first ``=`` (a piece without
    one is a value with no name), a quoted value unescaped, then percent-decoding."""
    pairs = []
    for piece in header.decode("latin-1").split(";"):
        name, _, value = piece.partition("=") if "=" in piece else ("", "", piece)
        name, value = name.strip(), value.strip()
        if name or value:
            pairs.append((name, unquote(_unquoted(value))))
    return pairs


def _unquoted(value: str) -> str:
    if len(value) < 2 or value[0] != '"' or value[-1] != '"':
        return value
    return _COOKIE_ESCAPE.sub(lambda m: chr(int(m[1], 8)) if m[1] else m[2], value[1:-1])


def _basic_credentials(headers: list[tuple[bytes, bytes]]) -> list[tuple[str, str]]:
    """The token endpoint reads a client's id and secret from HTTP Basic."""
    found = []
    for name, value in headers:
        if name != b"authorization" or value[:6].lower() != b"basic ":
            continue
        credentials = basic_credentials(value.decode("latin-1"))
        if credentials is not None:
            found += [("basic-auth.client_id", credentials[0]), ("basic-auth.client_secret", credentials[1])]
    return found


def _body_values(body: bytes, kind: str | None) -> list[tuple[str, str]]:
    if kind == "form":
        return _pairs(body)
    if kind == "json":
        try:
            document = _json.decode(body)
            return list(itertools.islice(_leaves(document), MAX_VALUES + 1))
        except (msgspec.DecodeError, UnicodeDecodeError):
            return [("$", body.decode("utf-8", "replace"))]  # not JSON after all: one value
        except RecursionError:
            raise UninspectableRequest(400, "malformed_request", "JSON nested too deeply.") from None
    return []


def _leaves(document: Any) -> Iterator[tuple[str, str]]:
    """Every string (and key) in a JSON document with its path; numbers and booleans are safe."""
    stack: list[tuple[str, Any]] = [("$", document)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, str):
            yield path, node
        elif isinstance(node, dict):
            for key, value in reversed(node.items()):
                stack.append((f"{path}.{key}", value))
                stack.append((f"{path}.{key}#key", str(key)))
        elif isinstance(node, list):
            stack.extend((f"{path}[{index}]", value) for index, value in reversed(list(enumerate(node))))
