"""Orchestration's agents: the crisis screen, routing, sessions and runs (issue 15)."""
