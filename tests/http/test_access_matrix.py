"""Deny by default, and the role matrix enforced on every route of every service."""

from collections.abc import AsyncIterator
from typing import Any

import msgspec
import pytest

from adapters.http.access import declared_access, required_permissions
from apps._shared.settings import PlatformSettings
from apps.services import SERVICES
from core.domain.access import Principal, Role, permissions_for
from core.domain.threat.policy import ThreatPolicy
from tests.http.platform import Clients, running_platform
from tests.support.principals import mint_token

CALLERS: list[Role | None] = [None, *Role]  # None: anonymous


def routes_of(app: Any) -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            for method in sorted(handler.http_methods):
                found.append((method, route.path, handler.opt))
    return found


def concrete(path: str) -> str:
    """``/api/admin/users/{user_id:str}`` -> ``/api/admin/users/0``: routing only, no real record."""
    parts = [("0" if part.startswith("{") else part) for part in path.split("/")]
    return "/".join(parts)


@pytest.fixture
async def platform(settings: PlatformSettings) -> AsyncIterator[Clients]:
    # Hundreds of deliberate 401/403s from one client would (rightly) get it blocked as a
    # scanner; this test is about access rules, so the threat screen stands aside.
    without_screen = msgspec.structs.replace(settings, threat=ThreatPolicy(enabled=False))
    async with running_platform(without_screen) as clients:
        yield clients


async def test_every_route_of_every_service_declares_who_may_call_it(platform: Clients) -> None:
    undeclared = [
        (service, method, path)
        for service, client in platform.items()
        for method, path, opt in routes_of(client.app)
        if declared_access(opt) is None
    ]
    assert undeclared == []


def expected(opt: dict[str, Any], caller: Role | None) -> str:
    access = declared_access(opt)
    if access == "public":
        return "allowed"
    if caller is None:
        return "401"
    if access == "authenticated" or set(required_permissions(opt)) & permissions_for(caller):
        return "allowed"
    return "403"


async def tokens_of_every_role(app: Any) -> dict[Role, str]:
    return {
        role: await mint_token(
            app,
            Principal(
                subject=f"matrix-{role}",
                kind="user",
                role=role,
                permissions=permissions_for(role),
                customer_id="c-1" if role is Role.CUSTOMER else None,
            ),
        )
        for role in Role
    }


async def test_every_route_allows_and_denies_exactly_as_the_role_matrix_says(platform: Clients) -> None:
    mismatches = []
    for service in SERVICES:
        client = platform[service]
        for method, path, opt in routes_of(client.app):
            if method in {"OPTIONS", "HEAD"} or path.startswith("/openapi"):
                continue
            # Fresh tokens per route: a route may end the caller's sessions (/auth/logout-all).
            tokens = await tokens_of_every_role(client.app)
            for caller in CALLERS:
                headers = {"Authorization": f"Bearer {tokens[caller]}"} if caller else {}
                kwargs: dict[str, Any] = {"headers": headers}
                if method in {"POST", "PUT", "PATCH"} and not path.startswith("/auth/"):
                    kwargs["json"] = {}
                response = await client.request(method, concrete(path), **kwargs)
                outcome = {401: "401", 403: "403"}.get(response.status_code, "allowed")
                if outcome != expected(opt, caller) or response.status_code >= 500:
                    mismatches.append((service, method, path, caller, response.status_code))
    assert mismatches == [], "a route answers against the matrix, or fails (a 5xx: e.g. an unwired use case)"
