"""Every list answers ``{"items": [...], "next_cursor": ...}`` and takes ``?limit=`` and ``?after=``.

A list handler declares ``page: PageQuery`` and ``dependencies=PAGED``; it answers
``PageOut.of(page, ItemOut)``, or ``PageOut.mapped(page, ItemOut.of)`` when an item's fields
are not all attributes of the entity.
"""

from collections.abc import Callable
from typing import Annotated, Any, Generic, TypeVar

import msgspec
from litestar.di import NamedDependency, Provide
from litestar.params import Parameter

from core.ports.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, PageRequest

T = TypeVar("T")
E = TypeVar("E")


class PageOut(msgspec.Struct, Generic[T], frozen=True, kw_only=True):
    items: list[T]
    next_cursor: str | None
    """Pass back as ``after`` for the next page; null on the last page."""

    @classmethod
    def of(cls, page: Page[Any], item: type[T]) -> "PageOut[T]":
        """Each entity mapped to ``item`` by its attributes (entities never leave as they are)."""
        return cls.mapped(page, lambda entity: msgspec.convert(entity, item, from_attributes=True))

    @classmethod
    def mapped(cls, page: Page[E], to: Callable[[E], T]) -> "PageOut[T]":
        return cls(items=[to(entity) for entity in page.items], next_cursor=page.next_cursor)


def page_request(
    limit: Annotated[
        int, Parameter(ge=1, le=MAX_LIMIT, description=f"items per page, 1 to {MAX_LIMIT}")
    ] = DEFAULT_LIMIT,
    after: Annotated[str | None, Parameter(description="next_cursor of the previous page")] = None,
) -> PageRequest:
    # The bounds are declared here too, so that OpenAPI shows them and a bad limit is the same
    # 422 validation problem as any other bad query parameter.
    return PageRequest(limit=limit, after=after)


PAGED = {"page": Provide(page_request, sync_to_thread=False)}
PageQuery = NamedDependency[PageRequest]
