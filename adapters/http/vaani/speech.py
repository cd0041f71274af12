"""``/v1/vaani/speak``, ``/v1/vaani/transcribe`` and ``/v1/vaani/ocr``: media in or out."""

from inspect import getdoc
from typing import Annotated

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, JSONBody

from adapters.http.access import requires
from adapters.http.route_policy import gateway_policy
from adapters.http.vaani.shapes import (
    OcrOut,
    OcrUpload,
    SpeakIn,
    SpeakOut,
    TranscribeUpload,
    TranscriptOut,
    file_url,
)
from adapters.http.vaani.usage import metered
from core.domain.access import Permission, Principal
from core.domain.vaani.speech import Speak, SpeakCommand, Transcribe
from core.domain.vaani.text import RecognizeText

USE = requires(Permission.AGENTS_USE)
UPLOAD_BODY_BYTES = 32 * 1024 * 1024
"""What an upload route reads at most; the store's and engines' own limits (smaller, from
settings) refuse a file with 413 once it is read."""
MULTIPART = Body(media_type=RequestEncodingType.MULTI_PART)


class VaaniMediaController(Controller):
    path = "/v1/vaani"
    tags = ["vaani"]

    @post(
        "/speak",
        operation_id="Speak",
        description=getdoc(Speak),
        opt=USE,
        status_code=201,
        **gateway_policy(content=["text"]),
    )
    @inject
    async def speak(
        self, data: JSONBody[SpeakIn], use_case: FromDishka[Speak], principal: FromDishka[Principal]
    ) -> SpeakOut:
        command = msgspec.convert(data, SpeakCommand, from_attributes=True)
        async with metered(
            "speech_synthesis", principal, size=len(data.text), language=data.language
        ) as usage:
            spoken = await use_case.execute(command, principal)
            usage.done(engine=spoken.speech.engine, output_size=spoken.file.size)
        speech = spoken.speech
        return SpeakOut(
            audio_id=spoken.file.id,
            url=file_url(spoken.file.id),
            format=speech.format,
            engine=speech.engine,
            voice=speech.voice,
            duration_s=speech.duration_s,
            sample_rate=speech.sample_rate,
            note=speech.note,
        )

    @post(
        "/transcribe",
        operation_id="Transcribe",
        description=getdoc(Transcribe),
        opt=USE,
        status_code=200,
        request_max_body_size=UPLOAD_BODY_BYTES,
    )
    @inject
    async def transcribe(
        self,
        data: Annotated[TranscribeUpload, MULTIPART],
        use_case: FromDishka[Transcribe],
        principal: FromDishka[Principal],
    ) -> TranscriptOut:
        audio = await data.file.read()
        async with metered(
            "speech_recognition", principal, size=len(audio), unit="bytes", language=data.language
        ) as usage:
            transcript = await use_case.execute(
                audio, content_type=data.file.content_type, language=data.language
            )
            usage.done(
                engine=transcript.engine, language=transcript.language, output_size=len(transcript.text)
            )
        return msgspec.convert(transcript, TranscriptOut, from_attributes=True)

    @post(
        "/ocr",
        operation_id="RecognizeText",
        description=getdoc(RecognizeText),
        opt=USE,
        status_code=200,
        request_max_body_size=UPLOAD_BODY_BYTES,
    )
    @inject
    async def ocr(
        self,
        data: Annotated[OcrUpload, MULTIPART],
        use_case: FromDishka[RecognizeText],
        principal: FromDishka[Principal],
    ) -> OcrOut:
        image = await data.file.read()
        languages = data.languages.split("+")
        async with metered("ocr", principal, size=len(image), unit="bytes", language=data.languages) as usage:
            found = await use_case.execute(image, languages)
            usage.done(engine=found.engine, output_size=len(found.text))
        return msgspec.convert(found, OcrOut, from_attributes=True)
