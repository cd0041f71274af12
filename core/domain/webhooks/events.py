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


WebhooksEvent = WebhooksSubscriptionDisabled | WebhooksCarrierUpdateReceived
"""The union consumers decode."""
