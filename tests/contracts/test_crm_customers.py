"""Customers on the real unit of work (SQLite and PostgreSQL): one customer per email address,
whatever its case and however many try at once; merge patches; lists filtered and sorted."""

import asyncio

import pytest

from core.domain.crm.model import CustomerStatus, DuplicateEmail
from core.domain.errors import PreconditionFailed, RuleViolated
from core.ports.crm import CustomerFilter, CustomerSort
from core.ports.pagination import PageRequest
from tests.contracts.crm_kit import Kit, unique_email
from tests.contracts.db_fixtures import Database


async def test_an_email_belongs_to_one_customer_whatever_its_case(database: Database) -> None:
    kit = Kit(database)
    email = unique_email()
    first = await kit.customer(email=f"  {email.upper()} ")

    with pytest.raises(DuplicateEmail, match="email"):
        await kit.customer(name="Someone else", email=email)

    assert first.email == email
    assert await kit.published("crm.customer_created", first.id) == 1


async def test_of_ten_concurrent_creations_with_one_email_exactly_one_succeeds(database: Database) -> None:
    kit = Kit(database)
    email = unique_email()

    outcomes = await asyncio.gather(*(kit.customer(email=email) for _ in range(10)), return_exceptions=True)

    assert sum(not isinstance(outcome, BaseException) for outcome in outcomes) == 1
    assert sum(isinstance(outcome, DuplicateEmail) for outcome in outcomes) == 9, outcomes


async def test_a_merge_patch_changes_what_it_names_and_null_removes_optional_fields(
    database: Database,
) -> None:
    kit = Kit(database)
    customer = await kit.customer(phone="+91 98450 00000", address="MG Road", tags=["VIP", "retail", "vip"])
    assert customer.tags == ("retail", "vip")

    changed = await kit.patch_customer(
        customer.id, customer.version, phone=None, tags=["wholesale"], name="Asha R"
    )

    assert (changed.name, changed.phone, changed.address, changed.tags) == (
        "Asha R",
        None,
        "MG Road",
        ("wholesale",),
    )
    assert changed.version == customer.version + 1
    with pytest.raises(PreconditionFailed):
        await kit.patch_customer(customer.id, customer.version, name="Stale")
    with pytest.raises(RuleViolated, match="email"):
        await kit.patch_customer(customer.id, email="not an address")
    taken = await kit.customer()
    with pytest.raises(DuplicateEmail):
        await kit.patch_customer(customer.id, email=taken.email.upper())
    assert await kit.published("crm.customer_updated", customer.id) == 1


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"name": " "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"email": "asha@"}, "email"),
        ({"phone": "call me"}, "phone"),
        ({"tags": ["no spaces"]}, "tags"),
        ({"owner": "bad owner!"}, "owner"),
    ],
)
async def test_bad_fields_are_refused_naming_the_field(
    database: Database, fields: dict[str, object], named: str
) -> None:
    with pytest.raises(RuleViolated, match=named):
        await Kit(database).customer(**fields)


async def test_lists_filter_by_status_owner_and_tag_and_sort_by_name_across_pages(database: Database) -> None:
    kit = Kit(database)
    owner = f"rep-{unique_email()[5:15]}"
    names = ["Chitra", "Arjun", "Bala", "Devi"]
    for name in names:
        await kit.customer(name=name, owner=owner, tags=["key"] if name != "Devi" else [])
    await kit.customer(name="Esha", owner=owner, status=CustomerStatus.INACTIVE, tags=["key"])

    async def listed(sort: CustomerSort, **filters: object) -> list[str]:
        query = CustomerFilter(owner=owner, sort=sort, **filters)  # type: ignore[arg-type]
        found, after = [], None
        while True:
            async with kit.uow() as uow:
                page = await uow.customers.list(query, PageRequest(limit=2, after=after))
            found += [customer.name for customer in page.items]
            if page.next_cursor is None:
                return found
            after = page.next_cursor

    assert await listed(CustomerSort.NAME) == ["Arjun", "Bala", "Chitra", "Devi", "Esha"]
    assert await listed(CustomerSort.NAME_DESC, status=CustomerStatus.ACTIVE) == [
        "Devi",
        "Chitra",
        "Bala",
        "Arjun",
    ]
    assert await listed(CustomerSort.CREATED, tag="key") == ["Chitra", "Arjun", "Bala", "Esha"]
    assert await listed(CustomerSort.CREATED_DESC, tag="key", status=CustomerStatus.ACTIVE) == [
        "Bala",
        "Arjun",
        "Chitra",
    ]
