"""Customers: the people and companies CRM owns; other services refer to them by id only."""

import re
from datetime import datetime
from enum import StrEnum

import msgspec

from core.domain.errors import Conflict, RuleViolated

# Deliberately loose: the one rule that matters is one address per customer, and the only
# proof an address works is mail that arrives. This refuses what is clearly not an address.
EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+")
PHONE = re.compile(r"\+?[0-9 ()./-]{3,40}")
USER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}")
TAG = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
MAX_NAME = 200
MAX_EMAIL = 254
MAX_ADDRESS = 500
MAX_TAGS = 20


class DuplicateEmail(Conflict):
    code = "duplicate_email"


class AlreadyErased(Conflict):
    code = "already_erased"


class CustomerKind(StrEnum):
    PERSON = "person"
    COMPANY = "company"


class CustomerStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    ERASED = "erased"
    """Personal data replaced by tombstones (decision 0026); set by the erasure only."""


def normalised_email(email: str) -> str:
    """Compared and stored lower-case and trimmed: ``Asha@Example.com `` is ``asha@example.com``."""
    return email.strip().lower()


def normalised_tags(tags: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Lower-case, each once, sorted: tags are a set; sorting makes equal sets equal tuples."""
    return tuple(sorted({tag.strip().lower() for tag in tags}))


class Customer(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    kind: CustomerKind = CustomerKind.PERSON
    name: str
    email: str
    """Unique across customers; lower-case."""
    phone: str | None = None
    address: str | None = None
    status: CustomerStatus = CustomerStatus.ACTIVE
    tags: tuple[str, ...] = ()
    owner: str | None = None
    """The sales rep's user id."""
    version: int = 1
    created_at: datetime
    updated_at: datetime

    def __post_init__(self) -> None:
        if not self.name.strip() or len(self.name) > MAX_NAME:
            raise RuleViolated(f"name: 1 to {MAX_NAME} characters")
        if self.email != normalised_email(self.email):
            raise RuleViolated("email: store it normalised (trimmed, lower-case)")
        if len(self.email) > MAX_EMAIL or not EMAIL.fullmatch(self.email):
            raise RuleViolated("email: an address such as asha@example.com")
        if self.phone is not None and not PHONE.fullmatch(self.phone):
            raise RuleViolated("phone: 3 to 40 digits, spaces and + ( ) . / -")
        if self.address is not None and len(self.address) > MAX_ADDRESS:
            raise RuleViolated(f"address: at most {MAX_ADDRESS} characters")
        if len(self.tags) > MAX_TAGS or any(not TAG.fullmatch(tag) for tag in self.tags):
            raise RuleViolated(f"tags: at most {MAX_TAGS}, each 1 to 40 of a-z 0-9 _ -")
        if self.tags != normalised_tags(self.tags):
            raise RuleViolated("tags: store them normalised (lower-case, once each, sorted)")
        if self.owner is not None and not USER_ID.fullmatch(self.owner):
            raise RuleViolated("owner: a user id, 1 to 64 letters, digits and ._:@-")
