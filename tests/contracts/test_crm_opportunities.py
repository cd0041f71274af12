"""Opportunities on the real unit of work (SQLite and PostgreSQL): stage rules, probabilities,
and the pipeline report's numbers (weighted per currency, win rates, the closed window)."""

from datetime import timedelta
from decimal import Decimal

import pytest

from core.domain.crm.opportunities import OpportunityClosed, Stage
from core.domain.errors import InvalidTransition, PreconditionFailed, RuleViolated
from core.ports.crm_pipeline import ClosedWindow
from tests.contracts.crm_kit import unique_email
from tests.contracts.crm_pipeline_kit import PipelineKit
from tests.contracts.db_fixtures import Database
from tests.support.fake_clock import FakeClock

OPEN_PATH = (Stage.QUALIFICATION, Stage.PROPOSAL, Stage.NEGOTIATION)


async def test_an_opportunity_moves_one_stage_at_a_time_with_each_stages_probability(
    database: Database,
) -> None:
    kit = PipelineKit(database)
    opportunity = await kit.opportunity((await kit.customer()).id, amount="1200.50")
    assert (opportunity.stage, opportunity.probability) == (Stage.PROSPECTING, 10)

    with pytest.raises(InvalidTransition) as refused:
        await kit.patch_opportunity(opportunity.id, stage=Stage.PROPOSAL)
    assert refused.value.extensions["allowed"] == ["qualification", "lost"]
    with pytest.raises(InvalidTransition):
        await kit.win(opportunity.id)
    probabilities = []
    for stage in OPEN_PATH:
        moved = await kit.patch_opportunity(opportunity.id, stage=stage)
        probabilities.append(moved.probability)
    assert probabilities == [20, 50, 75]
    won = await kit.win(opportunity.id)

    assert (won.stage, won.probability, won.weighted) == (Stage.WON, 100, Decimal("1200.50"))
    assert won.closed_at is not None
    with pytest.raises(OpportunityClosed):
        await kit.patch_opportunity(opportunity.id, name="Later")
    with pytest.raises(OpportunityClosed):
        await kit.lose(opportunity.id)
    assert await kit.published("crm.opportunity_stage_changed", opportunity.id) == 3
    assert await kit.published("crm.opportunity_won", opportunity.id) == 1


async def test_a_proposal_may_be_won_and_any_open_stage_lost_with_a_reason(database: Database) -> None:
    kit = PipelineKit(database)
    customer = await kit.customer()
    proposal = await kit.opportunity(customer.id)
    await kit.advance(proposal.id, Stage.QUALIFICATION, Stage.PROPOSAL)
    assert (await kit.win(proposal.id)).stage is Stage.WON

    fresh = await kit.opportunity(customer.id)
    lost = await kit.lose(fresh.id, reason="Chose a cheaper supplier")

    assert (lost.stage, lost.probability, lost.lost_reason) == (Stage.LOST, 0, "Chose a cheaper supplier")
    assert await kit.published("crm.opportunity_lost", fresh.id) == 1


async def test_the_probability_may_be_overridden_while_open_and_a_move_resets_it(database: Database) -> None:
    kit = PipelineKit(database)
    opportunity = await kit.opportunity((await kit.customer()).id)

    tuned = await kit.patch_opportunity(
        opportunity.id, opportunity.version, probability=35, amount=Decimal("99.5")
    )
    assert (tuned.probability, tuned.weighted) == (35, Decimal("34.825"))
    moved = await kit.patch_opportunity(opportunity.id, stage=Stage.QUALIFICATION)
    assert moved.probability == 20
    both = await kit.patch_opportunity(opportunity.id, stage=Stage.PROPOSAL, probability=60)
    assert both.probability == 60
    with pytest.raises(RuleViolated, match="probability"):
        await kit.patch_opportunity(opportunity.id, probability=101)
    with pytest.raises(RuleViolated, match="probability"):
        await kit.patch_opportunity(opportunity.id, stage=Stage.WON, probability=90)
    with pytest.raises(PreconditionFailed):
        await kit.patch_opportunity(opportunity.id, opportunity.version, name="Stale")


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"amount": "-1"}, "amount"),
        ({"amount": "1.23456"}, "amount"),
        ({"currency": "rupees"}, "currency"),
        ({"owner": "bad owner!"}, "owner"),
        ({"name": " "}, "name"),
    ],
)
async def test_bad_opportunity_fields_are_refused_naming_the_field(
    database: Database, fields: dict[str, object], named: str
) -> None:
    kit = PipelineKit(database)
    customer = await kit.customer()
    with pytest.raises(RuleViolated, match=named):
        await kit.opportunity(customer.id, **fields)  # type: ignore[arg-type]


async def test_an_opportunity_needs_a_known_customer(database: Database) -> None:
    with pytest.raises(RuleViolated, match="customer_id"):
        await PipelineKit(database).opportunity("no-such-customer")


async def test_the_pipeline_report_weights_by_stage_and_owner_per_currency_and_counts_win_rates(
    database: Database,
) -> None:
    clock = FakeClock()
    kit = PipelineKit(database, clock)
    customer = await kit.customer()
    ana, ben = f"ana-{unique_email()[6:14]}", f"ben-{unique_email()[6:14]}"
    await kit.opportunity(customer.id, amount="1000", owner=ana)  # prospecting 10 %
    a2 = await kit.opportunity(customer.id, amount="2000.50", owner=ana)
    await kit.advance(a2.id, Stage.QUALIFICATION, Stage.PROPOSAL)  # 50 %
    await kit.opportunity(customer.id, amount="500", currency="USD", owner=ana)  # 10 %, USD
    b1 = await kit.opportunity(customer.id, amount="4000", owner=ben)
    await kit.advance(b1.id, *OPEN_PATH)
    await kit.win(b1.id)
    b2 = await kit.opportunity(customer.id, amount="300", owner=ben)
    await kit.lose(b2.id)
    clock.advance(10 * 86400)
    b3 = await kit.opportunity(customer.id, amount="700", owner=ben)
    await kit.lose(b3.id)
    mine = {ana, ben}

    report = await kit.report()

    def rows(group: list) -> dict[tuple[str, str], tuple[int, Decimal]]:  # type: ignore[type-arg]
        return {(row.key, row.currency): (row.count, row.weighted) for row in group}

    by_owner = {key: value for key, value in rows(report.by_owner).items() if key[0] in mine}
    assert by_owner == {
        (ana, "INR"): (2, Decimal("100") + Decimal("1000.25")),
        (ana, "USD"): (1, Decimal("50")),
        (ben, "INR"): (3, Decimal("4000")),
    }
    by_stage = rows(report.by_stage)
    assert by_stage[("prospecting", "USD")] == (1, Decimal("50"))
    assert by_stage[("lost", "INR")][1] == 0
    rates = {rate.owner: (rate.won, rate.lost, rate.rate) for rate in report.win_rate_by_owner}
    assert rates[ben] == (1, 2, Decimal("0.3333"))
    assert rates[ana] == (0, 0, None)
    assert (report.win_rate.won, report.win_rate.lost) >= (1, 2)

    first_week = await kit.report(ClosedWindow(until=clock.now() - timedelta(days=5)))
    later = await kit.report(ClosedWindow(since=clock.now() - timedelta(days=5)))
    assert {r.owner: (r.won, r.lost) for r in first_week.win_rate_by_owner}[ben] == (1, 1)
    assert {r.owner: (r.won, r.lost) for r in later.win_rate_by_owner}[ben] == (0, 1)
    assert rows([row for row in later.by_owner if row.key == ana]) == by_owner_of(by_owner, ana)
    with pytest.raises(RuleViolated, match="since"):
        await kit.report(ClosedWindow(since=clock.now(), until=clock.now()))


def by_owner_of(
    rows: dict[tuple[str, str], tuple[int, Decimal]], owner: str
) -> dict[tuple[str, str], tuple[int, Decimal]]:
    """Open opportunities count whatever the window."""
    return {key: value for key, value in rows.items() if key[0] == owner}
