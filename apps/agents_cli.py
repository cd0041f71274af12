"""``bhiv agents ...``: the agent catalog from the command line (no services, no settings)."""

import sys
from typing import TextIO

import msgspec

from plugins.manager import load_catalog


def list_agents(as_json: bool = False, out: TextIO = sys.stdout) -> int:
    """One line per agent: name, version, distribution, title; or the catalog's info as JSON."""
    agents = load_catalog().info()
    if as_json:
        out.write(msgspec.json.encode(agents).decode() + "\n")
        return 0
    if not agents:
        out.write("no agents loaded (see BHIV_AGENTS and the bhiv.agents entry points)\n")
        return 0
    width = max(len(agent.name) for agent in agents)
    for agent in agents:
        out.write(f"{agent.name:<{width}}  {agent.version:<8}  {agent.distribution:<20}  {agent.title}\n")
    return 0
