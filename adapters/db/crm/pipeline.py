"""Leads, opportunities and interactions, and a customer's timeline across CRM's tables."""

import builtins
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import ColumnElement, Select, and_, insert, literal, or_, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.db.crm.tables import interactions, leads, opportunities, tickets
from adapters.db.errors import translated
from adapters.db.pagination import newest_first, oldest_first
from adapters.db.rows import plain
from core.domain.crm.interactions import Interaction, TimelineEntry
from core.domain.crm.leads import Lead
from core.domain.crm.opportunities import CLOSED, Opportunity
from core.ports.crm_pipeline import (
    ClosedWindow,
    InteractionRepository,
    LeadFilter,
    LeadRepository,
    LeadSort,
    OpportunityFilter,
    OpportunityRepository,
)
from core.ports.pagination import Page, PageRequest, decode_cursor


class SqlLeadRepository(LeadRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @translated
    async def add(self, lead: Lead) -> None:
        await self._session.execute(insert(leads).values(**msgspec.structs.asdict(lead)))

    @translated
    async def get(self, lead_id: str) -> Lead | None:
        return await self._one(select(leads).where(leads.c.id == lead_id))

    @translated
    async def lock(self, lead_id: str) -> Lead | None:
        # FOR UPDATE on PostgreSQL; SQLite's writers are serialised by BEGIN IMMEDIATE (0007).
        return await self._one(select(leads).where(leads.c.id == lead_id).with_for_update())

    @translated
    async def save(self, lead: Lead) -> None:
        values = msgspec.structs.asdict(lead)
        await self._session.execute(update(leads).where(leads.c.id == lead.id).values(**values))

    @translated
    async def list(self, query: LeadFilter, page: PageRequest) -> Page[Lead]:
        statement = select(leads)
        for name in ("status", "owner", "source"):
            wanted = getattr(query, name)
            if wanted is not None:
                statement = statement.where(leads.c[name] == wanted)
        by_score = query.sort in (LeadSort.SCORE, LeadSort.SCORE_DESC)
        descending = query.sort in (LeadSort.SCORE_DESC, LeadSort.CREATED_DESC)
        column = leads.c.score if by_score else leads.c.created_at
        if page.after is not None:
            key_type = tuple[int, str] if by_score else tuple[datetime, str]
            value, last_id = decode_cursor(page.after, key_type)
            beyond: ColumnElement[bool]
            if descending:
                beyond = or_(column < value, and_(column == value, leads.c.id < last_id))
            else:
                beyond = or_(column > value, and_(column == value, leads.c.id > last_id))
            statement = statement.where(beyond)
        order = (column.desc(), leads.c.id.desc()) if descending else (column, leads.c.id)
        rows = (await self._session.execute(statement.order_by(*order).limit(page.limit + 1))).all()
        found = [msgspec.convert(plain(row), Lead) for row in rows]
        if by_score:
            return Page.of(found, page, key=lambda lead: (lead.score, lead.id))
        return Page.of(found, page, key=lambda lead: (lead.created_at, lead.id))

    @translated
    async def converted_into(self, customer_id: str) -> builtins.list[Lead]:
        statement = select(leads).where(leads.c.customer_id == customer_id).order_by(leads.c.id)
        return [msgspec.convert(plain(row), Lead) for row in (await self._session.execute(statement)).all()]

    async def _one(self, statement: Select[Any]) -> Lead | None:
        row = (await self._session.execute(statement)).first()
        return None if row is None else msgspec.convert(plain(row), Lead)


class SqlOpportunityRepository(OpportunityRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @translated
    async def add(self, opportunity: Opportunity) -> None:
        await self._session.execute(insert(opportunities).values(**msgspec.structs.asdict(opportunity)))

    @translated
    async def get(self, opportunity_id: str) -> Opportunity | None:
        return await self._one(select(opportunities).where(opportunities.c.id == opportunity_id))

    @translated
    async def lock(self, opportunity_id: str) -> Opportunity | None:
        statement = select(opportunities).where(opportunities.c.id == opportunity_id).with_for_update()
        return await self._one(statement)

    @translated
    async def save(self, opportunity: Opportunity) -> None:
        values = msgspec.structs.asdict(opportunity)
        statement = update(opportunities).where(opportunities.c.id == opportunity.id).values(**values)
        await self._session.execute(statement)

    @translated
    async def list(self, query: OpportunityFilter, page: PageRequest) -> Page[Opportunity]:
        statement = select(opportunities)
        for name in ("stage", "owner", "customer_id"):
            wanted = getattr(query, name)
            if wanted is not None:
                statement = statement.where(opportunities.c[name] == wanted)
        rows = (await self._session.execute(oldest_first(statement, page, opportunities.c.id))).all()
        return Page.of(self._all(rows), page, key=lambda opportunity: opportunity.id)

    @translated
    async def for_report(self, window: ClosedWindow) -> builtins.list[Opportunity]:
        closed_in_window: list[ColumnElement[bool]] = [opportunities.c.stage.in_([str(s) for s in CLOSED])]
        if window.since is not None:
            closed_in_window.append(opportunities.c.closed_at >= window.since)
        if window.until is not None:
            closed_in_window.append(opportunities.c.closed_at < window.until)
        statement = select(opportunities).where(
            or_(opportunities.c.stage.not_in([str(s) for s in CLOSED]), and_(*closed_in_window))
        )
        return self._all((await self._session.execute(statement.order_by(opportunities.c.id))).all())

    @translated
    async def of_customer(self, customer_id: str) -> builtins.list[Opportunity]:
        statement = select(opportunities).where(opportunities.c.customer_id == customer_id)
        return self._all((await self._session.execute(statement.order_by(opportunities.c.id))).all())

    async def _one(self, statement: Select[Any]) -> Opportunity | None:
        row = (await self._session.execute(statement)).first()
        return None if row is None else msgspec.convert(plain(row), Opportunity)

    @staticmethod
    def _all(rows: Any) -> builtins.list[Opportunity]:
        return [msgspec.convert(plain(row), Opportunity) for row in rows]


class SqlInteractionRepository(InteractionRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @translated
    async def add(self, interaction: Interaction) -> None:
        await self._session.execute(insert(interactions).values(**msgspec.structs.asdict(interaction)))

    @translated
    async def save(self, interaction: Interaction) -> None:
        values = msgspec.structs.asdict(interaction)
        statement = update(interactions).where(interactions.c.id == interaction.id).values(**values)
        await self._session.execute(statement)

    @translated
    async def of_customer(self, customer_id: str) -> builtins.list[Interaction]:
        statement = select(interactions).where(interactions.c.customer_id == customer_id)
        rows = (await self._session.execute(statement.order_by(interactions.c.id))).all()
        return [msgspec.convert(plain(row), Interaction) for row in rows]

    @translated
    async def timeline(self, customer_id: str, page: PageRequest) -> Page[TimelineEntry]:
        # One keyset over the union of three tables: newest first by (at, id), so a page never
        # repeats or skips an entry whichever table it came from.
        i, t, o = interactions.c, tickets.c, opportunities.c
        parts = union_all(
            select(
                literal("interaction").label("kind"),
                i.id,
                i.occurred_at.label("at"),
                i.subject.label("title"),
                i.kind.label("detail"),
            ).where(i.customer_id == customer_id),
            select(literal("ticket"), t.id, t.created_at, t.subject, t.status).where(
                t.customer_id == customer_id
            ),
            select(literal("opportunity"), o.id, o.created_at, o.name, o.stage).where(
                o.customer_id == customer_id
            ),
        ).subquery("timeline")
        statement = newest_first(select(parts), page, parts.c.at, parts.c.id)  # type: ignore[arg-type]
        rows = (await self._session.execute(statement)).all()
        found = [msgspec.convert(plain(row), TimelineEntry) for row in rows]
        return Page.of(found, page, key=lambda entry: (entry.at, entry.id))
