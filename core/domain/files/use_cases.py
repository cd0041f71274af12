"""Keeping, serving and deleting a caller's files. A file is named by the id the store gave it,
never by a path or name from the client."""

from core.domain.access import Principal, Role
from core.ports.files import FileContent, FileNotFound, FileStore, StoredFile


def may_access(principal: Principal, file: StoredFile) -> bool:
    return principal.role is Role.ADMIN or file.owner == principal.subject


class UploadFile:
    """- The file belongs to the caller who uploads it.
    - Types and size are limited by the store's settings (`BHIV_FILES_ALLOWED_TYPES`,
      `BHIV_FILES_MAX_BYTES`): another type answers 415, a larger file 413."""

    def __init__(self, files: FileStore) -> None:
        self._files = files

    async def execute(self, data: bytes, *, content_type: str, by: Principal) -> StoredFile:
        return await self._files.put(data, content_type=content_type, owner=by.subject)


class GetFile:
    """- Only its owner or an admin may fetch a file; anyone else is told it does not exist (404),
    so its existence is not revealed."""

    def __init__(self, files: FileStore) -> None:
        self._files = files

    async def execute(self, file_id: str, by: Principal) -> FileContent:
        content = await self._files.get(file_id)
        if not may_access(by, content.file):
            raise FileNotFound(file_id)
        return content


class DeleteFile:
    """- Only its owner or an admin may delete a file; anyone else is told it does not exist (404)."""

    def __init__(self, files: FileStore) -> None:
        self._files = files

    async def execute(self, file_id: str, by: Principal) -> None:
        content = await self._files.get(file_id)
        if not may_access(by, content.file):
            raise FileNotFound(file_id)
        if not await self._files.delete(file_id):
            raise FileNotFound(file_id)
