"""Ports as an agent sees them: bound to the caller it is serving."""

from core.ports.agents import KnowledgeHit, KnowledgeSearch
from core.ports.files import FileContent, FileNotFound, FileStore, StoredFile


class OwnFiles(FileStore):
    """The file store, restricted to ``owner``'s files: another's is not found; what an agent
    stores belongs to the caller it serves."""

    def __init__(self, files: FileStore, owner: str) -> None:
        self._files, self._owner = files, owner
        self.max_bytes = files.max_bytes
        self.allowed_types = files.allowed_types

    async def put(self, data: bytes, *, content_type: str, owner: str) -> StoredFile:
        del owner  # always the caller's
        return await self._files.put(data, content_type=content_type, owner=self._owner)

    async def get(self, file_id: str) -> FileContent:
        content = await self._files.get(file_id)
        if content.file.owner != self._owner:
            raise FileNotFound(file_id)
        return content

    async def delete(self, file_id: str) -> bool:
        try:
            await self.get(file_id)
        except FileNotFound:
            return False
        return await self._files.delete(file_id)

    async def owned(self, owner: str, *, limit: int = 1000) -> list[StoredFile]:
        del owner  # only the caller's
        return await self._files.owned(self._owner, limit=limit)


class NoKnowledgeBase(KnowledgeSearch):
    """Stage 1 has no knowledge base (it comes in stage 2): every search finds nothing, so an
    agent answers from what it has and says how little that is."""

    async def search(self, query: str, *, limit: int = 5) -> list[KnowledgeHit]:
        del query, limit
        return []
