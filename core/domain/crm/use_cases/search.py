"""One search box over CRM's records."""

from core.domain.errors import RuleViolated
from core.ports.crm import CrmUnitOfWork, SearchHit

MAX_QUERY = 200
MAX_RESULTS = 50
KINDS = frozenset({"customer", "ticket", "lead"})


class SearchCrm:
    """- Words typed as a person types them (1 to 200 characters), all of which must appear in a
      customer (name, email, phone, address, tags), a ticket (subject, description) or a lead
      (name, email, company, phone); best matches first, at most `limit` (1 to 50, default 20).
    - Quotes, operators and markup are searched for as text, never interpreted.
    - `kind` narrows to `customer`, `ticket` or `lead`."""

    def __init__(self, uow: CrmUnitOfWork) -> None:
        self._uow = uow

    async def execute(self, text: str, limit: int = 20, kind: str | None = None) -> list[SearchHit]:
        if not text.strip() or len(text) > MAX_QUERY:
            raise RuleViolated(f"q: 1 to {MAX_QUERY} characters")
        if not 1 <= limit <= MAX_RESULTS:
            raise RuleViolated(f"limit: 1 to {MAX_RESULTS}")
        if kind is not None and kind not in KINDS:
            raise RuleViolated(f"kind: one of {', '.join(sorted(KINDS))}")
        async with self._uow as uow:
            return await uow.search.search(text, limit, None if kind is None else frozenset({kind}))
