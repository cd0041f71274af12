"""The LLM service's own rules: content safety of prompts and answers."""
