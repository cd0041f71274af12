"""Audio: a recording transcribed or measured, or a text spoken into an audio file."""

from plugins.agents.audio.agent import AudioAgent, AudioOptions
from plugins.spec import AgentRegistrar, hookimpl

__all__ = ["AudioAgent", "AudioOptions"]


@hookimpl
def register_agents(register: AgentRegistrar) -> None:
    register(AudioAgent())
