"""Versioned entities: every change raises ``version`` by one, which is the resource's ETag, and
a caller that names the version it read (``If-Match``) is refused when it is stale.

    changed = patched(product, changes, expected_version)      # a JSON merge patch applied
"""

from typing import Any, Protocol, TypeVar

import msgspec

from core.domain.errors import PreconditionFailed


class Versioned(Protocol):
    @property
    def version(self) -> int: ...


V = TypeVar("V", bound=Versioned)


def ensure_current(entity: Versioned, expected_version: int | None, resource: str) -> None:
    if expected_version is not None and expected_version != entity.version:
        raise PreconditionFailed(
            f"the {resource} is at version {entity.version}, not {expected_version}: read it again"
        )


def patched(
    entity: V, changes: msgspec.Struct, expected_version: int | None, resource: str, **stamps: Any
) -> V:
    """``entity`` with the fields ``changes`` sets (RFC 7396: an absent member stays as it is;
    ``msgspec.UNSET`` marks absence) and the next version. The entity's own invariants run again
    on the result, so a patch cannot make an entity its constructor would refuse."""
    ensure_current(entity, expected_version, resource)
    fields = {
        name: value for name, value in msgspec.structs.asdict(changes).items() if value is not msgspec.UNSET
    }
    return msgspec.structs.replace(entity, **fields, version=entity.version + 1, **stamps)  # type: ignore[type-var]
