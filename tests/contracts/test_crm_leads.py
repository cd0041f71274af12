"""Leads on the real unit of work (SQLite and PostgreSQL): the score follows the documented rules,
the status workflow, lists sorted by score, and conversion into a customer and an opportunity
exactly once, however many try at once."""

import asyncio

import pytest
from sqlalchemy import func, select

from adapters.db.crm.tables import customers, opportunities
from core.domain.crm.leads import AlreadyConverted, LeadSource, LeadStatus
from core.domain.errors import InvalidTransition, PreconditionFailed, RuleViolated
from core.ports.crm_pipeline import LeadFilter, LeadSort
from core.ports.pagination import PageRequest
from tests.contracts.crm_kit import unique_email
from tests.contracts.crm_pipeline_kit import PipelineKit
from tests.contracts.db_fixtures import Database

S = LeadStatus


@pytest.mark.parametrize(
    ("fields", "score"),
    [
        ({"email": "asha@gmail.com"}, 0),
        ({"email": "asha@gmail.com", "source": LeadSource.WEB}, 10),
        ({"email": "asha@gmail.com", "source": LeadSource.EVENT}, 15),
        ({"email": "asha@gmail.com", "source": LeadSource.PARTNER}, 20),
        ({"email": "asha@gmail.com", "source": LeadSource.REFERRAL}, 25),
        ({"email": "asha@gmail.com", "company": "Teak Traders"}, 20),
        ({"email": "asha@gmail.com", "phone": "+91 98450 00000"}, 10),
        ({"email": "asha@teak.example"}, 15),
        (
            {
                "email": "Asha@Teak.example",
                "company": "Teak",
                "phone": "080 1234",
                "source": LeadSource.REFERRAL,
            },
            20 + 15 + 10 + 25,
        ),
    ],
)
async def test_a_new_lead_is_scored_by_the_documented_rules(
    database: Database, fields: dict[str, object], score: int
) -> None:
    lead = await PipelineKit(database).lead(**fields)

    assert (lead.score, lead.status) == (score, S.NEW)


async def test_the_score_follows_every_change_and_qualifying_adds_twenty(database: Database) -> None:
    kit = PipelineKit(database)
    lead = await kit.lead(email="asha@gmail.com", source=LeadSource.WEB)
    assert lead.score == 10

    lead = await kit.patch_lead(lead.id, lead.version, company="Teak Traders", email="asha@teak.example")
    assert lead.score == 10 + 20 + 15
    lead = await kit.patch_lead(lead.id, status=S.CONTACTED)
    lead = await kit.patch_lead(lead.id, status=S.QUALIFIED, company=None)
    assert lead.score == 10 + 15 + 20
    with pytest.raises(PreconditionFailed):
        await kit.patch_lead(lead.id, 1, name="Stale")


async def test_the_status_moves_only_forward_or_to_unqualified(database: Database) -> None:
    kit = PipelineKit(database)
    lead = await kit.lead()

    with pytest.raises(InvalidTransition) as refused:
        await kit.patch_lead(lead.id, status=S.QUALIFIED)
    assert refused.value.extensions["allowed"] == ["contacted", "unqualified"]
    with pytest.raises(RuleViolated, match="convert"):
        await kit.patch_lead(lead.id, status=S.CONVERTED)
    with pytest.raises(InvalidTransition):
        await kit.convert(lead.id)
    dropped = await kit.patch_lead(lead.id, status=S.UNQUALIFIED)
    with pytest.raises(InvalidTransition) as refused:
        await kit.patch_lead(dropped.id, status=S.NEW)
    assert refused.value.extensions["allowed"] == []
    assert await kit.published("crm.lead_created", lead.id) == 1


async def test_bad_lead_fields_are_refused_naming_the_field(database: Database) -> None:
    kit = PipelineKit(database)
    for fields, named in (
        ({"name": ""}, "name"),
        ({"email": "nope"}, "email"),
        ({"phone": "call me"}, "phone"),
        ({"company": " "}, "company"),
        ({"owner": "not a user!"}, "owner"),
    ):
        with pytest.raises(RuleViolated, match=named):
            await kit.lead(**fields)


async def test_leads_sort_by_score_across_pages(database: Database) -> None:
    kit = PipelineKit(database)
    owner = f"rep-{unique_email()[5:15]}"
    for source in (LeadSource.WEB, LeadSource.REFERRAL, LeadSource.OTHER, LeadSource.EVENT):
        await kit.lead(name=str(source), email=f"{source}@gmail.com", source=source, owner=owner)

    async def listed(sort: LeadSort) -> list[int]:
        found, after = [], None
        while True:
            async with kit.uow() as uow:
                page = await uow.leads.list(
                    LeadFilter(owner=owner, sort=sort), PageRequest(limit=3, after=after)
                )
            found += [lead.score for lead in page.items]
            if page.next_cursor is None:
                return found
            after = page.next_cursor

    assert await listed(LeadSort.SCORE_DESC) == [25, 15, 10, 0]
    assert await listed(LeadSort.SCORE) == [0, 10, 15, 25]
    async with kit.uow() as uow:
        referral = await uow.leads.list(LeadFilter(owner=owner, source=LeadSource.REFERRAL), PageRequest())
    assert [lead.score for lead in referral.items] == [25]


async def test_converting_makes_a_customer_and_an_opportunity_and_a_second_conversion_names_them(
    database: Database,
) -> None:
    kit = PipelineKit(database)
    lead = await kit.qualified_lead(company="Teak Traders", phone="+91 80 1234 5678")

    done = await kit.convert(lead.id, amount="250000.50", currency="INR")

    assert done.customer_created
    assert (done.customer.name, done.customer.email, done.customer.phone) == (
        "Teak Traders",
        lead.email,
        lead.phone,
    )
    assert (done.opportunity.customer_id, done.opportunity.lead_id) == (done.customer.id, lead.id)
    assert (done.opportunity.name, str(done.opportunity.amount)) == ("Teak Traders", "250000.50")
    assert (done.lead.status, done.lead.customer_id, done.lead.opportunity_id) == (
        S.CONVERTED,
        done.customer.id,
        done.opportunity.id,
    )
    with pytest.raises(AlreadyConverted) as again:
        await kit.convert(lead.id)
    assert again.value.extensions == {"customer_id": done.customer.id, "opportunity_id": done.opportunity.id}
    with pytest.raises(AlreadyConverted):
        await kit.patch_lead(lead.id, name="Too late")
    assert await kit.published("crm.lead_converted", lead.id) == 1


async def test_a_lead_with_a_known_email_is_linked_to_that_customer(database: Database) -> None:
    kit = PipelineKit(database)
    existing = await kit.customer(name="Asha Rao")
    lead = await kit.qualified_lead(email=existing.email.upper())

    done = await kit.convert(lead.id)

    assert not done.customer_created
    assert done.customer.id == existing.id
    assert done.opportunity.customer_id == existing.id


async def test_ten_concurrent_conversions_of_one_lead_make_one_customer_and_one_opportunity(
    database: Database,
) -> None:
    kit = PipelineKit(database)
    lead = await kit.qualified_lead()

    outcomes = await asyncio.gather(*(kit.convert(lead.id) for _ in range(10)), return_exceptions=True)

    converted = [outcome for outcome in outcomes if not isinstance(outcome, BaseException)]
    assert len(converted) == 1, outcomes
    assert sum(isinstance(outcome, AlreadyConverted) for outcome in outcomes) == 9, outcomes
    async with database.engine.connect() as connection:
        made = await connection.scalar(select(func.count()).where(customers.c.email == lead.email))
        opened = await connection.scalar(select(func.count()).where(opportunities.c.lead_id == lead.id))
    assert (made, opened) == (1, 1)
    assert await kit.published("crm.lead_converted", lead.id) == 1


async def test_leads_are_found_by_search(database: Database) -> None:
    kit = PipelineKit(database)
    marker = "w" + unique_email()[5:15]
    lead = await kit.lead(name=f"Meera {marker}", company="Rosewood Interiors")

    found = await kit.search(f"{marker} rosewood", kind="lead")

    assert [(hit.kind, hit.id) for hit in found] == [("lead", lead.id)]
    assert await kit.search(marker, kind="customer") == []
