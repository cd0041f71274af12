"""The LLM service's own rules that need no model: content safety, token estimates."""
