"""dishka provider of the file store (its ``FileStoreSettings``, clock and ids from the graph)."""

from dishka import Provider, Scope, provide

from adapters.files.local import LocalFileStore
from adapters.files.settings import FileStoreSettings
from core.ports.clock import Clock, IdGenerator
from core.ports.files import FileStore


class FileStoreProvider(Provider):
    scope = Scope.APP

    @provide
    def file_store(self, settings: FileStoreSettings, ids: IdGenerator, clock: Clock) -> FileStore:
        return LocalFileStore(settings, ids, clock)
