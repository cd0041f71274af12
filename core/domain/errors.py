"""Errors the domain raises to say what went wrong in business terms.

Adapters map them to transport answers (one table in ``adapters/http/problems.py``);
the domain never knows about status codes.
"""


class DomainError(Exception):
    """Base of every business error; ``code`` is a stable, machine-readable name."""

    code = "domain_error"

    def __init__(self, detail: str, **extensions: object) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions
        """Further machine-readable members of the answer (``allowed``, ``customer_id``)."""


class NotFound(DomainError):
    code = "not_found"


class Conflict(DomainError):
    code = "conflict"


class InvalidTransition(Conflict):
    """An action its resource's state does not allow; ``allowed`` names the ones it does."""

    code = "invalid_transition"

    def __init__(self, resource: str, state: str, action: str, allowed: list[str]) -> None:
        options = ", ".join(allowed) or "none"
        super().__init__(f"a {state} {resource} cannot be {action}; allowed now: {options}", allowed=allowed)


class PreconditionFailed(DomainError):
    """The caller's ``If-Match`` names a version that is no longer the current one."""

    code = "precondition_failed"


class Forbidden(DomainError):
    code = "forbidden"


class Unauthenticated(DomainError):
    code = "unauthenticated"


class RuleViolated(DomainError):
    """A request that is well-formed but breaks a business rule."""

    code = "rule_violated"


class TooManyRequests(DomainError):
    """A quota or rate is used up for now; ``retry_after`` says in how many seconds to retry."""

    code = "rate_limited"

    def __init__(self, detail: str, *, retry_after: float, **extensions: object) -> None:
        super().__init__(detail, retry_after=retry_after, **extensions)
        self.retry_after = retry_after
