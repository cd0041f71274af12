"""CRM's pipeline storage: leads, opportunities and interactions (part of ``CrmUnitOfWork``)."""

import builtins
from datetime import datetime
from enum import StrEnum
from typing import Protocol

import msgspec

from core.domain.crm.interactions import Interaction, TimelineEntry
from core.domain.crm.leads import Lead, LeadSource, LeadStatus
from core.domain.crm.opportunities import Opportunity, Stage
from core.ports.pagination import Page, PageRequest


class LeadSort(StrEnum):
    SCORE = "score"
    SCORE_DESC = "-score"
    CREATED = "created_at"
    CREATED_DESC = "-created_at"


class LeadFilter(msgspec.Struct, frozen=True, kw_only=True):
    status: LeadStatus | None = None
    owner: str | None = None
    source: LeadSource | None = None
    sort: LeadSort = LeadSort.CREATED


class OpportunityFilter(msgspec.Struct, frozen=True, kw_only=True):
    stage: Stage | None = None
    owner: str | None = None
    customer_id: str | None = None


class ClosedWindow(msgspec.Struct, frozen=True, kw_only=True):
    """Closed opportunities with ``closed_at`` in ``[since, until)``; either end may be open."""

    since: datetime | None = None
    until: datetime | None = None


class LeadRepository(Protocol):
    async def add(self, lead: Lead) -> None: ...

    async def get(self, lead_id: str) -> Lead | None: ...

    async def lock(self, lead_id: str) -> Lead | None:
        """The lead, its row locked until the unit of work ends: conversions go one at a time."""
        ...

    async def save(self, lead: Lead) -> None: ...

    async def list(self, query: LeadFilter, page: PageRequest) -> Page[Lead]: ...

    async def converted_into(self, customer_id: str) -> builtins.list[Lead]:
        """The leads whose conversion made or linked this customer."""
        ...


class OpportunityRepository(Protocol):
    async def add(self, opportunity: Opportunity) -> None: ...

    async def get(self, opportunity_id: str) -> Opportunity | None: ...

    async def lock(self, opportunity_id: str) -> Opportunity | None: ...

    async def save(self, opportunity: Opportunity) -> None: ...

    async def list(self, query: OpportunityFilter, page: PageRequest) -> Page[Opportunity]:
        """Oldest first."""
        ...

    async def for_report(self, window: ClosedWindow) -> builtins.list[Opportunity]:
        """Every open opportunity, and the closed ones whose ``closed_at`` is in ``window``."""
        ...

    async def of_customer(self, customer_id: str) -> builtins.list[Opportunity]:
        """Oldest first."""
        ...


class InteractionRepository(Protocol):
    async def add(self, interaction: Interaction) -> None: ...

    async def save(self, interaction: Interaction) -> None: ...

    async def of_customer(self, customer_id: str) -> builtins.list[Interaction]:
        """Oldest first."""
        ...

    async def timeline(self, customer_id: str, page: PageRequest) -> Page[TimelineEntry]:
        """The customer's interactions, tickets and opportunities, newest first."""
        ...
