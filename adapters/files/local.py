"""A file store in a local directory: ``<id>`` holds the bytes, ``<id>.json`` what was recorded.

Only ids this store generated (UUIDs) are ever joined to the directory; anything else is "not
found" before the filesystem is touched, so no id can name a path outside it.
"""

import asyncio
import contextlib
import os
import re
import tempfile
from pathlib import Path
from typing import Final

import msgspec

from adapters.files.settings import FileStoreSettings
from core.ports.clock import Clock, IdGenerator
from core.ports.files import FileContent, FileNotFound, FileStore, StoredFile, TooLarge, UnsupportedType

_ID: Final = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_SIDECAR: Final = ".json"


def media_type(content_type: str) -> str:
    """``Image/PNG; charset=x`` -> ``image/png``."""
    return content_type.split(";", 1)[0].strip().lower()


class LocalFileStore(FileStore):
    def __init__(self, settings: FileStoreSettings, ids: IdGenerator, clock: Clock) -> None:
        self._root = Path(settings.directory)
        self._ids = ids
        self._clock = clock
        self.max_bytes = settings.max_bytes
        self.allowed_types = frozenset(map(media_type, settings.allowed_types))

    async def put(self, data: bytes, *, content_type: str, owner: str) -> StoredFile:
        kind = media_type(content_type)
        if kind not in self.allowed_types:
            raise UnsupportedType(kind, sorted(self.allowed_types))
        if len(data) > self.max_bytes:
            raise TooLarge("file", len(data), self.max_bytes)
        stored = StoredFile(
            id=self._ids.new_id(),
            content_type=kind,
            owner=owner,
            size=len(data),
            created_at=self._clock.now(),
        )
        await asyncio.to_thread(self._write, stored, data)
        return stored

    async def get(self, file_id: str) -> FileContent:
        return await asyncio.to_thread(self._read, file_id)

    async def delete(self, file_id: str) -> bool:
        return await asyncio.to_thread(self._delete, file_id)

    async def owned(self, owner: str, *, limit: int = 1000) -> list[StoredFile]:
        return await asyncio.to_thread(self._owned, owner, limit)

    def _paths(self, file_id: str) -> tuple[Path, Path]:
        if not _ID.fullmatch(file_id):
            raise FileNotFound(file_id)
        return self._root / file_id, self._root / (file_id + _SIDECAR)

    def _write(self, stored: StoredFile, data: bytes) -> None:
        self._root.mkdir(parents=True, exist_ok=True)
        body, sidecar = self._paths(stored.id)
        # The bytes land before the sidecar, each renamed into place whole: a reader that finds
        # the sidecar finds the whole file.
        _write_atomically(body, data)
        _write_atomically(sidecar, msgspec.json.encode(stored))

    def _read(self, file_id: str) -> FileContent:
        body, sidecar = self._paths(file_id)
        try:
            stored = msgspec.json.decode(sidecar.read_bytes(), type=StoredFile)
            return FileContent(file=stored, data=body.read_bytes())
        except FileNotFoundError as error:
            raise FileNotFound(file_id) from error

    def _delete(self, file_id: str) -> bool:
        if not _ID.fullmatch(file_id):
            return False
        body, sidecar = self._paths(file_id)
        existed = sidecar.exists()
        for path in (sidecar, body):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        return existed

    def _owned(self, owner: str, limit: int) -> list[StoredFile]:
        """A scan of the sidecars: fine for a store of thousands of files, not of millions."""
        found: list[StoredFile] = []
        for sidecar in self._root.glob("*" + _SIDECAR) if self._root.is_dir() else ():
            if not _ID.fullmatch(sidecar.name.removesuffix(_SIDECAR)):
                continue
            try:
                stored = msgspec.json.decode(sidecar.read_bytes(), type=StoredFile)
            except (FileNotFoundError, msgspec.DecodeError):  # deleted meanwhile, or half-written
                continue
            if stored.owner == owner:
                found.append(stored)
        found.sort(key=lambda stored: (stored.created_at, stored.id), reverse=True)
        return found[:limit]


def _write_atomically(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
