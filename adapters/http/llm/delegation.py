"""``X-BHIV-On-Behalf-Of``: a service client calling the LLM service for a signed-in user sends
the user's access token in it, beside its own bearer. The token is verified exactly as a bearer
is (signature, expiry, revocation) and never logged; the call is then charged to the user."""

from dishka import Provider, Scope, provide
from litestar import Request

from core.domain.access import Principal
from core.domain.identity.tokens import InvalidToken
from core.domain.llm.delegation import InvalidOnBehalfOfToken, charged_caller, ensure_may_delegate
from core.domain.llm.usage import Caller
from core.ports.tokens import AccessTokenVerifier

ON_BEHALF_OF = "X-BHIV-On-Behalf-Of"


class DelegationProvider(Provider):
    scope = Scope.REQUEST

    @provide
    async def caller(
        self,
        request: Request,  # type: ignore[type-arg]
        principal: Principal,
        verifier: AccessTokenVerifier,
    ) -> Caller:
        token = request.headers.get(ON_BEHALF_OF)
        if token is None:
            return charged_caller(principal)
        ensure_may_delegate(principal)
        try:
            claims = await verifier.verify(token.strip())
        except InvalidToken as error:
            # The verifier's reasons name the check that failed, never the token.
            raise InvalidOnBehalfOfToken(f"the {ON_BEHALF_OF} token was refused: {error.detail}") from None
        return charged_caller(principal, claims.principal())
