"""CRM's pipeline use cases on the real unit of work, for the contract tests."""

from datetime import date
from decimal import Decimal

from core.domain.crm.interactions import Interaction, InteractionKind
from core.domain.crm.leads import Lead, LeadSource, LeadStatus
from core.domain.crm.model import Customer
from core.domain.crm.opportunities import Opportunity, Stage
from core.domain.crm.use_cases.interactions import LogInteraction, NewInteraction
from core.domain.crm.use_cases.leads import (
    Conversion,
    ConversionTerms,
    ConvertLead,
    CreateLead,
    LeadChanges,
    NewLead,
    UpdateLead,
)
from core.domain.crm.use_cases.opportunities import (
    CreateOpportunity,
    LoseOpportunity,
    NewOpportunity,
    OpportunityChanges,
    UpdateOpportunity,
    WinOpportunity,
)
from core.domain.crm.use_cases.pipeline import PipelineReport, ReportPipeline
from core.domain.crm.use_cases.privacy import CustomerRecords, EraseCustomer, ExportCustomer
from core.ports.crm_pipeline import ClosedWindow
from tests.contracts.crm_kit import SALES, Kit, unique_email
from tests.contracts.db_fixtures import Database

ADMIN_INVOCATION = SALES.__class__(actor=SALES.actor.__class__(id="admin-1", kind="user", role="admin"))


class PipelineKit(Kit):
    def __init__(self, database: Database, *args: object) -> None:
        super().__init__(database, *args)  # type: ignore[arg-type]

    async def lead(self, name: str = "Asha Rao", email: str | None = None, **fields: object) -> Lead:
        command = NewLead(name=name, email=email or unique_email(), **fields)  # type: ignore[arg-type]
        return await CreateLead(self.uow(), self.clock, self.ids).execute(command, SALES)

    async def patch_lead(self, lead_id: str, version: int | None = None, **fields: object) -> Lead:
        changes = LeadChanges(**fields)  # type: ignore[arg-type]
        return await UpdateLead(self.uow(), self.clock, self.ids).execute(lead_id, changes, SALES, version)

    async def qualified_lead(self, **fields: object) -> Lead:
        lead = await self.lead(**fields)
        for status in (LeadStatus.CONTACTED, LeadStatus.QUALIFIED):
            lead = await self.patch_lead(lead.id, status=status)
        return lead

    async def convert(self, lead_id: str, **terms: object) -> Conversion:
        if "amount" in terms:
            terms["amount"] = Decimal(str(terms["amount"]))
        return await ConvertLead(self.uow(), self.clock, self.ids).execute(
            lead_id,
            ConversionTerms(**terms),
            SALES,  # type: ignore[arg-type]
        )

    async def opportunity(
        self,
        customer_id: str,
        amount: str = "1000",
        currency: str = "INR",
        owner: str = "sales-1",
        **fields: object,
    ) -> Opportunity:
        command = NewOpportunity(
            customer_id=customer_id,
            name=str(fields.pop("name", "Teak chairs for the new office")),
            amount=Decimal(amount),
            currency=currency,
            owner=owner,
            expected_close_date=fields.pop("expected_close_date", date(2027, 3, 31)),  # type: ignore[arg-type]
        )
        return await CreateOpportunity(self.uow(), self.clock, self.ids).execute(command, SALES)

    def _update(self) -> UpdateOpportunity:
        return UpdateOpportunity(self.uow(), self.clock, self.ids)

    async def patch_opportunity(
        self, opportunity_id: str, version: int | None = None, **fields: object
    ) -> Opportunity:
        changes = OpportunityChanges(**fields)  # type: ignore[arg-type]
        return await self._update().execute(opportunity_id, changes, SALES, version)

    async def advance(self, opportunity_id: str, *stages: Stage) -> Opportunity:
        for stage in stages:
            moved = await self.patch_opportunity(opportunity_id, stage=stage)
        return moved

    async def win(self, opportunity_id: str) -> Opportunity:
        return await WinOpportunity(self._update()).execute(opportunity_id, SALES)

    async def lose(self, opportunity_id: str, reason: str | None = None) -> Opportunity:
        return await LoseOpportunity(self._update()).execute(opportunity_id, reason, SALES)

    async def report(self, window: ClosedWindow | None = None) -> PipelineReport:
        return await ReportPipeline(self.uow()).execute(window or ClosedWindow())

    async def interaction(self, customer_id: str, body: str = "", **fields: object) -> Interaction:
        command = NewInteraction(
            customer_id=customer_id,
            kind=fields.pop("kind", InteractionKind.CALL),  # type: ignore[arg-type]
            subject=str(fields.pop("subject", "Called about the order")),
            body=body,
            **fields,  # type: ignore[arg-type]
        )
        return await LogInteraction(self.uow(), self.clock, self.ids).execute(command, SALES)

    async def export(self, customer_id: str) -> CustomerRecords:
        return await ExportCustomer(self.uow()).execute(customer_id)

    async def erase(self, customer_id: str) -> Customer:
        return await EraseCustomer(self.uow(), self.clock, self.ids).execute(customer_id, ADMIN_INVOCATION)


__all__ = ["LeadSource", "PipelineKit", "Stage"]
