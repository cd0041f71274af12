"""The knowledge base: documents an agent may quote, each readable by its owner, or by everyone
who uses agents when shared."""
