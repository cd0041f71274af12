"""The hooks an agent plugin implements, and the marker to implement them with.

Registration hooks in the manner of simonw/llm: a plugin is handed ``register`` and calls it
once per agent it provides. Every hook below is documented in ``docs/plugins.md`` and tested in
``tests/plugins/``; a test fails when one is not.
"""

from collections.abc import Callable
from typing import Any, TypeVar

import pluggy

from core.ports.agents import Agent

PROJECT = "bhiv"
ENTRY_POINT_GROUP = "bhiv.agents"
"""The entry-point group the platform loads agent plugins from (built-in ones included)."""

AgentRegistrar = Callable[[Agent], None]

_F = TypeVar("_F", bound=Callable[..., Any])
_spec = pluggy.HookspecMarker(PROJECT)
_impl = pluggy.HookimplMarker(PROJECT)


def hookimpl(function: _F) -> _F:
    """Marks a plugin's implementation of a hook below; keeps the function's type for mypy."""
    return _impl(function)


@_spec
def register_agents(register: AgentRegistrar) -> None:
    """Call ``register(agent)`` once for each agent this package provides (an ``Agent`` instance).

    An agent whose name another distribution already registered, or whose permission is not one
    of the platform's, is refused and logged; the others are kept."""
