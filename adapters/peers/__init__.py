"""Calls to the platform's other services, each behind a port of the caller's domain."""
