"""Opportunities: a sale being worked on, through its stages to won or lost."""

import re
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

import msgspec

from core.domain.crm.model import USER_ID
from core.domain.errors import Conflict, InvalidTransition, RuleViolated

CURRENCY = re.compile(r"[A-Z]{3}")
MAX_NAME = 200
MAX_REASON = 2000
MAX_AMOUNT = Decimal("1e14")


class Stage(StrEnum):
    PROSPECTING = "prospecting"
    QUALIFICATION = "qualification"
    PROPOSAL = "proposal"
    NEGOTIATION = "negotiation"
    WON = "won"
    LOST = "lost"


PROBABILITY: dict[Stage, int] = {
    Stage.PROSPECTING: 10,
    Stage.QUALIFICATION: 20,
    Stage.PROPOSAL: 50,
    Stage.NEGOTIATION: 75,
    Stage.WON: 100,
    Stage.LOST: 0,
}
"""Each stage's default chance of winning, in percent; open stages may override it."""
CLOSED = frozenset({Stage.WON, Stage.LOST})
NEXT: dict[Stage, tuple[Stage, ...]] = {
    Stage.PROSPECTING: (Stage.QUALIFICATION, Stage.LOST),
    Stage.QUALIFICATION: (Stage.PROPOSAL, Stage.LOST),
    # A proposal accepted as it stands is won without a negotiation.
    Stage.PROPOSAL: (Stage.NEGOTIATION, Stage.WON, Stage.LOST),
    Stage.NEGOTIATION: (Stage.WON, Stage.LOST),
    Stage.WON: (),
    Stage.LOST: (),
}


class OpportunityClosed(Conflict):
    code = "opportunity_closed"


class Opportunity(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    customer_id: str
    name: str
    amount: Decimal
    """Money is decimal, never a float; JSON carries it as a string (``"1250.00"``)."""
    currency: str
    stage: Stage = Stage.PROSPECTING
    probability: int = PROBABILITY[Stage.PROSPECTING]
    """Percent, 0 to 100; the stage's default unless overridden while open."""
    expected_close_date: date | None = None
    owner: str
    lead_id: str | None = None
    """The lead this came from, when it was converted."""
    lost_reason: str | None = None
    closed_at: datetime | None = None
    version: int = 1
    created_at: datetime
    updated_at: datetime

    def __post_init__(self) -> None:
        if not self.name.strip() or len(self.name) > MAX_NAME:
            raise RuleViolated(f"name: 1 to {MAX_NAME} characters")
        if not CURRENCY.fullmatch(self.currency):
            raise RuleViolated("currency: an ISO 4217 code such as INR")
        if not self.amount.is_finite() or self.amount < 0 or self.amount >= MAX_AMOUNT:
            raise RuleViolated("amount: a decimal from 0 to below 10^14")
        if self.amount.as_tuple().exponent < -4:  # type: ignore[operator]
            raise RuleViolated("amount: at most 4 decimal places")
        if not 0 <= self.probability <= 100:
            raise RuleViolated("probability: 0 to 100")
        if self.stage in CLOSED and self.probability != PROBABILITY[self.stage]:
            raise RuleViolated(f"probability: a {self.stage} opportunity's is {PROBABILITY[self.stage]}")
        if not USER_ID.fullmatch(self.owner):
            raise RuleViolated("owner: a user id, 1 to 64 letters, digits and ._:@-")
        if self.lost_reason is not None and len(self.lost_reason) > MAX_REASON:
            raise RuleViolated(f"reason: at most {MAX_REASON} characters")

    @property
    def weighted(self) -> Decimal:
        return self.amount * self.probability / 100

    def allowed_stages(self) -> list[str]:
        return [str(stage) for stage in NEXT[self.stage]]

    def moved_to(self, stage: Stage, now: datetime) -> "Opportunity":
        """In ``stage`` with its default probability; closing stamps ``closed_at``. Staying put is
        not a move."""
        if stage is self.stage:
            return self
        if stage not in NEXT[self.stage]:
            raise InvalidTransition("opportunity", self.stage, f"moved to {stage}", self.allowed_stages())
        return msgspec.structs.replace(
            self, stage=stage, probability=PROBABILITY[stage], closed_at=now if stage in CLOSED else None
        )
