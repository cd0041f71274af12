"""The gateway's background work for threat defence."""

import msgspec
from dishka import AsyncContainer

from apps._shared.consumers import run_consumer
from core.domain.identity.use_cases.clients import CLIENT_AUTH_FAILED
from core.domain.identity.use_cases.login import IDENTITY_STREAM, LOGIN_FAILED
from core.domain.threat.use_cases import ObserveBehaviour
from core.ports.events import Event


class LoginFailed(msgspec.Struct, frozen=True):
    email_sha256: str
    ip: str | None = None


class ClientAuthFailed(msgspec.Struct, frozen=True):
    client_sha256: str
    ip: str | None = None


async def watch_failed_logins(container: AsyncContainer) -> None:
    """Failed logins of users and of service clients feed brute-force and credential-stuffing
    detection alike."""
    observe = await container.get(ObserveBehaviour)
    login_failed = msgspec.json.Decoder(LoginFailed).decode
    client_failed = msgspec.json.Decoder(ClientAuthFailed).decode

    async def handle(event: Event) -> None:
        if event.type == LOGIN_FAILED:
            login = login_failed(event.payload)
            if login.ip:
                await observe.failed_login(login.ip, login.email_sha256)
        elif event.type == CLIENT_AUTH_FAILED:
            client = client_failed(event.payload)
            if client.ip:
                await observe.failed_login(client.ip, client.client_sha256)

    await run_consumer(container, IDENTITY_STREAM, "threat-defence", handle)
