"""The gateway's routing to the services: configuration, proxy, health checks, rate limits."""
