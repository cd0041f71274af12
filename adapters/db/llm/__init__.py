"""The LLM service's tables: one usage record per request."""
