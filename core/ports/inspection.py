"""The contract between the payload detectors and their callers (gateway, CLI, benchmarks)."""

from collections.abc import Iterator
from typing import Protocol

from core.domain.threat.model import Finding, Location, RequestSample


class ValueDetector(Protocol):
    name: str

    def inspect(self, value: str, location: Location, field: str | None) -> list[Finding]:
        """Findings for one attacker-controlled value; [] when it looks benign. Pure and fast."""
        ...


class PayloadInspector(Protocol):
    def inspect_request(self, sample: RequestSample) -> list[Finding]:
        """Every value of ``sample`` through every detector."""
        ...

    def inspect_in_steps(self, sample: RequestSample, findings: list[Finding]) -> Iterator[None]:
        """As ``inspect_request``, appending to ``findings``; pauses (yields) after each step of
        a large request, so that a caller on an event loop can serve other requests meanwhile."""
        ...

    def inspect_value(self, value: str, location: Location = Location.QUERY) -> list[Finding]:
        """One value, as if it were a query parameter (what ``bhiv threat scan`` does)."""
        ...
