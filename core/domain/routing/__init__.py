"""Choosing an upstream: balancing strategies, health, circuit breaking and retries (pure)."""
