"""Alembic migrations of the relational store (``env.py`` and ``versions/``)."""
