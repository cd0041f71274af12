"""The orchestration service alone, on the embedded default, called as people of given roles."""

from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import msgspec
from litestar.testing import AsyncTestClient

from adapters.files.settings import FileStoreSettings
from adapters.memory.ioc import MemoryProvider
from adapters.memory.state import MemoryState
from apps._shared.settings import PlatformSettings
from apps.services import create_service_app
from core.domain.access import Principal, Role, permissions_for
from tests.support.principals import mint_token

Client = AsyncTestClient  # type: ignore[type-arg]
Auth = Callable[[str, Role], Coroutine[Any, Any, dict[str, str]]]


def person(name: str, role: Role = Role.CUSTOMER) -> Principal:
    return Principal(
        subject=name,
        kind="user",
        role=role,
        permissions=permissions_for(role),
        customer_id="c-1" if role is Role.CUSTOMER else None,
    )


@asynccontextmanager
async def orchestration(
    settings: PlatformSettings, directory: Path, **sections: Any
) -> AsyncIterator[tuple[Client, Auth]]:
    """``sections`` replace those of ``settings`` (``vaani=VaaniSettings(...)``); the files are
    kept under ``directory`` unless a ``files`` section says otherwise."""
    sections.setdefault("files", FileStoreSettings(directory=str(directory)))
    own = msgspec.structs.replace(settings, **sections)
    app = create_service_app("orchestration", own, MemoryProvider(MemoryState(), override=True))
    async with AsyncTestClient(app) as client:

        async def auth(name: str, role: Role = Role.CUSTOMER) -> dict[str, str]:
            return {"Authorization": f"Bearer {await mint_token(client.app, person(name, role))}"}

        yield client, auth
