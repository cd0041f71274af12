"""One page type for every list: what a caller asks for, what a store answers, what a cursor is.

A cursor is opaque to callers: the key of the last item of a page (an id, a subject, a time and
an id), JSON in base64url. Stores and use cases that page in memory decode it with
``decode_cursor``, so a cursor nobody issued is refused the same way everywhere.
"""

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

import msgspec

from core.domain.errors import RuleViolated

__all__ = ["DEFAULT_LIMIT", "MAX_LIMIT", "Page", "PageRequest", "decode_cursor", "encode_cursor"]

DEFAULT_LIMIT = 50
MAX_LIMIT = 200

T = TypeVar("T")
K = TypeVar("K")


class PageRequest(msgspec.Struct, frozen=True, kw_only=True):
    limit: int = DEFAULT_LIMIT
    after: str | None = None
    """The ``next_cursor`` of the previous page; None for the first page."""

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_LIMIT:
            raise RuleViolated(f"limit must be between 1 and {MAX_LIMIT}")


class Page(msgspec.Struct, Generic[T], frozen=True, kw_only=True):
    items: list[T]
    next_cursor: str | None = None
    """Pass back as ``after`` for the next page; None on the last page."""

    @classmethod
    def of(cls, found: Sequence[T], request: PageRequest, key: Callable[[T], Any]) -> "Page[T]":
        """``found``: up to ``request.limit + 1`` items in page order; the one beyond the
        limit is not returned, it only says that another page follows."""
        items = list(found[: request.limit])
        more = len(found) > request.limit
        return cls(items=items, next_cursor=encode_cursor(key(items[-1])) if more else None)


def encode_cursor(key: Any) -> str:
    return base64.urlsafe_b64encode(msgspec.json.encode(key)).decode().rstrip("=")


def decode_cursor(cursor: str, key_type: type[K]) -> K:
    """The key ``encode_cursor`` was given; anything else raises ``RuleViolated``."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        return msgspec.json.decode(raw, type=key_type)
    except (binascii.Error, ValueError, msgspec.DecodeError):
        raise RuleViolated("after is not a cursor this API returned") from None
