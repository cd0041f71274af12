"""dishka provider of the payload detection engine."""

from dishka import Provider, Scope, provide

from adapters.inspection.detectors.inspector import Inspector
from core.ports.inspection import PayloadInspector


class InspectionProvider(Provider):
    scope = Scope.APP

    @provide
    def inspector(self) -> PayloadInspector:
        return Inspector()  # its default detectors
