from collections.abc import Sequence
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import ColumnElement, Select, and_, delete, exists, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.crm.tables import customer_tags, customers, ticket_comments, tickets
from adapters.db.errors import translated
from adapters.db.pagination import oldest_first
from adapters.db.rows import plain
from core.domain.crm.model import Customer
from core.domain.crm.tickets import SETTLED, Comment, Ticket
from core.ports.crm import (
    CustomerFilter,
    CustomerRepository,
    CustomerSort,
    TicketFilter,
    TicketRepository,
)
from core.ports.pagination import Page, PageRequest, decode_cursor


def _columns(customer: Customer) -> dict[str, Any]:
    values = msgspec.structs.asdict(customer)
    del values["tags"]  # rows of their own, in crm_customer_tags
    return values


class SqlCustomerRepository(CustomerRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @translated
    async def add(self, customer: Customer) -> None:
        await self._session.execute(insert(customers).values(**_columns(customer)))
        await self._tag(customer)

    @translated
    async def get(self, customer_id: str) -> Customer | None:
        return await self._one(select(customers).where(customers.c.id == customer_id))

    @translated
    async def by_email(self, email: str) -> Customer | None:
        return await self._one(select(customers).where(customers.c.email == email))

    @translated
    async def lock(self, customer_id: str) -> Customer | None:
        return await self._one(select(customers).where(customers.c.id == customer_id).with_for_update())

    @translated
    async def save(self, customer: Customer) -> None:
        await self._session.execute(
            update(customers).where(customers.c.id == customer.id).values(**_columns(customer))
        )
        await self._session.execute(delete(customer_tags).where(customer_tags.c.customer_id == customer.id))
        await self._tag(customer)

    async def _tag(self, customer: Customer) -> None:
        if customer.tags:
            rows = [{"customer_id": customer.id, "tag": tag} for tag in customer.tags]
            await self._session.execute(insert(customer_tags), rows)

    async def _one(self, statement: Select[Any]) -> Customer | None:
        row = (await self._session.execute(statement)).first()
        return None if row is None else (await self._with_tags([row]))[0]

    async def _with_tags(self, rows: Sequence[Any]) -> list[Customer]:
        ids = [row.id for row in rows]
        tags: dict[str, list[str]] = {customer_id: [] for customer_id in ids}
        if ids:
            statement = select(customer_tags).where(customer_tags.c.customer_id.in_(ids))
            for tag_row in (await self._session.execute(statement)).all():
                tags[tag_row.customer_id].append(tag_row.tag)
        return [msgspec.convert({**plain(row), "tags": sorted(tags[row.id])}, Customer) for row in rows]

    @translated
    async def list(self, query: CustomerFilter, page: PageRequest) -> Page[Customer]:
        statement = select(customers)
        if query.status is not None:
            statement = statement.where(customers.c.status == query.status)
        if query.owner is not None:
            statement = statement.where(customers.c.owner == query.owner)
        if query.tag is not None:
            tagged = (customer_tags.c.customer_id == customers.c.id) & (customer_tags.c.tag == query.tag)
            statement = statement.where(exists().where(tagged))
        rows = (await self._session.execute(_sorted(statement, query.sort, page))).all()
        found = await self._with_tags(rows)
        return Page.of(found, page, key=_cursor_key(query.sort))


def _sorted(statement: Select[Any], sort: CustomerSort, page: PageRequest) -> Select[Any]:
    """A keyset page by (sort column, id), ascending or descending; the cursor is both."""
    column = (
        customers.c.name if sort in (CustomerSort.NAME, CustomerSort.NAME_DESC) else customers.c.created_at
    )
    descending = sort in (CustomerSort.NAME_DESC, CustomerSort.CREATED_DESC)
    if page.after is not None:
        key_type = tuple[str, str] if column is customers.c.name else tuple[datetime, str]
        value, last_id = decode_cursor(page.after, key_type)
        beyond: ColumnElement[bool]
        if descending:
            beyond = or_(column < value, and_(column == value, customers.c.id < last_id))
        else:
            beyond = or_(column > value, and_(column == value, customers.c.id > last_id))
        statement = statement.where(beyond)
    order = (column.desc(), customers.c.id.desc()) if descending else (column, customers.c.id)
    return statement.order_by(*order).limit(page.limit + 1)


def _cursor_key(sort: CustomerSort) -> Any:
    if sort in (CustomerSort.NAME, CustomerSort.NAME_DESC):
        return lambda customer: (customer.name, customer.id)
    return lambda customer: (customer.created_at, customer.id)


class SqlTicketRepository(TicketRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @translated
    async def add(self, ticket: Ticket) -> None:
        await self._session.execute(insert(tickets).values(**msgspec.structs.asdict(ticket)))

    @translated
    async def get(self, ticket_id: str) -> Ticket | None:
        row = (await self._session.execute(select(tickets).where(tickets.c.id == ticket_id))).first()
        return None if row is None else msgspec.convert(plain(row), Ticket)

    @translated
    async def lock(self, ticket_id: str) -> Ticket | None:
        statement = select(tickets).where(tickets.c.id == ticket_id).with_for_update()
        row = (await self._session.execute(statement)).first()
        return None if row is None else msgspec.convert(plain(row), Ticket)

    @translated
    async def save(self, ticket: Ticket) -> None:
        values = msgspec.structs.asdict(ticket)
        await self._session.execute(update(tickets).where(tickets.c.id == ticket.id).values(**values))

    @translated
    async def claim_overdue(self, now: datetime, limit: int) -> list[Ticket]:
        overdue = (
            tickets.c.sla_breached.is_(False),
            tickets.c.sla_due_at <= now,
            tickets.c.status.not_in([str(status) for status in SETTLED]),
        )
        # PostgreSQL: rows another watch holds are skipped, not waited for. SQLite has no row
        # locks (SQLAlchemy leaves the clause out): its writers are serialised instead (0007).
        candidates = (
            select(tickets.c.id)
            .where(*overdue)
            .order_by(tickets.c.sla_due_at, tickets.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        claimed: list[Ticket] = []
        for ticket_id in (await self._session.execute(candidates)).scalars().all():
            # The guard that makes it exactly once whatever the isolation: only the update that
            # still finds the ticket unflagged returns it.
            flag = (
                update(tickets)
                .where(tickets.c.id == ticket_id, *overdue)
                .values(sla_breached=True, version=tickets.c.version + 1, updated_at=now)
                .returning(*tickets.c)
            )
            row = (await self._session.execute(flag)).first()
            if row is not None:
                claimed.append(msgspec.convert(plain(row), Ticket))
        return claimed

    @translated
    async def add_comment(self, comment: Comment) -> None:
        await self._session.execute(insert(ticket_comments).values(**msgspec.structs.asdict(comment)))

    @translated
    async def save_comment(self, comment: Comment) -> None:
        values = msgspec.structs.asdict(comment)
        statement = update(ticket_comments).where(ticket_comments.c.id == comment.id).values(**values)
        await self._session.execute(statement)

    @translated
    async def comments(self, ticket_id: str, page: PageRequest) -> Page[Comment]:
        statement = select(ticket_comments).where(ticket_comments.c.ticket_id == ticket_id)
        rows = (await self._session.execute(oldest_first(statement, page, ticket_comments.c.id))).all()
        return Page.of(
            [msgspec.convert(plain(row), Comment) for row in rows], page, key=lambda comment: comment.id
        )

    @translated
    async def list(self, query: TicketFilter, page: PageRequest) -> Page[Ticket]:
        statement = select(tickets)
        for name in ("customer_id", "status", "priority", "assignee"):
            wanted = getattr(query, name)
            if wanted is not None:
                statement = statement.where(tickets.c[name] == wanted)
        rows = (await self._session.execute(oldest_first(statement, page, tickets.c.id))).all()
        return Page.of(
            [msgspec.convert(plain(row), Ticket) for row in rows], page, key=lambda ticket: ticket.id
        )
