"""The contract between the payload detectors and their callers (gateway, CLI, benchmarks)."""

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

    def inspect_value(self, value: str, location: Location = Location.QUERY) -> list[Finding]:
        """One value, as if it were a query parameter (what ``bhiv threat scan`` does)."""
        ...
