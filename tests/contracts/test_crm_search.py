"""CRM search on SQLite FTS5 and PostgreSQL full-text search: the same answers from one port,
findable once committed, and whatever a person types is searched for, never run."""

import uuid

import pytest

from core.domain.crm.tickets import TicketPriority
from core.domain.errors import RuleViolated
from tests.contracts.crm_kit import Kit
from tests.contracts.db_fixtures import Database

HOSTILE = [
    "' OR 1=1 --",
    '"',
    '"unbalanced',
    "''",
    "*",
    "teak*",
    "NEAR(",
    "NEAR(teak chair, 2)",
    "title:teak",
    "- ^ + ( ) { } [ ] :",
    "AND OR NOT",
    "<script>alert(1)</script>",
    "'; DROP TABLE crm_customers; --",
    "\\",
    "%_",
    "🙂",
]


def word() -> str:
    """A word no other test wrote (the PostgreSQL database lives for the whole session)."""
    return "w" + uuid.uuid4().hex[:10]


async def test_customers_and_tickets_are_found_by_their_words(database: Database) -> None:
    kit = Kit(database)
    marker = word()
    customer = await kit.customer(name=f"Teakwood {marker} Traders", kind="company", tags=["furniture"])
    ticket = await kit.ticket(
        customer.id,
        subject="Chair wobbles",
        description=f"The {marker} chair wobbles on tiled floors since delivery.",
        priority=TicketPriority.HIGH,
    )

    found = await kit.search(marker)
    both = await kit.search(f"{marker} wobbles")
    tickets_only = await kit.search(marker, kind="ticket")
    by_email = await kit.search(customer.email)

    assert {(hit.kind, hit.id) for hit in found} == {("customer", customer.id), ("ticket", ticket.id)}
    assert [(hit.kind, hit.id) for hit in both] == [("ticket", ticket.id)], "every word must match"
    assert [hit.id for hit in tickets_only] == [ticket.id]
    assert tickets_only[0].title == "Chair wobbles"
    assert marker in tickets_only[0].snippet
    assert "<" not in tickets_only[0].snippet
    assert [hit.id for hit in by_email] == [customer.id]


async def test_a_change_is_findable_under_its_new_words_only(database: Database) -> None:
    kit = Kit(database)
    before, after = word(), word()
    customer = await kit.customer(name=f"Asha {before}")

    await kit.patch_customer(customer.id, name=f"Asha {after}")

    assert await kit.search(before) == []
    assert [hit.id for hit in await kit.search(after)] == [customer.id]


@pytest.mark.parametrize("typed", HOSTILE)
async def test_hostile_input_is_text_to_find_never_an_error(database: Database, typed: str) -> None:
    kit = Kit(database)
    marker = word()
    customer = await kit.customer(name=f"{marker} Teak Chair Co")

    hits = await kit.search(typed)
    with_marker = await kit.search(f"{marker} {typed}")

    assert all(hit.kind in {"customer", "ticket", "lead"} for hit in hits)
    assert all(hit.id == customer.id for hit in with_marker)


async def test_prose_with_markup_and_sql_is_found_and_returned_as_written(database: Database) -> None:
    kit = Kit(database)
    marker = word()
    prose = f"I tried '; DROP TABLE users; -- and <script>{marker}</script>"
    ticket = await kit.ticket((await kit.customer()).id, subject="Odd page", description=prose)

    hits = await kit.search(f"{marker} DROP TABLE")

    assert [hit.id for hit in hits] == [ticket.id]
    assert (await kit.get(ticket.id)).description == prose


async def test_an_empty_or_overlong_query_is_refused(database: Database) -> None:
    kit = Kit(database)
    for typed in ("", "   ", "x" * 201):
        with pytest.raises(RuleViolated, match="q"):
            await kit.search(typed)
