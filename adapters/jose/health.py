"""Readiness of a service that signs tokens: its current signing key must open."""

from adapters.jose.keys import JoseSigningKeys
from core.ports.errors import Unavailable
from core.ports.health import HealthProbe


class SigningKeyProbe(HealthProbe):
    """Opens the current signing key with the master key. With a wrong ``BHIV_AUTH_MASTER_KEY``
    everything else answers, so without this probe the gateway reports ready and then fails
    every login with a 500."""

    name = "signing_keys"

    def __init__(self, keys: JoseSigningKeys) -> None:
        self._keys = keys

    async def check(self) -> None:
        try:
            await self._keys.signing_key()  # raises Unavailable when the master key is the wrong one
        except RuntimeError as error:  # no master key at all
            raise Unavailable(str(error)) from None
