"""The pipeline report: what the open opportunities are worth, weighted by their chance, and how
often sales wins."""

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

import msgspec

from core.domain.crm.opportunities import Opportunity, Stage
from core.domain.errors import RuleViolated
from core.ports.crm import CrmUnitOfWork
from core.ports.crm_pipeline import ClosedWindow


class Weighted(msgspec.Struct, frozen=True, kw_only=True):
    key: str
    """The stage or the owner."""
    currency: str
    count: int
    amount: Decimal
    """The sum of the amounts."""
    weighted: Decimal
    """The sum of amount * probability / 100."""


class WinRate(msgspec.Struct, frozen=True, kw_only=True):
    owner: str | None
    """None for everyone together."""
    won: int
    lost: int
    rate: Decimal | None
    """won / (won + lost), to 4 places; None when nothing closed."""


class PipelineReport(msgspec.Struct, frozen=True, kw_only=True):
    since: datetime | None
    until: datetime | None
    by_stage: list[Weighted]
    by_owner: list[Weighted]
    win_rate: WinRate
    win_rate_by_owner: list[WinRate]


class ReportPipeline:
    """- **Weighted value** = amount * probability / 100, summed by stage and by owner, each per
      currency: amounts in different currencies are never added together.
    - Every open opportunity counts; won and lost ones count when their `closed_at` falls in the
      window `[since, until)` (either end optional; no window: all of them).
    - **Win rate** = won / (won + lost) over the closed opportunities in the window, overall and
      per owner; `null` when none closed.
    - Rows sorted by stage order (or owner), then currency."""

    def __init__(self, uow: CrmUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, window: ClosedWindow) -> PipelineReport:
        if window.since is not None and window.until is not None and window.since >= window.until:
            raise RuleViolated("since: must be before until")
        async with self._uow as uow:
            opportunities = await uow.opportunities.for_report(window)
        stage_order = {stage: index for index, stage in enumerate(Stage)}
        by_stage = _weighted(opportunities, lambda o: o.stage)
        by_stage.sort(key=lambda row: (stage_order[Stage(row.key)], row.currency))
        by_owner = _weighted(opportunities, lambda o: o.owner)
        by_owner.sort(key=lambda row: (row.key, row.currency))
        owners = sorted({o.owner for o in opportunities})
        return PipelineReport(
            since=window.since,
            until=window.until,
            by_stage=by_stage,
            by_owner=by_owner,
            win_rate=_win_rate(opportunities, None),
            win_rate_by_owner=[
                _win_rate([o for o in opportunities if o.owner == owner], owner) for owner in owners
            ],
        )


def _weighted(opportunities: list[Opportunity], key: Callable[[Opportunity], str]) -> list[Weighted]:
    count: dict[tuple[str, str], int] = defaultdict(int)
    amount: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    weighted: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for opportunity in opportunities:
        group = (str(key(opportunity)), opportunity.currency)
        count[group] += 1
        amount[group] += opportunity.amount
        weighted[group] += opportunity.weighted
    return [
        Weighted(
            key=k,
            currency=currency,
            count=count[(k, currency)],
            amount=amount[(k, currency)],
            weighted=weighted[(k, currency)],
        )
        for k, currency in count
    ]


def _win_rate(opportunities: list[Opportunity], owner: str | None) -> WinRate:
    won = sum(o.stage is Stage.WON for o in opportunities)
    lost = sum(o.stage is Stage.LOST for o in opportunities)
    rate = None if won + lost == 0 else (Decimal(won) / Decimal(won + lost)).quantize(Decimal("0.0001"))
    return WinRate(owner=owner, won=won, lost=lost, rate=rate)
