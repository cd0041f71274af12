"""Errors every port may raise instead of its driver's exceptions."""


class PortError(Exception):
    """Base of the errors an adapter raises on behalf of its port."""


class Unavailable(PortError):
    """The backing system cannot be reached or refused to work (retry later)."""


class UpstreamTimeout(Unavailable):
    """The backing system did not answer in time."""


class DependencyUnavailable(Unavailable):
    """Another service of the platform that this answer depends on did not answer."""
