"""Loads agent plugins from the ``bhiv.agents`` entry points and builds the agent catalog.

One broken plugin must not take the platform down: a plugin that fails to import, or whose hook
raises, is logged and skipped, and so is an agent that is malformed, asks for a permission the
platform does not have, or takes a name already taken. A hook that matches no hookspec (a
misspelt ``register_agent``) is a programming error, so it fails the start (tox's
``check_pending``) rather than leaving an agent silently missing.
"""

import logging
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points

import pluggy

from core.domain.access import Permission
from core.ports.agents import Agent, AgentCatalog
from plugins import spec
from plugins.catalog import PluginCatalog

logger = logging.getLogger(__name__)

ALLOWLIST_VARIABLE = "BHIV_AGENTS"
"""Comma-separated agent names to load; unset loads every agent, empty loads none."""
AGENT_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
_PERMISSIONS = frozenset(permission.value for permission in Permission)


class PluginError(Exception):
    """A plugin that cannot be loaded safely at all (a hook no hookspec knows)."""


def load_catalog(
    environ: Mapping[str, str] = os.environ,
    *,
    plugins: Iterable[tuple[object, str]] = (),
    from_entry_points: bool = True,
) -> AgentCatalog:
    """The catalog of every agent the installed plugins register, less those ``BHIV_AGENTS``
    leaves out. ``plugins`` adds in-memory plugins as ``(module or object, distribution)``
    (tests, embedding); raises ``PluginError`` when a plugin implements an unknown hook."""
    manager = AgentPluginManager()
    if from_entry_points:
        manager.load_entry_points()
    for plugin, distribution in plugins:
        manager.add(plugin, distribution)
    manager.check_pending()
    return manager.catalog(allowlist(environ))


def allowlist(environ: Mapping[str, str]) -> frozenset[str] | None:
    raw = environ.get(ALLOWLIST_VARIABLE)
    if raw is None:
        return None
    return frozenset(name.strip() for name in raw.split(",") if name.strip())


@dataclass
class _Registered:
    agents: dict[str, Agent] = field(default_factory=dict)
    distributions: dict[str, str] = field(default_factory=dict)


class AgentPluginManager:
    def __init__(self) -> None:
        self._pm = pluggy.PluginManager(spec.PROJECT)
        self._pm.add_hookspecs(spec)
        self._distributions: dict[str, str] = {}
        """pluggy's plugin name -> the distribution that shipped it."""

    def load_entry_points(self) -> None:
        for entry_point in entry_points(group=spec.ENTRY_POINT_GROUP):
            distribution = entry_point.dist.name if entry_point.dist else "unknown"
            try:
                plugin = entry_point.load()
            except Exception:
                logger.exception(
                    "agent plugin %r from %s failed to import; skipped", entry_point.name, distribution
                )
                continue
            self._add(plugin, _plugin_name(entry_point), distribution)

    def add(self, plugin: object, distribution: str) -> None:
        self._add(plugin, f"{distribution}:{id(plugin)}", distribution)

    def _add(self, plugin: object, name: str, distribution: str) -> None:
        if self._pm.is_registered(plugin):  # two entry points naming one module
            return
        try:
            self._pm.register(plugin, name=name)
        except pluggy.PluginValidationError as error:  # a hookimpl whose arguments the spec lacks
            raise PluginError(f"agent plugin {name!r} from {distribution}: {error}") from error
        self._distributions[name] = distribution

    def check_pending(self) -> None:
        try:
            self._pm.check_pending()
        except pluggy.PluginValidationError as error:
            plugin = self._pm.get_name(error.plugin) if error.plugin is not None else None
            distribution = self._distributions.get(plugin or "", "unknown")
            raise PluginError(
                f"agent plugin {plugin!r} from {distribution} implements a hook the platform does "
                f"not have (misspelt?): {error}; hooks: {', '.join(_hook_names())}"
            ) from error

    def catalog(self, allowed: frozenset[str] | None = None) -> PluginCatalog:
        registered = _Registered()
        # get_hookimpls() lists plugins in registration (load) order: the first to claim a name keeps it.
        for implementation in self._pm.hook.register_agents.get_hookimpls():
            distribution = self._distributions.get(implementation.plugin_name, "unknown")
            self._run_hook(implementation, distribution, registered)
        if allowed is not None:
            for name in sorted(allowed - registered.agents.keys()):
                logger.warning("%s names agent %r, which no plugin provides", ALLOWLIST_VARIABLE, name)
            registered.agents = {n: a for n, a in registered.agents.items() if n in allowed}
        return PluginCatalog(registered.agents, registered.distributions)

    def _run_hook(self, implementation: pluggy.HookImpl, distribution: str, into: _Registered) -> None:
        offered: list[Agent] = []
        arguments: dict[str, spec.AgentRegistrar] = {"register": offered.append}
        try:
            # One plugin at a time, not pm.hook.register_agents(): a plugin that raises must not
            # stop the others, and each agent must be traced to its distribution.
            implementation.function(*(arguments[name] for name in implementation.argnames))
        except Exception:
            logger.exception(
                "agent plugin %r from %s raised in register_agents; its agents are skipped",
                implementation.plugin_name,
                distribution,
            )
            return
        for agent in offered:
            refusal = _refusal(agent, distribution, into)
            if refusal:
                logger.error("agent refused: %s", refusal)
                continue
            into.agents[agent.name] = agent
            into.distributions[agent.name] = distribution


def _refusal(agent: object, distribution: str, registered: _Registered) -> str | None:
    if not isinstance(agent, Agent):
        return f"{distribution} registered {agent!r}, which is not an Agent instance"
    name = getattr(agent, "name", None)
    if not isinstance(name, str) or not AGENT_NAME.match(name):
        return f"{distribution} registered an agent named {name!r}; names match {AGENT_NAME.pattern}"
    if name in registered.agents:
        return (
            f"{distribution} registered agent {name!r}, a name {registered.distributions[name]} "
            "already registered; the first is kept"
        )
    permission = str(getattr(agent, "permission", ""))
    if permission not in _PERMISSIONS:
        return (
            f"{distribution}'s agent {name!r} asks for the unknown permission {permission!r}; "
            f"permissions: {', '.join(sorted(_PERMISSIONS))}"
        )
    missing = [a for a in ("title", "description") if not isinstance(getattr(agent, a, None), str)]
    if missing:
        return f"{distribution}'s agent {name!r} lacks {', '.join(missing)}"
    return None


def _plugin_name(entry_point: EntryPoint) -> str:
    return f"{spec.ENTRY_POINT_GROUP}:{entry_point.name}={entry_point.value}"


def _hook_names() -> list[str]:
    return sorted(name for name in dir(spec) if hasattr(getattr(spec, name), f"{spec.PROJECT}_spec"))
