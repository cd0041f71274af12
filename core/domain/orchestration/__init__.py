"""Orchestration's events (the context's wire name); its agent logic is in ``core.domain.agents``."""
