"""Object-level rules: staff see every customer record, a customer only their own."""

import pytest

from core.domain.access import (
    Permission,
    Principal,
    Role,
    ensure_may_access_customer_record,
    permissions_for,
    require,
)
from core.domain.errors import Forbidden, NotFound


def caller(role: Role, customer_id: str | None = None) -> Principal:
    return Principal(
        subject=f"{role}-1",
        kind="user",
        role=role,
        permissions=permissions_for(role),
        customer_id=customer_id,
    )


def may_read_order(principal: Principal, owner: str | None) -> None:
    ensure_may_access_customer_record(
        principal,
        owner,
        any_record=Permission.LOGISTICS_READ,
        own_record=Permission.ORDERS_OWN,
        resource="order",
    )


@pytest.mark.parametrize("role", [Role.ADMIN, Role.OPS, Role.SALES, Role.SUPPORT])
def test_staff_with_the_permission_read_any_customers_order(role: Role) -> None:
    may_read_order(caller(role), "customer-7")


def test_a_customer_reads_their_own_order() -> None:
    may_read_order(caller(Role.CUSTOMER, "customer-7"), "customer-7")


def test_another_customers_order_is_answered_as_missing_never_shown() -> None:
    with pytest.raises(NotFound):
        may_read_order(caller(Role.CUSTOMER, "customer-8"), "customer-7")


def test_a_customer_without_a_customer_link_reads_nothing() -> None:
    with pytest.raises(NotFound):
        may_read_order(caller(Role.CUSTOMER, None), None)


def test_a_missing_permission_is_forbidden_by_name() -> None:
    with pytest.raises(Forbidden, match="users:manage"):
        require(caller(Role.SALES), Permission.USERS_MANAGE)
