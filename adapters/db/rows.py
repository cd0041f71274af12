"""Rows into entities: what every context's repositories do the same way."""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Column, Table, select
from sqlalchemy.ext.asyncio import AsyncSession


def plain(row: Any) -> dict[str, Any]:
    """A row as a dict with plain ``str`` keys (SQLAlchemy's are ``quoted_name``, which msgspec
    will not take)."""
    return {str(key): value for key, value in row._mapping.items()}


async def children_of(
    session: AsyncSession, table: Table, parent: Column[str], parent_ids: Sequence[str], order: Column[Any]
) -> dict[str, list[Any]]:
    """The rows of ``table`` belonging to each of ``parent_ids`` (an order's lines, a shipment's
    events), in ``order``, in one query for a whole page of parents."""
    found: dict[str, list[Any]] = defaultdict(list)
    if parent_ids:
        statement = select(table).where(parent.in_(parent_ids)).order_by(parent, order)
        for row in await session.execute(statement):
            found[row._mapping[parent]].append(row)
    return found
