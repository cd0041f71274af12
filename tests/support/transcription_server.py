"""A loopback server that speaks OpenAI's ``/audio/transcriptions`` wire format (multipart in,
``verbose_json`` out), for the OpenAI-compatible recogniser's tests.

A real HTTP server (Litestar under uvicorn on 127.0.0.1, a port of its own) in the test's loop.
It records each upload (``server.uploads``) and answers ``TEXT`` in two segments with the
language as OpenAI names it (``"english"``); ``server.fail_with(status, message)`` makes the next
answer an OpenAI error instead.
"""

import asyncio
from dataclasses import dataclass, field
from typing import Annotated, Any, Self

import uvicorn
from litestar import Litestar, Request, Response, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body

TEXT = "The parcel left Pune this morning. It arrives on Friday."


@dataclass(frozen=True)
class Upload:
    authorization: str | None
    fields: dict[str, str]
    filename: str
    content_type: str
    size: int


@dataclass
class LoopbackTranscriptionServer:
    uploads: list[Upload] = field(default_factory=list)
    port: int = 0
    _failures: list[tuple[int, str]] = field(default_factory=list)
    _server: uvicorn.Server | None = None
    _task: "asyncio.Task[None] | None" = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def fail_with(self, status: int, message: str) -> Self:
        self._failures.append((status, message))
        return self

    def app(self) -> Litestar:
        @post("/v1/audio/transcriptions", status_code=200)
        async def transcriptions(
            request: Request[Any, Any, Any],
            data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
        ) -> Response[Any]:
            upload: UploadFile = data["file"]
            content = await upload.read()
            fields = {k: v for k, v in data.items() if isinstance(v, str)}
            auth = request.headers.get("authorization")
            said = Upload(auth, fields, upload.filename, upload.content_type, len(content))
            self.uploads.append(said)
            if self._failures:
                status, message = self._failures.pop(0)
                error = {"message": message, "type": "invalid_request_error", "code": None}
                return Response({"error": error}, status_code=status)
            first, second = TEXT.split(". ")
            return Response(
                {
                    "task": "transcribe",
                    "language": "english",
                    "duration": 4.25,
                    "text": TEXT,
                    "segments": [
                        {"id": 0, "seek": 0, "start": 0.0, "end": 2.1, "text": f" {first}."},
                        {"id": 1, "seek": 0, "start": 2.1, "end": 4.25, "text": f" {second}"},
                    ],
                }
            )

        return Litestar([transcriptions])

    async def __aenter__(self) -> Self:
        options: dict[str, Any] = {"loop": "none", "lifespan": "off", "log_config": None, "access_log": False}
        config = uvicorn.Config(self.app(), host="127.0.0.1", port=0, **options)
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.01)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._server is not None
        assert self._task is not None
        self._server.should_exit = True
        await self._task
