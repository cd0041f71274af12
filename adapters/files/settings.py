"""Settings of the file store (env prefix ``BHIV_FILES_``)."""

import msgspec

ENV_PREFIX = "BHIV_FILES_"


class FileStoreSettings(msgspec.Struct, frozen=True):
    directory: str = ".bhiv/files"
    max_bytes: int = 20 * 1024 * 1024
    allowed_types: tuple[str, ...] = (
        "image/png",
        "image/jpeg",
        "image/webp",
        "image/gif",
        "image/tiff",
        "audio/wav",
        "audio/mpeg",
        "audio/ogg",
        "application/pdf",
        "text/plain",
    )
