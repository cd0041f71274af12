"""What outbound webhooks publish (stream ``webhooks``); the integrations service does not send
these to webhooks itself: they concern one subscription's owner only."""

from core.domain.events import DomainEvent


class WebhooksSubscriptionDisabled(
    DomainEvent, frozen=True, kw_only=True, tag="webhooks.subscription_disabled"
):
    """The platform stopped sending to a subscription: its endpoint answered 410 Gone, or failed
    for longer than `BHIV_WEBHOOK_DISABLE_AFTER_SECONDS`. For notifying its owner."""

    subscription_id: str
    owner: str
    reason: str


class WebhooksCarrierUpdateReceived(
    DomainEvent, frozen=True, kw_only=True, tag="webhooks.carrier_update_received"
):
    """A carrier's signed tracking update, verified (signature, timestamp, not replayed) at
    `POST /api/integrations/v1/inbound/carriers/{carrier}`; logistics applies it to the carrier's
    shipment with that tracking number."""

    carrier: str
    """The carrier's name as configured in `BHIV_CARRIER_SECRETS` (lower case)."""
    message_id: str
    """The carrier's `webhook-id`."""
    tracking_number: str
    status: str
    """picked, in_transit, delivered or exception."""
    location: str = ""
    note: str = ""


class WebhooksMessageDeadLettered(
    DomainEvent, frozen=True, kw_only=True, tag="webhooks.message_dead_lettered"
):
    """A message's last attempt failed (or the endpoint refused it for good): it is on the
    subscription's dead-letter list. For alerting its owner or operators (notification rules)."""

    subscription_id: str
    owner: str
    message_id: str
    event_id: str
    event_type: str
    failure: str
    """endpoint (the receiver failed) or platform (the seal key could not open the secret)."""
    last_error: str


WebhooksEvent = WebhooksSubscriptionDisabled | WebhooksCarrierUpdateReceived | WebhooksMessageDeadLettered
"""The union consumers decode."""
