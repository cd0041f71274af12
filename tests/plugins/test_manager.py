"""The plugin manager refuses what would make the catalog lie, and never lets one plugin stop
the platform, except a misspelt hook, which fails the start so the agent is not silently lost."""

import logging
from typing import Any, ClassVar

import pytest

from core.ports.agents import Agent, AgentContext, AgentResult, AgentTask
from plugins.manager import PluginError, load_catalog
from plugins.spec import AgentRegistrar, hookimpl


class Greeter(Agent):
    name = "greeter"
    title = "Greeter"
    description = "Says hello."

    async def run(self, task: AgentTask, context: AgentContext) -> AgentResult:
        return AgentResult(answer="hello", engine="rules", confidence=1.0)


class Plugin:
    """An in-memory plugin registering the given agents."""

    def __init__(self, *agents: object) -> None:
        self.agents = agents

    @hookimpl
    def register_agents(self, register: AgentRegistrar) -> None:
        for agent in self.agents:
            register(agent)  # type: ignore[arg-type]


def build(*plugins: tuple[object, str], **environ: str) -> dict[str, Any]:
    catalog = load_catalog(environ, plugins=plugins, from_entry_points=False)
    return {info.name: info for info in catalog.info()}


def test_an_in_memory_plugin_s_agent_is_catalogued_with_its_distribution() -> None:
    agents = build((Plugin(Greeter()), "acme-greeter"))

    assert agents["greeter"].distribution == "acme-greeter"
    assert agents["greeter"].version == "0.1.0"


def test_a_second_agent_with_a_taken_name_is_refused_naming_both_distributions(
    caplog: pytest.LogCaptureFixture,
) -> None:
    agents = build((Plugin(Greeter()), "acme-greeter"), (Plugin(Greeter()), "other-greeter"))

    assert agents["greeter"].distribution == "acme-greeter"
    assert "other-greeter registered agent 'greeter', a name acme-greeter already registered" in caplog.text


def test_an_agent_asking_for_an_unknown_permission_is_refused(caplog: pytest.LogCaptureFixture) -> None:
    class Flyer(Greeter):
        name = "flyer"
        permission: ClassVar[Any] = "agents:fly"

    agents = build((Plugin(Flyer(), Greeter()), "acme"))

    assert set(agents) == {"greeter"}
    assert "acme's agent 'flyer' asks for the unknown permission 'agents:fly'" in caplog.text


@pytest.mark.parametrize(
    ("offered", "logged"),
    [
        (object(), "which is not an Agent instance"),
        (type("Shouty", (Greeter,), {"name": "SHOUTY"})(), "an agent named 'SHOUTY'"),
    ],
)
def test_what_is_not_a_well_named_agent_is_refused(
    offered: object, logged: str, caplog: pytest.LogCaptureFixture
) -> None:
    agents = build((Plugin(offered, Greeter()), "acme"))

    assert set(agents) == {"greeter"}
    assert logged in caplog.text


def test_a_hook_that_raises_is_logged_and_its_plugin_s_agents_skipped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Failing:
        @hookimpl
        def register_agents(self, register: AgentRegistrar) -> None:
            register(Greeter())
            raise RuntimeError("database unreachable")

    class Other(Greeter):
        name = "other"

    with caplog.at_level(logging.ERROR):
        agents = build((Failing(), "acme-failing"), (Plugin(Other()), "acme-other"))

    assert set(agents) == {"other"}  # not even the greeter it registered before raising
    assert "'acme-failing" in caplog.text
    assert "raised in register_agents" in caplog.text
    assert "database unreachable" in caplog.text


def test_a_misspelt_hook_fails_the_start_naming_the_plugin_and_the_hooks() -> None:
    class Misspelt:
        @hookimpl
        def register_agent(self, register: AgentRegistrar) -> None:  # the s is missing
            register(Greeter())

    with pytest.raises(PluginError, match=r"acme-typo implements a hook .* hooks: register_agents"):
        build((Misspelt(), "acme-typo"))


def test_bhiv_agents_warns_of_a_name_no_plugin_provides(caplog: pytest.LogCaptureFixture) -> None:
    agents = build((Plugin(Greeter()), "acme"), BHIV_AGENTS="greeter,grreter")

    assert set(agents) == {"greeter"}
    assert "BHIV_AGENTS names agent 'grreter', which no plugin provides" in caplog.text


def test_the_catalog_hands_out_the_registered_agent_objects() -> None:
    greeter = Greeter()

    catalog = load_catalog({}, plugins=[(Plugin(greeter), "acme")], from_entry_points=False)

    assert catalog.agents()["greeter"] is greeter
