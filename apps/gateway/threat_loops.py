"""The gateway's background work for threat defence."""

import msgspec
from dishka import AsyncContainer

from apps._shared.consumers import run_consumer
from core.domain.identity.use_cases.login import IDENTITY_STREAM, LOGIN_FAILED
from core.domain.threat.use_cases import ObserveBehaviour
from core.ports.events import Event


class LoginFailed(msgspec.Struct, frozen=True):
    email_sha256: str
    ip: str | None = None


async def watch_failed_logins(container: AsyncContainer) -> None:
    """Failed logins feed brute-force and credential-stuffing detection."""
    observe = await container.get(ObserveBehaviour)
    decode = msgspec.json.Decoder(LoginFailed).decode

    async def handle(event: Event) -> None:
        if event.type != LOGIN_FAILED:
            return
        failure = decode(event.payload)
        if failure.ip:
            await observe.failed_login(failure.ip, failure.email_sha256)

    await run_consumer(container, IDENTITY_STREAM, "threat-defence", handle)
