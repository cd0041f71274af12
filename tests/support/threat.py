"""What the detectors conclude about one value, as the gateway would (same inspector, same
threshold): the kind of attack, or None for a value let through."""

from adapters.inspection.detectors.inspector import DEFAULT_THRESHOLD, Inspector
from core.domain.threat.model import AttackKind, Location

inspector = Inspector()


def verdict(value: str, location: Location = Location.QUERY) -> AttackKind | None:
    strongest = inspector.strongest(inspector.inspect_value(value, location))
    return strongest.kind if strongest is not None and strongest.score >= DEFAULT_THRESHOLD else None
