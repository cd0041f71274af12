"""The gateway's background work for threat defence."""

import msgspec
from dishka import AsyncContainer

from apps._shared.consumers import run_consumer
from core.domain.identity.events import IdentityClientAuthFailed, IdentityEvent, IdentityLoginFailed
from core.domain.threat.use_cases import ObserveBehaviour
from core.ports.events import Event

IDENTITY = "identity"


async def watch_failed_logins(container: AsyncContainer) -> None:
    """Failed logins of users and of service clients feed brute-force and credential-stuffing
    detection alike; the identity stream's other events are not its business."""
    observe = await container.get(ObserveBehaviour)
    decode = msgspec.json.Decoder(IdentityEvent).decode

    async def handle(event: Event) -> None:
        try:
            published = decode(event.payload)
        except msgspec.ValidationError:  # a type a newer gateway publishes: not this one's business
            return
        match published:
            case IdentityLoginFailed(email_sha256=account, ip=ip) if ip:
                await observe.failed_login(ip, account)
            case IdentityClientAuthFailed(client_sha256=client, ip=ip) if ip:
                await observe.failed_login(ip, client)

    await run_consumer(container, IDENTITY, "threat-defence", handle)
