"""Newest-first keyset pages over ``(time, id)``: stable while rows are added, no OFFSET scans."""

import base64
import binascii
from datetime import datetime

import msgspec
from sqlalchemy import Column, ColumnElement, and_, or_

from core.domain.errors import RuleViolated

MAX_PAGE_SIZE = 200


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
