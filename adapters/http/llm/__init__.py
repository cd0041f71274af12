"""The LLM service's HTTP surface: OpenAI's API, and usage."""
