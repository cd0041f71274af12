"""Where uploaded media (images, audio, documents) are kept, and what a store refuses.

A file is named by an id the store generates; a path or name from the client never reaches the
storage, so a request cannot choose where its bytes land or read another file by path.
"""

from datetime import datetime
from typing import Protocol

import msgspec

from core.domain.errors import NotFound, RuleViolated


class StoredFile(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    content_type: str
    owner: str
    """Who put it (a subject id); access checks compare against it."""
    size: int
    created_at: datetime


class FileContent(msgspec.Struct, frozen=True, kw_only=True):
    file: StoredFile
    data: bytes


class MediaRejected(RuleViolated):
    """Input a media adapter will not take (too large, of a type it does not accept)."""

    code = "media_rejected"


class TooLarge(MediaRejected):
    code = "too_large"

    def __init__(self, what: str, size: int | None, limit: int, unit: str = "bytes") -> None:
        """``size`` None: known only to be past the limit (a decoder refused to say more)."""
        said = f"{what} is {size} {unit}" if size is not None else f"{what} is larger"
        super().__init__(f"{said}; the limit is {limit} {unit}", size=size, limit=limit, unit=unit)


class UnsupportedType(MediaRejected):
    code = "unsupported_type"

    def __init__(self, content_type: str, allowed: list[str]) -> None:
        super().__init__(
            f"content type {content_type!r} is not accepted; allowed: {', '.join(allowed)}",
            content_type=content_type,
            allowed=allowed,
        )


class FileNotFound(NotFound):
    code = "file_not_found"

    def __init__(self, file_id: str) -> None:
        super().__init__(f"no file {file_id!r}", file_id=file_id)


class FileStore(Protocol):
    max_bytes: int
    allowed_types: frozenset[str]

    async def put(self, data: bytes, *, content_type: str, owner: str) -> StoredFile:
        """Raises ``TooLarge`` past ``max_bytes`` and ``UnsupportedType`` for a type not in
        ``allowed_types`` (parameters such as ``; charset=`` are ignored when comparing)."""
        ...

    async def get(self, file_id: str) -> FileContent:
        """Raises ``FileNotFound`` for an id it never gave out (and for anything not an id)."""
        ...

    async def delete(self, file_id: str) -> bool:
        """False when there was no such file."""
        ...

    async def owned(self, owner: str, *, limit: int = 1000) -> list[StoredFile]:
        """What ``owner`` stored, newest first, at most ``limit`` (metadata only, no bytes)."""
        ...
