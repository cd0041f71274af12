from core.domain.audit.changes import Change, Resource, record
from core.domain.audit.model import Invocation
from core.ports.clock import Clock
from core.ports.tokens import SigningKeys
from core.ports.uow import UnitOfWork


class RotateSigningKey:
    """- A new signing key becomes current at once; tokens signed with older keys keep verifying
      until they expire, then the older keys leave the JWKS.
    - Every rotation is audited with the new key's id (never key material)."""

    def __init__(self, keys: SigningKeys, uow: UnitOfWork, clock: Clock) -> None:
        self._keys, self._uow, self._clock = keys, uow, clock

    async def execute(self, by: Invocation) -> str:
        kid = await self._keys.rotate()
        async with self._uow as uow:
            record(
                uow,
                by,
                self._clock.now(),
                Change(
                    action="rotate",
                    resource=Resource("signing_key", kid),
                    before=None,
                    after={"kid": kid, "current": True},
                ),
            )
            await uow.commit()
        return kid
