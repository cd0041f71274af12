"""``/v1/kb``: the knowledge base's documents and its search, for callers who use agents."""

from datetime import datetime
from inspect import getdoc
from typing import Annotated

import msgspec
from dishka.integrations.litestar import FromDishka, inject
from litestar import Controller, delete, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, Parameter

from adapters.http.access import requires
from adapters.http.route_policy import gateway_policy
from adapters.http.vaani.speech import MULTIPART
from core.domain.access import Permission, Principal
from core.domain.knowledge.use_cases import (
    MAX_BYTES,
    MAX_LIMIT,
    DeleteDocument,
    GetDocument,
    IngestDocument,
    SearchKnowledge,
)
from core.ports.knowledge import KnowledgeDocument, Visibility

USE = requires(Permission.AGENTS_USE)
UPLOAD_BODY_BYTES = MAX_BYTES + 64 * 1024
"""The document's limit and room for the form around it."""


class DocumentUpload(msgspec.Struct, kw_only=True):
    file: UploadFile
    title: str
    visibility: Visibility = Visibility.PRIVATE


class DocumentOut(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    title: str
    owner: str
    visibility: Visibility
    content_type: str
    length: int
    chunks: int
    created_at: datetime

    @classmethod
    def of(cls, document: KnowledgeDocument) -> "DocumentOut":
        return msgspec.convert(document, cls, from_attributes=True)


class HitOut(msgspec.Struct, frozen=True, kw_only=True):
    document_id: str
    chunk_id: str
    start: int
    end: int
    score: float
    text: str
    title: str


class HitsOut(msgspec.Struct, frozen=True, kw_only=True):
    items: list[HitOut]


class KnowledgeController(Controller):
    path = "/v1/kb"
    tags = ["knowledge base"]

    @post(
        "/documents",
        operation_id="AddDocument",
        description=getdoc(IngestDocument),
        opt=USE,
        status_code=201,
        request_max_body_size=UPLOAD_BODY_BYTES,
        **gateway_policy(content=["file", "title"]),
    )
    @inject
    async def add(
        self,
        data: Annotated[DocumentUpload, MULTIPART],
        use_case: FromDishka[IngestDocument],
        principal: FromDishka[Principal],
    ) -> DocumentOut:
        document = await use_case.execute(
            await data.file.read(),
            content_type=data.file.content_type,
            title=data.title,
            visibility=data.visibility,
            owner=principal.subject,
            may_share=principal.has(Permission.AGENTS_ADMIN),
        )
        return DocumentOut.of(document)

    @get("/documents/{document_id:str}", operation_id="GetDocument", description=getdoc(GetDocument), opt=USE)
    @inject
    async def get_document(
        self, document_id: FromPath[str], use_case: FromDishka[GetDocument], principal: FromDishka[Principal]
    ) -> DocumentOut:
        return DocumentOut.of(await use_case.execute(document_id, principal))

    @delete(
        "/documents/{document_id:str}",
        operation_id="DeleteDocument",
        description=getdoc(DeleteDocument),
        opt=USE,
    )
    @inject
    async def remove(
        self,
        document_id: FromPath[str],
        use_case: FromDishka[DeleteDocument],
        principal: FromDishka[Principal],
    ) -> None:
        await use_case.execute(document_id, principal)

    @get(
        "/search",
        operation_id="SearchKnowledge",
        description=getdoc(SearchKnowledge),
        opt=USE,
        **gateway_policy(content=["q"]),
    )
    @inject
    async def search(
        self,
        q: Annotated[str, Parameter(min_length=1, max_length=1000, description="the question or words")],
        use_case: FromDishka[SearchKnowledge],
        principal: FromDishka[Principal],
        limit: Annotated[int, Parameter(ge=1, le=MAX_LIMIT)] = 10,
    ) -> HitsOut:
        hits = await use_case.execute(q, principal, limit=limit)
        return HitsOut(items=[msgspec.convert(hit, HitOut, from_attributes=True) for hit in hits])
