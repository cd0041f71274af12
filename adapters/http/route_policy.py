"""What a service tells the gateway about one of its routes, in the ``x-bhiv`` extension of the
route's OpenAPI operation. The gateway reads every service's OpenAPI document (at start, when an
upstream becomes healthy, and every 60 s) and matches requests by method and path template.

    @post("/v1/tickets", opt=requires(P.TICKETS_OWN), **gateway_policy(content=["description"]))
    @post("/inbound/carriers/{carrier:str}", opt=PUBLIC, **gateway_policy(public=True))

- ``content``: body fields holding prose (``description``, ``messages[].content``): the gateway's
  threat screen records what it finds there and lets it through (core/domain/threat/fields.py).
- ``public``: the gateway passes the route without a token (signed inbound webhooks, which
  check their own signatures). The service's own ``opt`` must say ``PUBLIC`` as well.

A route that declares nothing is strict and needs a token at the gateway.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import msgspec
from litestar.openapi.spec import Operation

EXTENSION = "x-bhiv"


class RouteDeclaration(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The ``x-bhiv`` object, as services write it and the gateway reads it."""

    content: list[str] = msgspec.field(default_factory=list)
    public: bool = False


def gateway_policy(*, content: Sequence[str] = (), public: bool = False) -> dict[str, Any]:
    """Route-handler keyword arguments that put the declaration into the OpenAPI operation."""
    declared = msgspec.to_builtins(RouteDeclaration(content=list(content), public=public))

    @dataclass
    class DeclaredOperation(Operation):
        x_bhiv: dict[str, Any] = field(default_factory=lambda: dict(declared), metadata={"alias": EXTENSION})

    return {"operation_class": DeclaredOperation}
