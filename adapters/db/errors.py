"""Driver exceptions become port and domain errors here, for the unit of work and every repository.

Use ``with translate_errors():`` around database calls, or ``@translated`` on an async method.
Messages name the failure class only: never the DSN, a password or the SQL.
"""

import functools
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import exc

from core.domain.errors import Conflict, RuleViolated
from core.ports.audit import AppendOnlyViolation
from core.ports.errors import Unavailable, UpstreamTimeout

P = ParamSpec("P")
T = TypeVar("T")

_UNIQUE_VIOLATIONS = {"23505", "SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"}
_FOREIGN_KEY_VIOLATIONS = {"23503", "SQLITE_CONSTRAINT_FOREIGNKEY"}
_TRIGGER_REFUSALS = {"23001", "SQLITE_CONSTRAINT_TRIGGER"}  # see migrations 0002
_REFUSED_VALUES = {
    "22021": "text must not contain NUL characters (U+0000)",  # PostgreSQL: character_not_in_repertoire
    "22P05": "text must not contain NUL characters (U+0000)",  # untranslatable_character
    "22001": "a value is longer than its field allows",  # string_data_right_truncation
    "22003": "a number is out of range",  # numeric_value_out_of_range
}
_QUERY_CANCELED = "57014"  # PostgreSQL: statement_timeout or lock_timeout hit


def _error_code(error: exc.DBAPIError) -> str | None:
    original = error.orig
    return getattr(original, "sqlstate", None) or getattr(original, "sqlite_errorname", None)


def _is_timeout(error: exc.DBAPIError) -> bool:
    if _error_code(error) == _QUERY_CANCELED:
        return True
    # SQLite reports an exhausted busy_timeout as "database is locked".
    return "database is locked" in str(error.orig)


@contextmanager
def translate_errors() -> Iterator[None]:
    try:
        yield
    except exc.IntegrityError as error:
        code = _error_code(error)
        if code in _UNIQUE_VIOLATIONS:
            raise Conflict("a record with the same key already exists") from error
        if code in _FOREIGN_KEY_VIOLATIONS:
            raise Conflict("a referenced record does not exist or is still referenced") from error
        if code in _TRIGGER_REFUSALS and "append-only" in str(error.orig):
            raise AppendOnlyViolation(
                "the audit log is append-only: the database refused the change"
            ) from error
        raise
    except exc.TimeoutError as error:
        raise UpstreamTimeout("no database connection free in time (pool exhausted)") from error
    except (exc.OperationalError, exc.InterfaceError) as error:
        if _is_timeout(error):
            raise UpstreamTimeout("database did not answer in time") from error
        raise Unavailable(f"database unavailable ({type(error.orig).__name__})") from error
    except exc.DBAPIError as error:
        if error.connection_invalidated:
            raise Unavailable("database connection lost") from error
        if _is_timeout(error):
            raise UpstreamTimeout("database did not answer in time") from error
        refusal = _REFUSED_VALUES.get(_error_code(error) or "")
        if refusal is not None:  # a value the database cannot hold: the client's input, not our fault
            raise RuleViolated(refusal) from error
        raise
    except TimeoutError as error:
        raise UpstreamTimeout("database did not answer in time") from error
    except OSError as error:
        raise Unavailable(f"database unreachable ({type(error).__name__})") from error


def translated(
    method: Callable[P, Coroutine[Any, Any, T]],
) -> Callable[P, Coroutine[Any, Any, T]]:
    """Decorator form of ``translate_errors`` for async repository methods."""

    @functools.wraps(method)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        with translate_errors():
            return await method(*args, **kwargs)

    return wrapper
