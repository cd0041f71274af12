"""What each route declares about who may call it. Deny by default: a route that declares
nothing is refused to everyone (and a test fails on it).

    @get("/v1/products", opt=requires(Permission.LOGISTICS_READ))
    @post("/auth/token", opt=PUBLIC)
    @get("/v1/whoami", opt=AUTHENTICATED)
"""

from typing import Any

from core.domain.access import Permission

PERMISSION_KEY = "permission"
ROUTE_CLASS_KEY = "route_class"
"""On the gateway's mounts: the service a route belongs to (rate limits, route policies)."""
PUBLIC: dict[str, Any] = {"access": "public"}
"""No credentials needed (health, metrics, token endpoint, JWKS)."""
AUTHENTICATED: dict[str, Any] = {"access": "authenticated"}
"""Any valid token, whatever its permissions."""
GATEWAY = "gateway"
"""The gateway's mounts of the services: its edge decides (a token, unless the service declared
the route public; adapters/http/gateway/edge_auth.py). Without that edge, nobody may call it."""


def requires(permission: Permission, *alternatives: Permission) -> dict[str, Any]:
    """Callers holding ``permission`` or any of ``alternatives`` may call the route; which
    records each of them then sees is the use case's rule (staff every order, a customer with
    ``orders:own`` only theirs)."""
    return {"access": "permission", PERMISSION_KEY: (permission, *alternatives)}


def required_permissions(opt: dict[str, Any]) -> tuple[Permission, ...]:
    """The permissions a ``requires`` route accepts, any one of them being enough."""
    return tuple(Permission(name) for name in opt.get(PERMISSION_KEY, ()))


def declared_access(opt: dict[str, Any]) -> str | None:
    """``public``, ``authenticated``, ``permission`` or None when the route declared nothing."""
    access = opt.get("access")
    return access if isinstance(access, str) else None
