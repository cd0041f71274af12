"""Leads: people sales may turn into customers, scored so the likeliest are called first."""

from datetime import datetime
from enum import StrEnum

import msgspec

from core.domain.crm.model import EMAIL, MAX_EMAIL, MAX_NAME, PHONE, USER_ID, normalised_email
from core.domain.errors import Conflict, InvalidTransition, RuleViolated

MAX_COMPANY = 200


class LeadSource(StrEnum):
    WEB = "web"
    REFERRAL = "referral"
    EVENT = "event"
    PARTNER = "partner"
    OTHER = "other"


class LeadStatus(StrEnum):
    NEW = "new"
    CONTACTED = "contacted"
    QUALIFIED = "qualified"
    CONVERTED = "converted"
    UNQUALIFIED = "unqualified"


NEXT: dict[LeadStatus, tuple[LeadStatus, ...]] = {
    LeadStatus.NEW: (LeadStatus.CONTACTED, LeadStatus.UNQUALIFIED),
    LeadStatus.CONTACTED: (LeadStatus.QUALIFIED, LeadStatus.UNQUALIFIED),
    LeadStatus.QUALIFIED: (LeadStatus.CONVERTED, LeadStatus.UNQUALIFIED),
    LeadStatus.CONVERTED: (),
    LeadStatus.UNQUALIFIED: (),
}

# Scoring rules (decision 0026). Kept as data so that the docstring of CreateLead, the tests and
# the code cannot drift apart silently: change a number here and the tests say so.
SCORE_COMPANY = 20
SCORE_BUSINESS_EMAIL = 15
SCORE_PHONE = 10
SCORE_QUALIFIED = 20
SCORE_SOURCE: dict[LeadSource, int] = {
    LeadSource.REFERRAL: 25,
    LeadSource.PARTNER: 20,
    LeadSource.EVENT: 15,
    LeadSource.WEB: 10,
    LeadSource.OTHER: 0,
}
FREE_MAIL = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.co.in",
        "hotmail.com",
        "outlook.com",
        "live.com",
        "msn.com",
        "aol.com",
        "icloud.com",
        "me.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.de",
        "mail.com",
        "yandex.com",
        "zoho.com",
        "rediffmail.com",
    }
)


class AlreadyConverted(Conflict):
    """The problem carries ``customer_id`` and ``opportunity_id`` of the first conversion."""

    code = "already_converted"


def lead_score(
    *, company: str | None, email: str, source: LeadSource, phone: str | None, status: LeadStatus
) -> int:
    score = SCORE_SOURCE[source]
    if company:
        score += SCORE_COMPANY
    if email.rpartition("@")[2] not in FREE_MAIL:
        score += SCORE_BUSINESS_EMAIL
    if phone:
        score += SCORE_PHONE
    if status in (LeadStatus.QUALIFIED, LeadStatus.CONVERTED):
        score += SCORE_QUALIFIED
    return max(0, min(100, score))


class Lead(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    email: str
    """Lower-case; not unique (the same person may come in twice)."""
    company: str | None = None
    phone: str | None = None
    source: LeadSource = LeadSource.OTHER
    status: LeadStatus = LeadStatus.NEW
    score: int = 0
    """0 to 100, from ``lead_score``; recomputed on every change."""
    owner: str
    """The sales rep's user id."""
    customer_id: str | None = None
    """Set by the conversion, with ``opportunity_id`` and ``converted_at``."""
    opportunity_id: str | None = None
    converted_at: datetime | None = None
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
        if self.company is not None and (not self.company.strip() or len(self.company) > MAX_COMPANY):
            raise RuleViolated(f"company: 1 to {MAX_COMPANY} characters, or null")
        if self.phone is not None and not PHONE.fullmatch(self.phone):
            raise RuleViolated("phone: 3 to 40 digits, spaces and + ( ) . / -")
        if not USER_ID.fullmatch(self.owner):
            raise RuleViolated("owner: a user id, 1 to 64 letters, digits and ._:@-")

    def scored(self) -> "Lead":
        score = lead_score(
            company=self.company, email=self.email, source=self.source, phone=self.phone, status=self.status
        )
        return self if score == self.score else msgspec.structs.replace(self, score=score)

    def allowed_statuses(self) -> list[str]:
        return [str(status) for status in NEXT[self.status]]

    def moved_to(self, status: LeadStatus) -> "Lead":
        """Staying put is not a move; a move the workflow does not allow is refused, naming the
        ones it does."""
        if status is self.status:
            return self
        if status not in NEXT[self.status]:
            raise InvalidTransition("lead", self.status, f"moved to {status}", self.allowed_statuses())
        return msgspec.structs.replace(self, status=status)
