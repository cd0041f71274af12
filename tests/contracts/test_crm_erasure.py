"""A customer's records on the real unit of work (SQLite and PostgreSQL): the timeline, the
export of everything CRM holds, and an erasure that leaves no personal value in CRM's tables or
search and only hashes in the audit log."""

import hashlib
import json
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from adapters.db.tables import audit_log, metadata
from core.domain.crm.interactions import InteractionKind, TimelineKind
from core.domain.crm.model import AlreadyErased, CustomerStatus
from core.domain.crm.use_cases.interactions import CustomerTimeline
from core.domain.errors import NotFound
from core.ports.pagination import PageRequest
from tests.contracts.crm_kit import unique_email
from tests.contracts.crm_pipeline_kit import PipelineKit
from tests.contracts.db_fixtures import Database


async def a_customer_with_history(kit: PipelineKit) -> dict[str, str]:
    """A converted lead with every kind of record; returns the personal values by name."""
    marker = "w" + uuid.uuid4().hex[:10]
    personal = {
        "name": f"Kavya {marker}",
        "email": unique_email(),
        "phone": f"+91 {int(marker[1:], 16) % 10**10:010d}",  # unique: the PG database is shared
        "address": f"12 {marker} Lane, Mysuru",
        "description": f"My {marker} order came broken",
        "comment": f"Call me on my {marker} mobile",
        "interaction": f"Kavya {marker} said she is moving house",
    }
    lead = await kit.qualified_lead(name=personal["name"], email=personal["email"], phone=personal["phone"])
    done = await kit.convert(lead.id)
    customer = await kit.patch_customer(done.customer.id, address=personal["address"], tags=["vip"])
    ticket = await kit.ticket(customer.id, description=personal["description"])
    await kit.comment(ticket.id, personal["comment"])
    await kit.interaction(customer.id, body=personal["interaction"], kind=InteractionKind.MEETING)
    return {"customer_id": customer.id, "marker": marker, **personal}


async def test_the_timeline_lists_interactions_tickets_and_opportunities_newest_first(
    database: Database,
) -> None:
    kit = PipelineKit(database)
    customer = await kit.customer()
    old_call = await kit.interaction(customer.id, occurred_at=datetime(2020, 1, 1, tzinfo=UTC))
    opportunity = await kit.opportunity(customer.id)
    ticket = await kit.ticket(customer.id)
    note = await kit.interaction(customer.id, kind=InteractionKind.NOTE, subject="Prefers email")

    found, after = [], None
    while True:
        page = await CustomerTimeline(kit.uow()).execute(customer.id, PageRequest(limit=2, after=after))
        found += [(entry.kind, entry.id, entry.detail) for entry in page.items]
        if page.next_cursor is None:
            break
        after = page.next_cursor

    assert found == [
        (TimelineKind.INTERACTION, note.id, "note"),
        (TimelineKind.TICKET, ticket.id, "open"),
        (TimelineKind.OPPORTUNITY, opportunity.id, "prospecting"),
        (TimelineKind.INTERACTION, old_call.id, "call"),
    ]
    with pytest.raises(NotFound):
        await CustomerTimeline(kit.uow()).execute("no-such-customer", PageRequest())


async def test_the_export_holds_everything_crm_knows_about_the_customer(database: Database) -> None:
    kit = PipelineKit(database)
    known = await a_customer_with_history(kit)

    held = await kit.export(known["customer_id"])

    assert (held.customer.email, held.customer.address) == (known["email"], known["address"])
    assert [t.ticket.description for t in held.tickets] == [known["description"]]
    assert [c.body for c in held.tickets[0].comments] == [known["comment"]]
    assert [i.body for i in held.interactions] == [known["interaction"]]
    assert len(held.opportunities) == 1
    assert [lead.email for lead in held.leads] == [known["email"]]


async def test_erasure_leaves_no_personal_value_in_crms_tables_or_search_and_hashes_in_the_audit(
    database: Database,
) -> None:
    kit = PipelineKit(database)
    known = await a_customer_with_history(kit)
    values = [
        known[k] for k in ("name", "email", "phone", "address", "description", "comment", "interaction")
    ]

    erased = await kit.erase(known["customer_id"])

    assert (erased.name, erased.email, erased.status) == (
        "erased",
        f"erased-{erased.id}@erased.invalid",
        CustomerStatus.ERASED,
    )
    async with database.engine.connect() as connection:
        for table in metadata.sorted_tables:
            if table.name.startswith("crm_"):
                rows = (await connection.execute(select(table))).all()
                text = json.dumps([list(row) for row in rows], default=str)
                leaked = [value for value in values if value in text]
                assert leaked == [], f"{table.name} still holds {leaked}"
        changes = (
            await connection.execute(
                select(audit_log.c.changes).where(
                    audit_log.c.action == "erase", audit_log.c.resource_id == known["customer_id"]
                )
            )
        ).scalar_one()
    assert await kit.search(known["marker"]) == []
    for value in values:
        assert value not in changes
        assert hashlib.sha256(value.encode()).hexdigest() in changes
    assert await kit.published("crm.customer_erased", known["customer_id"]) == 1
    with pytest.raises(AlreadyErased):
        await kit.erase(known["customer_id"])
    with pytest.raises(AlreadyErased):
        await kit.patch_customer(known["customer_id"], name="Back again")
    with pytest.raises(AlreadyErased):
        await kit.interaction(known["customer_id"], body="one more call")
    with pytest.raises(AlreadyErased):
        await kit.opportunity(known["customer_id"])
