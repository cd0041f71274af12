"""Keyset pages in SQL: stable while rows are added, no OFFSET scans.

Each statement asks for one row more than the page, so that ``Page.of`` can tell whether
another page follows. Cursors are the key of a page's last row, as ``core.ports.pagination``
encodes them.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Select, and_, or_

from core.domain.errors import RuleViolated
from core.ports.pagination import PageRequest, decode_cursor


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
