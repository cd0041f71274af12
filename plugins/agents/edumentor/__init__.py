"""Lessons from the knowledge base at the learner's level, quizzes on them, and graded answers."""

from plugins.agents.edumentor.agent import EduMentorAgent, EduMentorOptions
from plugins.spec import AgentRegistrar, hookimpl

__all__ = ["EduMentorAgent", "EduMentorOptions"]


@hookimpl
def register_agents(register: AgentRegistrar) -> None:
    register(EduMentorAgent())
