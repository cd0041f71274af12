"""The LLM service's use cases: one class per use case, each with ``execute``."""
