"""Orchestration's agents over HTTP: the catalog, queries, explicit runs, sessions, runs."""
