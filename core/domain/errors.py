"""Errors the domain raises to say what went wrong in business terms.

Adapters map them to transport answers (one table in ``adapters/http/problems.py``);
the domain never knows about status codes.
"""


class DomainError(Exception):
    """Base of every business error; ``code`` is a stable, machine-readable name."""

    code = "domain_error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(DomainError):
    code = "not_found"


class Conflict(DomainError):
    code = "conflict"


class Forbidden(DomainError):
    code = "forbidden"


class Unauthenticated(DomainError):
    code = "unauthenticated"


class RuleViolated(DomainError):
    """A request that is well-formed but breaks a business rule."""

    code = "rule_violated"
