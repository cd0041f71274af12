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


WebhooksEvent = WebhooksSubscriptionDisabled
"""The union consumers decode (one type so far)."""
