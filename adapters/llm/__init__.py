"""Language-model providers behind the LLM port: hosted and local HTTP APIs."""
