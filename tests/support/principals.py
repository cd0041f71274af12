"""Calling an app as a given principal, with a real access token signed by the app's own keys.

The token is minted through the app's ``TokenIssuer`` (the same path as ``/auth/token``), so
requests pass the real authentication layer; the subject need not be a stored user.
"""

from litestar import Litestar
from litestar.types import Receive, Send
from litestar.types import Scope as AsgiScope

from core.domain.access import Principal
from core.domain.identity.oauth import TokenIssuer
from core.domain.identity.tokens import format_scope


async def mint_token(app: Litestar, principal: Principal) -> str:
    issuer = await app.state.dishka_container.get(TokenIssuer)
    token, _ = await issuer.access_token(
        subject=principal.subject,
        kind=principal.kind,
        role=principal.role,
        scope=format_scope(principal.permissions),
        customer_id=principal.customer_id,
    )
    return token


def as_principal(app: Litestar, principal: Principal) -> Litestar:
    """Every HTTP request to ``app`` carries a Bearer token of ``principal``."""
    inner = app.asgi_handler
    token: str | None = None

    async def handler(scope: AsgiScope, receive: Receive, send: Send) -> None:
        nonlocal token
        if scope["type"] == "http":
            token = token or await mint_token(app, principal)
            headers = [(k, v) for k, v in scope["headers"] if k != b"authorization"]
            scope["headers"] = [*headers, (b"authorization", f"Bearer {token}".encode())]
        await inner(scope, receive, send)

    app.asgi_handler = handler
    return app
