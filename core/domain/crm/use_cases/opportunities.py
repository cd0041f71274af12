"""Opportunities: sales worked through their stages to won or lost."""

from datetime import date
from decimal import Decimal

import msgspec

from core.domain.audit.changes import record
from core.domain.audit.model import Invocation
from core.domain.crm.audit import OPPORTUNITIES
from core.domain.crm.events import CrmOpportunityLost, CrmOpportunityStageChanged, CrmOpportunityWon
from core.domain.crm.model import AlreadyErased, CustomerStatus
from core.domain.crm.opportunities import CLOSED, PROBABILITY, Opportunity, OpportunityClosed, Stage
from core.domain.errors import NotFound, RuleViolated
from core.domain.events import publish
from core.domain.versions import ensure_current
from core.ports.clock import Clock, IdGenerator
from core.ports.crm import CrmUnitOfWork
from core.ports.crm_pipeline import OpportunityFilter
from core.ports.pagination import Page, PageRequest

STAGE_RULES = """- Stages: `prospecting` → `qualification` → `proposal` → `negotiation` → `won`; a proposal
  accepted as it stands may be `won` straight from `proposal`; any open stage may be `lost`. Any
  other move is 409 `invalid_transition` naming the allowed ones; a won or lost opportunity no
  longer changes (409 `opportunity_closed`).
- Probability follows the stage: 10, 20, 50, 75, then 100 when won and 0 when lost. While open
  it may be overridden (0 to 100); a move to another stage resets it to that stage's."""


class NewOpportunity(msgspec.Struct, frozen=True, kw_only=True):
    customer_id: str
    name: str
    amount: Decimal
    currency: str
    expected_close_date: date | None = None
    owner: str | None = None
    """Default: whoever creates it."""


class OpportunityChanges(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A JSON merge patch: absent members stay; `null` removes the expected close date and is
    refused for the others."""

    name: str | msgspec.UnsetType = msgspec.UNSET
    amount: Decimal | msgspec.UnsetType = msgspec.UNSET
    currency: str | msgspec.UnsetType = msgspec.UNSET
    stage: Stage | msgspec.UnsetType = msgspec.UNSET
    probability: int | msgspec.UnsetType = msgspec.UNSET
    expected_close_date: date | msgspec.UnsetType | None = msgspec.UNSET
    owner: str | msgspec.UnsetType = msgspec.UNSET


class CreateOpportunity:
    """- For an existing customer (unknown: 422), with a name, an amount (a decimal string, at
      most 4 places) and its ISO 4217 currency; optionally the expected close date and the owner
      (a sales user id; default: the creator). It starts in `prospecting` at 10 %. An erased
      customer takes no more (409 `already_erased`).
    - Audited."""

    def __init__(self, uow: CrmUnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids

    async def execute(self, command: NewOpportunity, by: Invocation) -> Opportunity:
        now = self._clock.now()
        fields = msgspec.structs.asdict(command)
        fields.update(owner=command.owner or by.actor.id, currency=command.currency.upper())
        opportunity = Opportunity(id=self._ids.new_id(), created_at=now, updated_at=now, **fields)
        async with self._uow as uow:
            customer = await uow.customers.get(command.customer_id)
            if customer is None:
                raise RuleViolated("customer_id: no such customer")
            if customer.status is CustomerStatus.ERASED:
                raise AlreadyErased("customer_id: this customer is erased; nothing more is recorded")
            await uow.opportunities.add(opportunity)
            record(uow, by, now, OPPORTUNITIES.change("create", None, opportunity))
            await uow.commit()
        return opportunity


class GetOpportunity:
    """- An unknown id is answered as not found."""

    def __init__(self, uow: CrmUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, opportunity_id: str) -> Opportunity:
        async with self._uow as uow:
            opportunity = await uow.opportunities.get(opportunity_id)
        if opportunity is None:
            raise NotFound("opportunity not found")
        return opportunity


class ListOpportunities:
    """- Oldest first; filter by stage, owner and customer."""

    def __init__(self, uow: CrmUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, query: OpportunityFilter, page: PageRequest) -> Page[Opportunity]:
        async with self._uow as uow:
            return await uow.opportunities.list(query, page)


class UpdateOpportunity:
    __doc__ = (
        """- A JSON merge patch of name, amount, currency, stage, probability, expected close date
  (`null` removes it) and owner.
"""
        + STAGE_RULES
        + """
- `If-Match` with a stale ETag is refused with 412. Audited; a stage change is published
  (`crm.opportunity_stage_changed`, or `crm.opportunity_won` / `crm.opportunity_lost`)."""
    )

    def __init__(self, uow: CrmUnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids

    async def execute(
        self,
        opportunity_id: str,
        changes: OpportunityChanges,
        by: Invocation,
        expected_version: int | None = None,
        reason: str | None = None,
    ) -> Opportunity:
        now = self._clock.now()
        async with self._uow as uow:
            opportunity = await uow.opportunities.lock(opportunity_id)
            if opportunity is None:
                raise NotFound("opportunity not found")
            ensure_current(opportunity, expected_version, "opportunity")
            if opportunity.stage in CLOSED:
                raise OpportunityClosed(f"this opportunity is {opportunity.stage}; it no longer changes")
            fields = {
                name: value
                for name, value in msgspec.structs.asdict(changes).items()
                if value is not msgspec.UNSET and name not in ("stage", "probability")
            }
            if isinstance(changes.currency, str):
                fields["currency"] = changes.currency.upper()
            changed = msgspec.structs.replace(opportunity, **fields)
            if isinstance(changes.stage, Stage):
                changed = changed.moved_to(changes.stage, now)
            if isinstance(changes.probability, int):
                if changed.stage in CLOSED:
                    raise RuleViolated(
                        f"probability: a {changed.stage} opportunity's is {PROBABILITY[changed.stage]}"
                    )
                changed = msgspec.structs.replace(changed, probability=changes.probability)
            if changed.stage is Stage.LOST:
                changed = msgspec.structs.replace(changed, lost_reason=reason)
            if changed == opportunity:
                return opportunity
            changed = msgspec.structs.replace(changed, version=opportunity.version + 1, updated_at=now)
            await uow.opportunities.save(changed)
            record(uow, by, now, OPPORTUNITIES.change("update", opportunity, changed))
            self._publish_move(uow, opportunity, changed, by)
            await uow.commit()
        return changed

    def _publish_move(
        self, uow: CrmUnitOfWork, before: Opportunity, after: Opportunity, by: Invocation
    ) -> None:
        event: CrmOpportunityWon | CrmOpportunityLost | CrmOpportunityStageChanged
        if before.stage is after.stage:
            return
        if after.stage is Stage.WON:
            event = CrmOpportunityWon(
                opportunity_id=after.id,
                customer_id=after.customer_id,
                amount=str(after.amount),
                currency=after.currency,
                owner=after.owner,
            )
        elif after.stage is Stage.LOST:
            event = CrmOpportunityLost(
                opportunity_id=after.id,
                customer_id=after.customer_id,
                stage=before.stage,
                reason=after.lost_reason,
            )
        else:
            event = CrmOpportunityStageChanged(
                opportunity_id=after.id,
                customer_id=after.customer_id,
                before=before.stage,
                after=after.stage,
                probability=after.probability,
            )
        publish(uow, event, self._ids.new_id(), after.updated_at, by.correlation_id)


class WinOpportunity:
    __doc__ = (
        """- Closes the opportunity as `won` (probability 100, `closed_at` now), from `proposal` or
  `negotiation` only. Published (`crm.opportunity_won`).
"""
        + STAGE_RULES
    )

    def __init__(self, update: UpdateOpportunity) -> None:
        self._update = update

    async def execute(
        self, opportunity_id: str, by: Invocation, expected_version: int | None = None
    ) -> Opportunity:
        return await self._update.execute(
            opportunity_id, OpportunityChanges(stage=Stage.WON), by, expected_version
        )


class LoseOpportunity:
    __doc__ = (
        """- Closes the opportunity as `lost` (probability 0, `closed_at` now) from any open stage,
  with an optional `reason` (at most 2000 characters). Published (`crm.opportunity_lost`).
"""
        + STAGE_RULES
    )

    def __init__(self, update: UpdateOpportunity) -> None:
        self._update = update

    async def execute(
        self, opportunity_id: str, reason: str | None, by: Invocation, expected_version: int | None = None
    ) -> Opportunity:
        changes = OpportunityChanges(stage=Stage.LOST)
        return await self._update.execute(opportunity_id, changes, by, expected_version, reason=reason)
