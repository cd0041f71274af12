"""Test overrides, passed to ``create_app(settings, *overrides)`` as ``bhiv up`` passes its own."""

from dishka import Provider, Scope, provide

from adapters.crypto.settings import PasswordSettings

FAST_PASSWORD_HASHING = PasswordSettings(time_cost=1, memory_cost_kib=8192)


class FastHashing(Provider):
    """Cheap argon2 parameters: tests hash many passwords, and their strength is not the test."""

    scope = Scope.APP

    @provide(override=True)
    def password(self) -> PasswordSettings:
        return FAST_PASSWORD_HASHING
