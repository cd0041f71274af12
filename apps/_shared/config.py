"""Settings from the environment: each adapter owns a frozen msgspec Struct and an env prefix.

``load_settings(DatabaseSettings, "BHIV_DATABASE_")`` reads ``BHIV_DATABASE_URL`` for the
field ``url``. Values are converted in lax mode (``"8"`` becomes ``8``, ``"true"`` becomes
``True``). A missing or malformed value raises ``ConfigError`` with one line naming the
variable; values of secret fields never appear in that line.
"""

import os
from collections.abc import Mapping
from typing import Any, TypeVar, get_args, get_origin

import msgspec

S = TypeVar("S", bound=msgspec.Struct)

_SECRET_MARKERS = ("password", "secret", "token", "key", "dsn", "url")


class ConfigError(ValueError):
    """Configuration that cannot start the service; the message names the variable."""


def is_secret(field_name: str) -> bool:
    """URLs and DSNs count as secret: they often carry a password."""
    return any(marker in field_name.lower() for marker in _SECRET_MARKERS)


def load_settings(cls: type[S], prefix: str, environ: Mapping[str, str] | None = None) -> S:
    env = os.environ if environ is None else environ
    raw: dict[str, Any] = {}
    for field in msgspec.structs.fields(cls):
        variable = prefix + field.encode_name.upper()
        if variable in env:
            raw[field.encode_name] = _list_or_text(env[variable], field.type)
        elif field.required:
            raise ConfigError(f"{variable} is required but not set")
    try:
        return msgspec.convert(raw, cls, strict=False)
    except msgspec.ValidationError as error:
        raise ConfigError(_describe(error, cls, prefix, raw)) from None


def _list_or_text(value: str, annotation: Any) -> Any:
    """List settings come as JSON (``["a", "b"]``) or comma-separated (``a,b``); table settings
    as a JSON object or ``key=value,key=value`` (list values separated by ``|``)."""
    origin = get_origin(annotation)
    if origin is dict:
        return _table(value, lists=get_origin(get_args(annotation)[1]) is list)
    if origin not in (list, tuple):
        return value
    if value.lstrip().startswith("["):
        try:
            return msgspec.json.decode(value)
        except msgspec.DecodeError:
            return value  # let conversion name the variable
    return [item.strip() for item in value.split(",") if item.strip()]


def _table(text: str, *, lists: bool) -> Any:
    text = text.strip()
    if not text:
        return {}
    if text.startswith("{"):
        try:
            return msgspec.json.decode(text)
        except msgspec.DecodeError:
            return text  # not an object: conversion names the variable
    table: dict[str, object] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        # A key may be a URL (weights): split at the last "=" then, else at the first.
        key, sep, value = item.rpartition("=") if "://" in item.split("=", 1)[0] else item.partition("=")
        if not sep:
            return text  # not key=value: conversion names the variable
        table[key.strip()] = [v.strip() for v in value.split("|") if v.strip()] if lists else value.strip()
    return table


def _describe(error: msgspec.ValidationError, cls: type, prefix: str, raw: dict[str, Any]) -> str:
    message = str(error)
    # msgspec says "... - at `$.pool_size`"; name the variable instead of the JSON path.
    head, _, path = message.partition(" - at `$.")
    field = path.rstrip("`").split(".")[0].split("[")[0]
    if not field:
        return f"invalid {cls.__name__}: {message}"
    variable = prefix + field.upper()
    if is_secret(field):
        return f"{variable} is invalid: {head}"
    return f"{variable}={raw.get(field)!r} is invalid: {head}"


def redact_url(url: str) -> str:
    """``scheme://user:secret@host/db`` -> ``scheme://user:***@host/db`` for logs and output."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    credentials, _, location = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{location}" if ":" in credentials else url
