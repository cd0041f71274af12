"""What an uploaded image is: its format, size and colours, the text in it, read by OCR."""

from plugins.agents.image.agent import ImageAgent, ImageOptions
from plugins.spec import AgentRegistrar, hookimpl

__all__ = ["ImageAgent", "ImageOptions"]


@hookimpl
def register_agents(register: AgentRegistrar) -> None:
    register(ImageAgent())
