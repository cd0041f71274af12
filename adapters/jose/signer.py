import msgspec

from adapters.jose.keys import ALGORITHM, JoseSigningKeys
from adapters.jose.low_s import sign_es256
from core.domain.identity.tokens import AccessTokenClaims
from core.ports.tokens import AccessTokenSigner

# RFC 9068: access tokens say what they are, so an ID token or other JWT is never taken for one.
TOKEN_TYPE = "at+jwt"  # noqa: S105 (a JWT type, not a secret)


class JoseAccessTokenSigner(AccessTokenSigner):
    def __init__(self, keys: JoseSigningKeys) -> None:
        self._keys = keys

    async def sign(self, claims: AccessTokenClaims) -> str:
        key = await self._keys.signing_key()
        header = {"alg": ALGORITHM, "kid": key.kid, "typ": TOKEN_TYPE}
        payload = {name: value for name, value in msgspec.to_builtins(claims).items() if value is not None}
        return sign_es256(header, payload, key)
