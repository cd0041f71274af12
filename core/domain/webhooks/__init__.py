"""Outbound webhooks: subscriptions to the platform's events and their signed delivery."""
