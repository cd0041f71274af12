"""The service clients ``bhiv up`` makes for the platform itself: orchestration's client of the
LLM service (decision 0033). Its credentials are kept in the data directory (mode 0600, like the
master key), so a restart reuses the client instead of making another; in production,
``deploy/`` provides them from a Secret as ``BHIV_LLM_CLIENT_*``."""

import contextlib
import os
from pathlib import Path

import msgspec

from adapters.llm.settings import PlatformLlmClientSettings
from apps._shared.settings import PlatformSettings, local_url, service_ports
from apps.gateway import identity_cli
from core.domain.access import Permission, Role
from core.domain.identity.use_cases import KnownClient, NewServiceClient

ORCHESTRATION_LLM = NewServiceClient(
    name="internal: orchestration to llm",
    role=Role.OPS,
    scopes=frozenset({Permission.LLM_USE, Permission.LLM_DELEGATE}),
)
"""``llm:delegate`` to act for the user an agent serves; ``llm:use`` for its own calls."""
CREDENTIALS_FILE = "orchestration-llm-client.json"


async def orchestration_llm_client(
    settings: PlatformSettings, data_dir: Path, base_port: int
) -> PlatformLlmClientSettings:
    """``BHIV_LLM_CLIENT_*`` as the environment sets them; when it names no LLM service, the
    services of this ``bhiv up`` and a client of its own, made or reused."""
    configured = settings.llm_client
    if configured.base_url:
        return configured
    path = data_dir / CREDENTIALS_FILE
    known = _read(path)
    issued = await identity_cli.ensure_service_client(settings, ORCHESTRATION_LLM, known)
    if known is None or known.client_id != issued.client.client_id:
        _write(path, KnownClient(client_id=issued.client.client_id, secret=issued.secret))
    ports = service_ports(base_port)
    host = settings.http.host
    return msgspec.structs.replace(
        configured,
        base_url=f"{local_url(host, ports['llm'])}/v1",
        token_url=f"{local_url(host, ports['gateway'])}/auth/token",
        client_id=issued.client.client_id,
        client_secret=issued.secret,
    )


def _read(path: Path) -> KnownClient | None:
    # Unreadable or damaged: a new client is made and the file written again.
    with contextlib.suppress(OSError, msgspec.DecodeError, msgspec.ValidationError):
        return msgspec.json.decode(path.read_bytes(), type=KnownClient)
    return None


def _write(path: Path, known: KnownClient) -> None:
    """Readable by its owner only from the first byte, and replaced whole (never half-written)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(msgspec.json.encode(known))
    os.replace(partial, path)
