"""``/v1/vaani/...`` on text: transliterate, detect its language, translate, adapt it to a
platform; and what this machine can do."""

from inspect import getdoc

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, get, post
from litestar.params import JSONBody

from adapters.http.access import requires
from adapters.http.route_policy import gateway_policy
from adapters.http.vaani.shapes import (
    AdaptIn,
    AdaptOut,
    CapabilitiesOut,
    DetectedOut,
    DetectIn,
    TextOut,
    TranslateIn,
    TranslationOut,
    TransliterateIn,
)
from adapters.http.vaani.usage import metered
from core.domain.access import Permission, Principal
from core.domain.vaani.text import DetectLanguage, Transliterate
from core.domain.vaani.translation import TranslateCommand, TranslateText
from core.domain.vaani.use_cases import AdaptText, AdaptTextCommand, ReportCapabilities

USE = requires(Permission.AGENTS_USE)
TEXT = gateway_policy(content=["text"])


class VaaniTextController(Controller):
    path = "/v1/vaani"
    tags = ["vaani"]

    @post(
        "/transliterate",
        operation_id="Transliterate",
        description=getdoc(Transliterate),
        opt=USE,
        status_code=200,
        **TEXT,
    )
    @inject
    async def transliterate(
        self,
        data: JSONBody[TransliterateIn],
        use_case: FromDishka[Transliterate],
        principal: FromDishka[Principal],
    ) -> TextOut:
        async with metered("transliteration", principal, size=len(data.text), language=data.source) as usage:
            text = await use_case.execute(data.text, source=data.source, target=data.target)
            usage.done(engine="indic-transliteration", output_size=len(text))
        return TextOut(text=text)

    @post(
        "/detect-language",
        operation_id="DetectLanguage",
        description=getdoc(DetectLanguage),
        opt=USE,
        status_code=200,
        **TEXT,
    )
    @inject
    async def detect(
        self, data: JSONBody[DetectIn], use_case: FromDishka[DetectLanguage], principal: FromDishka[Principal]
    ) -> DetectedOut:
        async with metered("language_detection", principal, size=len(data.text)) as usage:
            found = await use_case.execute(data.text)
            usage.done(engine=found.engine, language=found.language)
        return msgspec.convert(found, DetectedOut, from_attributes=True)

    @post(
        "/translate",
        operation_id="Translate",
        description=getdoc(TranslateText),
        opt=USE,
        status_code=200,
        **TEXT,
    )
    @inject
    async def translate(
        self,
        data: JSONBody[TranslateIn],
        use_case: FromDishka[TranslateText],
        principal: FromDishka[Principal],
    ) -> TranslationOut:
        command = TranslateCommand(text=data.text, source=data.source, target=data.target)
        async with metered("translation", principal, size=len(data.text), language=data.target) as usage:
            done = await use_case.execute(command)
            usage.done(engine=done.engine, output_size=len(done.text))
        return TranslationOut(text=done.text, source=done.source, target=done.target, engine=done.engine)

    @post("/adapt", operation_id="AdaptText", description=getdoc(AdaptText), opt=USE, status_code=200, **TEXT)
    @inject
    async def adapt(
        self, data: JSONBody[AdaptIn], use_case: FromDishka[AdaptText], principal: FromDishka[Principal]
    ) -> AdaptOut:
        command = AdaptTextCommand(
            text=data.text, platforms=(data.platform,), tone=data.tone, language=data.language
        )
        async with metered("adaptation", principal, size=len(data.text), language=data.language) as usage:
            [adapted] = await use_case.execute(command)
            usage.done(engine="rules+yake", output_size=sum(map(len, adapted.posts)))
        return msgspec.convert(adapted, AdaptOut, from_attributes=True)

    @get("/capabilities", operation_id="VaaniCapabilities", description=getdoc(ReportCapabilities), opt=USE)
    @inject
    async def capabilities(self, use_case: FromDishka[ReportCapabilities]) -> CapabilitiesOut:
        report = await use_case.execute()
        return CapabilitiesOut(
            capabilities=list(report.capabilities), missing=[c.name for c in report.missing]
        )
