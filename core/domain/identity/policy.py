"""Authorisation rules beyond the role matrix: who may see which record."""

from core.domain.errors import Forbidden, NotFound
from core.domain.identity.model import Permission, Principal


def require(principal: Principal, permission: Permission) -> None:
    if not principal.has(permission):
        raise Forbidden(f"this action needs the {permission} permission")


def ensure_may_access_customer_record(
    principal: Principal,
    owner_customer_id: str | None,
    *,
    any_record: Permission,
    own_record: Permission,
    resource: str,
) -> None:
    """Staff with ``any_record`` see every record; a customer with ``own_record`` only theirs.

    Someone else's record is answered as missing (NotFound), so its existence is not revealed.
    """
    if principal.has(any_record):
        return
    if (
        principal.has(own_record)
        and principal.customer_id is not None
        and principal.customer_id == owner_customer_id
    ):
        return
    raise NotFound(f"{resource} not found")
