"""Token signing and verification for every service.

Services verify with public keys from the gateway's JWKS (``BHIV_AUTH_JWKS_URL``) or, when
unset, straight from the database they share with it (the embedded default). Only a process
with the master key can sign.
"""

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
from dishka import Provider, Scope, alias, provide

from adapters.jose.keys import JoseSigningKeys
from adapters.jose.public_keys import CachedPublicKeys, http_jwks_fetcher
from adapters.jose.revocations import KvTokenRevocations
from adapters.jose.sealing import KeySealer, decode_master_key
from adapters.jose.settings import AuthSettings
from adapters.jose.signer import JoseAccessTokenSigner
from adapters.jose.verifier import JoseAccessTokenVerifier
from core.domain.identity.oauth import TokenIssuer
from core.domain.identity.tokens import TokenPolicy
from core.ports.clock import Clock, IdGenerator
from core.ports.kv import KeyValueStore
from core.ports.revocation import TokenRevocations
from core.ports.tokens import AccessTokenSigner, AccessTokenVerifier, SigningKeyRecords, SigningKeys


def master_key_of(settings: AuthSettings) -> bytes | None:
    if settings.master_key:
        return decode_master_key(settings.master_key)
    if settings.master_key_file:
        try:
            return decode_master_key(Path(settings.master_key_file).read_text())
        except OSError as error:
            raise RuntimeError(f"BHIV_AUTH_MASTER_KEY_FILE cannot be read: {error.strerror}") from None
    return None


class AuthProvider(Provider):
    scope = Scope.APP

    @provide
    def policy(self, settings: AuthSettings) -> TokenPolicy:
        return TokenPolicy(
            issuer=settings.issuer,
            audience=settings.audience,
            access_ttl=timedelta(seconds=settings.access_token_ttl_seconds),
            refresh_ttl=timedelta(seconds=settings.refresh_token_ttl_seconds),
            leeway=timedelta(seconds=settings.leeway_seconds),
        )

    @provide
    def revocations(self, kv: KeyValueStore, clock: Clock, policy: TokenPolicy) -> TokenRevocations:
        return KvTokenRevocations(kv, clock, policy)

    @provide
    def signing_keys(
        self, records: SigningKeyRecords, clock: Clock, policy: TokenPolicy, settings: AuthSettings
    ) -> JoseSigningKeys:
        master_key = master_key_of(settings)
        sealer = KeySealer(master_key) if master_key else None
        return JoseSigningKeys(records, sealer, clock, policy)

    signing_keys_port = alias(source=JoseSigningKeys, provides=SigningKeys)

    @provide
    async def public_keys(
        self, keys: JoseSigningKeys, settings: AuthSettings
    ) -> AsyncIterator[CachedPublicKeys]:
        max_age = settings.jwks_refresh_seconds
        if not settings.jwks_url:
            yield CachedPublicKeys(keys.public_jwks, max_age_seconds=max_age)
            return
        async with httpx.AsyncClient(timeout=5.0) as client:
            fetch = http_jwks_fetcher(settings.jwks_url, client)
            yield CachedPublicKeys(fetch, max_age_seconds=max_age)

    @provide
    def verifier(
        self,
        keys: CachedPublicKeys,
        policy: TokenPolicy,
        revocations: TokenRevocations,
        clock: Clock,
    ) -> AccessTokenVerifier:
        return JoseAccessTokenVerifier(keys, policy, revocations, clock)

    @provide
    def signer(self, keys: JoseSigningKeys) -> AccessTokenSigner:
        return JoseAccessTokenSigner(keys)

    @provide
    def issuer(
        self,
        signer: AccessTokenSigner,
        clock: Clock,
        ids: IdGenerator,
        policy: TokenPolicy,
    ) -> TokenIssuer:
        return TokenIssuer(signer, clock, ids, policy)
