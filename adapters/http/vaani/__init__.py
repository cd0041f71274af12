"""Vaani's HTTP surface on the orchestration service (``/v1/vaani/...``) and its file store
(``/v1/files``)."""
