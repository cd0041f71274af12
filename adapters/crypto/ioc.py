"""dishka provider of password hashing (argon2id on its own threads)."""

from collections.abc import AsyncIterator

from dishka import Provider, Scope, provide

from adapters.crypto.argon2 import Argon2PasswordHasher
from adapters.crypto.settings import PasswordSettings
from core.ports.password_hasher import PasswordHasher


class CryptoProvider(Provider):
    scope = Scope.APP

    @provide
    async def hasher(self, settings: PasswordSettings) -> AsyncIterator[PasswordHasher]:
        hasher = Argon2PasswordHasher(settings)
        try:
            yield hasher
        finally:
            hasher.close()
