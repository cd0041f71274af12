"""Orchestration's agent runs."""
