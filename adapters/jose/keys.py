"""ES256 signing keys: generated here, stored sealed in the database, rotated on demand."""

import json
import time
from typing import Any

from joserfc.jwk import ECKey

from adapters.jose.sealing import KeySealer, SealError
from core.domain.identity.tokens import TokenPolicy
from core.ports.clock import Clock
from core.ports.errors import Unavailable
from core.ports.tokens import SigningKeyRecord, SigningKeyRecords, SigningKeys

ALGORITHM = "ES256"
CURVE = "P-256"


class JoseSigningKeys(SigningKeys):
    """The newest unretired key signs; the others verify until their tokens have expired."""

    def __init__(
        self,
        records: SigningKeyRecords,
        sealer: KeySealer | None,
        clock: Clock,
        policy: TokenPolicy,
        *,
        cache_seconds: float = 30.0,
    ) -> None:
        self._records = records
        self._sealer = sealer
        self._clock = clock
        self._policy = policy
        self._cache_seconds = cache_seconds
        self._current: tuple[float, ECKey] | None = None

    async def rotate(self) -> str:
        sealer = self._require_sealer()
        probe = ECKey.generate_key(CURVE)
        kid = probe.thumbprint()
        key = ECKey.import_key(probe.as_dict(private=True), {"kid": kid, "use": "sig", "alg": ALGORITHM})
        now = self._clock.now()
        record = SigningKeyRecord(
            kid=kid,
            algorithm=ALGORITHM,
            public_jwk=json.dumps(key.as_dict(private=False), sort_keys=True),
            sealed_private_key=sealer.seal(key.as_pem(private=True), kid=kid),
            created_at=now,
        )
        await self._records.add_current(
            record, retire_others_after=now + self._policy.access_ttl + self._policy.leeway
        )
        self._current = None
        return kid

    async def ensure_current(self) -> str:
        current = self._newest_unretired(await self._records.live(self._clock.now()))
        return current.kid if current else await self.rotate()

    async def public_jwks(self) -> dict[str, Any]:
        live = await self._records.live(self._clock.now())
        return {"keys": [json.loads(record.public_jwk) for record in live]}

    async def signing_key(self) -> ECKey:
        """The current private key, re-read every few seconds so every replica follows a rotation."""
        if self._current and time.monotonic() - self._current[0] < self._cache_seconds:
            return self._current[1]
        record = self._newest_unretired(await self._records.live(self._clock.now()))
        if record is None:
            await self.ensure_current()
            record = self._newest_unretired(await self._records.live(self._clock.now()))
            assert record is not None
        try:
            pem = self._require_sealer().open(record.sealed_private_key, kid=record.kid)
        except SealError as error:  # a wrong master key: the gateway cannot sign, it is unavailable
            raise Unavailable(f"{error}: BHIV_AUTH_MASTER_KEY is not the key that sealed it") from None
        key = ECKey.import_key(pem, {"kid": record.kid, "alg": ALGORITHM, "use": "sig"})
        self._current = (time.monotonic(), key)
        return key

    def _require_sealer(self) -> KeySealer:
        if self._sealer is None:
            raise RuntimeError("signing needs BHIV_AUTH_MASTER_KEY (or BHIV_AUTH_MASTER_KEY_FILE)")
        return self._sealer

    @staticmethod
    def _newest_unretired(records: Any) -> SigningKeyRecord | None:
        return next((record for record in records if record.retire_after is None), None)
