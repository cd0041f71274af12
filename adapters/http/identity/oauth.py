"""The gateway's OAuth 2.0 authorization server endpoints."""

from inspect import getdoc
from typing import Annotated, Any

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, JSONBody

from adapters.http.access import AUTHENTICATED, PUBLIC
from adapters.http.identity.oauth_forms import (
    NO_STORE,
    OAUTH_FAILURES,
    TokenActionForm,
    TokenForm,
    authenticated_client,
    client_credentials,
    oauth_error_for,
    read_form,
)
from core.domain.access import Permission, Principal
from core.domain.audit.model import Invocation
from core.domain.identity.oauth import OAuthError, TokenResponse
from core.domain.identity.tokens import TokenPolicy
from core.domain.identity.use_cases.clients import AuthenticateClient
from core.domain.identity.use_cases.grants import ClientCredentialsGrant, PasswordGrant, RefreshGrant
from core.domain.identity.use_cases.self_service import ChangeOwnPassword, SignOutEverywhere
from core.domain.identity.use_cases.token_lifecycle import IntrospectToken, RevokeToken
from core.domain.identity.use_cases.users import GetUser
from core.ports.tokens import SigningKeys

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
GRANT_TYPES = ("password", "client_credentials", "refresh_token")


class PasswordChangeIn(msgspec.Struct, frozen=True, kw_only=True):
    current_password: str
    new_password: str


class OAuthController(Controller):
    tags = ["oauth"]

    @post(
        "/auth/token",
        operation_id="IssueToken",
        opt=PUBLIC,
        status_code=200,
        description=getdoc(PasswordGrant),
    )
    @inject
    async def token(
        self,
        request: Request[Any, Any, Any],
        data: Form,
        invocation: FromDishka[Invocation],
        password: FromDishka[PasswordGrant],
        client_credentials_grant: FromDishka[ClientCredentialsGrant],
        refresh: FromDishka[RefreshGrant],
        authenticate: FromDishka[AuthenticateClient],
    ) -> Response[Any]:
        try:
            form: TokenForm = read_form(TokenForm, data)
            if form.grant_type == "client_credentials":
                credentials = client_credentials(request, form.client_id, form.client_secret)
            else:  # a confidential client proves itself before it may ask for a user's tokens
                client = await authenticated_client(
                    request, form.client_id, form.client_secret, authenticate, invocation, required=False
                )
                credentials = (client.client_id, "") if client else None
            issued = await self._grant(
                form, credentials, invocation, password, client_credentials_grant, refresh
            )
        except OAUTH_FAILURES as error:
            return oauth_error_for(error)
        return Response(issued, headers=NO_STORE)

    @staticmethod
    async def _grant(
        form: TokenForm,
        client: tuple[str, str] | None,
        by: Invocation,
        password: PasswordGrant,
        client_credentials_grant: ClientCredentialsGrant,
        refresh: RefreshGrant,
    ) -> TokenResponse:
        if form.grant_type not in GRANT_TYPES:
            raise OAuthError("unsupported_grant_type", f"supported: {', '.join(GRANT_TYPES)}")
        client_id = client[0] if client else None
        if form.grant_type == "client_credentials":
            if client is None:
                raise OAuthError("invalid_client", "client authentication is required")
            return await client_credentials_grant.execute(*client, scope=form.scope, by=by)
        if form.grant_type == "password":
            if form.username is None or form.password is None:
                raise OAuthError("invalid_request", "username and password are required")
            return await password.execute(
                form.username, form.password, scope=form.scope, client_id=client_id, by=by
            )
        if form.refresh_token is None:
            raise OAuthError("invalid_request", "refresh_token is required")
        return await refresh.execute(form.refresh_token, client_id=client_id, scope=form.scope, by=by)

    @post(
        "/auth/revoke",
        operation_id="RevokeToken",
        opt=PUBLIC,
        status_code=200,
        description=getdoc(RevokeToken),
    )
    @inject
    async def revoke(
        self,
        request: Request[Any, Any, Any],
        data: Form,
        invocation: FromDishka[Invocation],
        revoke: FromDishka[RevokeToken],
        authenticate: FromDishka[AuthenticateClient],
    ) -> Response[Any]:
        try:
            form: TokenActionForm = read_form(TokenActionForm, data)
            client = await authenticated_client(
                request, form.client_id, form.client_secret, authenticate, invocation, required=False
            )
        except OAUTH_FAILURES as error:
            return oauth_error_for(error)
        await revoke.execute(form.token, client_id=client.client_id if client else None, by=invocation)
        return Response(b"", headers=NO_STORE)

    @post(
        "/auth/introspect",
        operation_id="IntrospectToken",
        opt=PUBLIC,
        status_code=200,
        description=getdoc(IntrospectToken),
    )
    @inject
    async def introspect(
        self,
        request: Request[Any, Any, Any],
        data: Form,
        introspect: FromDishka[IntrospectToken],
        authenticate: FromDishka[AuthenticateClient],
        invocation: FromDishka[Invocation],
    ) -> Response[Any]:
        try:
            form: TokenActionForm = read_form(TokenActionForm, data)
            client = await authenticated_client(
                request, form.client_id, form.client_secret, authenticate, invocation, required=True
            )
            if client is None or Permission.TOKENS_INTROSPECT not in client.scopes:
                raise OAuthError(
                    "insufficient_scope", f"introspection needs the {Permission.TOKENS_INTROSPECT} scope"
                )
        except OAUTH_FAILURES as error:
            return oauth_error_for(error)
        return Response(await introspect.execute(form.token), headers=NO_STORE)

    @get("/auth/me", operation_id="Me", opt=AUTHENTICATED, summary="The signed-in user or client.")
    @inject
    async def me(self, principal: FromDishka[Principal], users: FromDishka[GetUser]) -> dict[str, Any]:
        identity: dict[str, Any] = {
            "subject": principal.subject,
            "kind": principal.kind,
            "role": principal.role,
            "permissions": sorted(principal.permissions),
        }
        if principal.kind == "user":
            user = await users.execute(principal.subject)
            identity |= {
                "email": user.email,
                "display_name": user.display_name,
                "status": user.status,
                "customer_id": user.customer_id,
            }
        return identity

    @post(
        "/auth/me/password",
        operation_id="ChangeOwnPassword",
        opt=AUTHENTICATED,
        status_code=200,
        description=getdoc(ChangeOwnPassword),
    )
    @inject
    async def change_password(
        self,
        data: JSONBody[PasswordChangeIn],
        principal: FromDishka[Principal],
        invocation: FromDishka[Invocation],
        use_case: FromDishka[ChangeOwnPassword],
    ) -> Response[TokenResponse]:
        issued = await use_case.execute(principal, data.current_password, data.new_password, invocation)
        return Response(issued, headers=NO_STORE)

    @post(
        "/auth/logout-all",
        operation_id="SignOutEverywhere",
        opt=AUTHENTICATED,
        status_code=204,
        description=getdoc(SignOutEverywhere),
    )
    @inject
    async def logout_all(
        self,
        principal: FromDishka[Principal],
        invocation: FromDishka[Invocation],
        use_case: FromDishka[SignOutEverywhere],
    ) -> None:
        await use_case.execute(principal, invocation)

    @get("/.well-known/jwks.json", operation_id="Jwks", opt=PUBLIC, summary="Public keys of access tokens.")
    @inject
    async def jwks(self, keys: FromDishka[SigningKeys]) -> Response[dict[str, Any]]:
        return Response(await keys.public_jwks(), headers={"Cache-Control": "public, max-age=60"})

    @get(
        "/.well-known/oauth-authorization-server",
        operation_id="AuthorizationServerMetadata",
        opt=PUBLIC,
        summary="RFC 8414 metadata.",
    )
    @inject
    async def metadata(self, policy: FromDishka[TokenPolicy]) -> dict[str, Any]:
        issuer = policy.issuer.rstrip("/")
        return {
            "issuer": issuer,
            "token_endpoint": f"{issuer}/auth/token",
            "jwks_uri": f"{issuer}/.well-known/jwks.json",
            "revocation_endpoint": f"{issuer}/auth/revoke",
            "introspection_endpoint": f"{issuer}/auth/introspect",
            "grant_types_supported": list(GRANT_TYPES),
            "response_types_supported": [],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
            "revocation_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_post",
                "none",
            ],
            "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "scopes_supported": sorted(Permission),
        }
