"""Threat events, blocks and alerts as admins manage them."""
