"""``/v1/files``: a caller's uploads and generated media, by the id the store gave them."""

from inspect import getdoc
from typing import Annotated

from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, Response, delete, get, post
from litestar.params import FromPath

from adapters.http.access import requires
from adapters.http.vaani.shapes import FileOut, Upload, file_url
from adapters.http.vaani.speech import MULTIPART, UPLOAD_BODY_BYTES
from core.domain.access import Permission, Principal
from core.domain.files.use_cases import DeleteFile, GetFile, UploadFile

USE = requires(Permission.AGENTS_USE)
EXTENSIONS = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
    "image/gif": "gif",
    "image/tiff": "tiff",
    "audio/wav": "wav",
    "audio/mpeg": "mp3",
    "audio/ogg": "ogg",
    "application/pdf": "pdf",
    "text/plain": "txt",
}
SERVED_HEADERS = {
    # Bytes a user uploaded are never run as a page, whatever they hold.
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "private, no-store",
}


class FilesController(Controller):
    path = "/v1/files"
    tags = ["files"]

    @post(
        "/",
        operation_id="UploadFile",
        description=getdoc(UploadFile),
        opt=USE,
        status_code=201,
        request_max_body_size=UPLOAD_BODY_BYTES,
    )
    @inject
    async def upload(
        self,
        data: Annotated[Upload, MULTIPART],
        use_case: FromDishka[UploadFile],
        principal: FromDishka[Principal],
    ) -> FileOut:
        content = await data.file.read()
        stored = await use_case.execute(content, content_type=data.file.content_type, by=principal)
        return FileOut(
            id=stored.id, content_type=stored.content_type, size=stored.size, url=file_url(stored.id)
        )

    @get("/{file_id:str}", operation_id="GetFile", description=getdoc(GetFile), opt=USE)
    @inject
    async def download(
        self, file_id: FromPath[str], use_case: FromDishka[GetFile], principal: FromDishka[Principal]
    ) -> Response[bytes]:
        found = await use_case.execute(file_id, principal)
        name = f"{found.file.id}.{EXTENSIONS.get(found.file.content_type, 'bin')}"
        headers = {**SERVED_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'}
        return Response(found.data, media_type=found.file.content_type, headers=headers)

    @delete("/{file_id:str}", operation_id="DeleteFile", description=getdoc(DeleteFile), opt=USE)
    @inject
    async def remove(
        self, file_id: FromPath[str], use_case: FromDishka[DeleteFile], principal: FromDishka[Principal]
    ) -> None:
        await use_case.execute(file_id, principal)
