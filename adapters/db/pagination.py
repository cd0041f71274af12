"""Keyset pages in SQL: stable while rows are added, no OFFSET scans.

Each statement asks for one row more than the page, so that ``Page.of`` can tell whether
another page follows. Cursors are the key of a page's last row, as ``core.ports.pagination``
encodes them.
"""

import base64
import binascii
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import Column, ColumnElement, Select, and_, or_

from core.domain.errors import RuleViolated
from core.ports.pagination import PageRequest, decode_cursor

MAX_PAGE_SIZE = 200


def oldest_first(statement: Select[Any], page: PageRequest, id_column: Column[str]) -> Select[Any]:
    """By id: ids are time-ordered (UUIDv7), so oldest first. The cursor is an id."""
    if page.after is not None:
        statement = statement.where(id_column > decode_cursor(page.after, str))
    return statement.order_by(id_column).limit(page.limit + 1)


def newest_first(
    statement: Select[Any], page: PageRequest, time_column: Column[datetime], id_column: Column[str]
) -> Select[Any]:
    """By time, then id (rows of the same instant keep one order). The cursor is both."""
    if page.after is not None:
        moment, row_id = decode_cursor(page.after, tuple[datetime, str])
        if moment.utcoffset() is None:
            raise RuleViolated("after is not a cursor this API returned")
        statement = statement.where(
            or_(time_column < moment, and_(time_column == moment, id_column < row_id))
        )
    return statement.order_by(time_column.desc(), id_column.desc()).limit(page.limit + 1)


def clamp(limit: int) -> int:
    return max(1, min(limit, MAX_PAGE_SIZE))


def encode_cursor(moment: datetime, row_id: str) -> str:
    raw = msgspec.json.encode((moment, row_id))
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def older_than(cursor: str, time_column: Column[datetime], id_column: Column[str]) -> ColumnElement[bool]:
    """Rows after ``cursor`` in newest-first order; a cursor this API did not issue is refused."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        moment, row_id = msgspec.json.decode(raw, type=tuple[datetime, str])
    except (binascii.Error, ValueError, msgspec.DecodeError):
        raise RuleViolated("after is not a cursor this API returned") from None
    if moment.utcoffset() is None:
        raise RuleViolated("after is not a cursor this API returned")
    return or_(time_column < moment, and_(time_column == moment, id_column < row_id))
