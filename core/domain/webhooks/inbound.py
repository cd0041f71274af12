"""Inbound webhooks: carriers' tracking updates, signed as Standard Webhooks sign (decision 0041)."""

from datetime import datetime, timedelta

import msgspec

from core.domain.audit.model import Invocation
from core.domain.errors import Conflict, NotFound, RuleViolated, Unauthenticated
from core.domain.events import publish
from core.domain.webhooks.events import WebhooksCarrierUpdateReceived
from core.domain.webhooks.signing import SECRET_PREFIX, verified
from core.ports.clock import Clock, IdGenerator
from core.ports.webhooks import WebhooksUnitOfWork

TRACKING_STATUSES = ("picked", "in_transit", "delivered", "exception")
MAX_ID = 200


class CarrierKeys(msgspec.Struct, frozen=True, kw_only=True):
    """Each carrier's signing secret (``whsec_...``), by lower-case name, and how far a
    message's timestamp may be from now."""

    secrets: dict[str, str]
    tolerance_seconds: float = 300.0

    def __post_init__(self) -> None:
        bad = [name for name, secret in self.secrets.items() if not secret.startswith(SECRET_PREFIX)]
        if bad:
            raise ValueError(f"carrier secrets must start with {SECRET_PREFIX}: {', '.join(sorted(bad))}")

    def secret_of(self, carrier: str) -> str:
        secret = self.secrets.get(carrier.lower())
        if secret is None:
            raise NotFound(f"no carrier {carrier!r} is configured", carrier=carrier)
        return secret


class SignatureRefused(Unauthenticated):
    code = "invalid_signature"


class StaleTimestamp(Unauthenticated):
    code = "stale_timestamp"


class ReplayedMessage(Conflict):
    code = "replayed_message"


class SignedMessage(msgspec.Struct, frozen=True, kw_only=True):
    """The request as received: the three ``webhook-*`` headers and the raw body."""

    message_id: str | None
    timestamp: str | None
    signature: str | None
    body: bytes


class CarrierUpdate(msgspec.Struct, frozen=True, kw_only=True):
    tracking_number: str
    status: str
    location: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        if self.status not in TRACKING_STATUSES:
            raise RuleViolated(f"status is one of {', '.join(TRACKING_STATUSES)}", given=self.status)
        if not 1 <= len(self.tracking_number.strip()) <= 100:
            raise RuleViolated("tracking_number: 1 to 100 characters")
        if len(self.location) > 200 or len(self.note) > 1000:
            raise RuleViolated("location is at most 200 characters, note at most 1000")


_decode = msgspec.json.Decoder(CarrierUpdate).decode


def _timestamp(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise SignatureRefused("webhook-timestamp is not a Unix time in seconds") from None


class ReceiveCarrierUpdate:
    """- Public (carriers hold no platform token): the request is signed as Standard Webhooks
      sign (`webhook-id`, `webhook-timestamp`, `webhook-signature` `v1,<base64 HMAC-SHA256>`)
      with the carrier's secret from `BHIV_CARRIER_SECRETS`; an unknown carrier is 404, a
      missing or wrong signature 401 `invalid_signature` (compared in constant time).
    - The timestamp must be within `BHIV_CARRIER_TOLERANCE_SECONDS` (300) of now, else 401
      `stale_timestamp`; a `webhook-id` seen before from that carrier is 409 `replayed_message`
      (ids are kept until their timestamp would be refused anyway).
    - The body is `{"tracking_number", "status", "location", "note"}`, status one of picked,
      in_transit, delivered, exception (422 otherwise). Accepted updates are published as
      `webhooks.carrier_update_received`; logistics applies them to the carrier's shipment."""

    def __init__(self, uow: WebhooksUnitOfWork, keys: CarrierKeys, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._keys, self._clock, self._ids = uow, keys, clock, ids

    async def execute(self, carrier: str, message: SignedMessage, by: Invocation) -> None:
        secret = self._keys.secret_of(carrier)
        if not (message.message_id and message.timestamp and message.signature):
            raise SignatureRefused("webhook-id, webhook-timestamp and webhook-signature are required")
        if len(message.message_id) > MAX_ID:
            raise SignatureRefused(f"webhook-id is at most {MAX_ID} characters")
        timestamp = _timestamp(message.timestamp)
        if not verified(secret, message.message_id, timestamp, message.body, message.signature):
            raise SignatureRefused("the signature does not match this carrier's secret")
        now = self._clock.now()
        tolerance = self._keys.tolerance_seconds
        if abs(now.timestamp() - timestamp) > tolerance:
            raise StaleTimestamp(f"webhook-timestamp is more than {tolerance:g} s from now")
        try:
            update = _decode(message.body)
        except msgspec.ValidationError as error:
            raise RuleViolated(f"the body is not a tracking update: {error}") from None
        except msgspec.DecodeError:
            raise RuleViolated("the body is not JSON") from None
        name = carrier.lower()
        expires = datetime.fromtimestamp(timestamp, now.tzinfo) + timedelta(seconds=tolerance)
        async with self._uow as uow:
            await uow.receipts.purge_expired(now)
            if not await uow.receipts.add_if_absent(name, message.message_id, expires):
                raise ReplayedMessage(f"message {message.message_id!r} was received already")
            event = WebhooksCarrierUpdateReceived(
                carrier=name, message_id=message.message_id, **msgspec.structs.asdict(update)
            )
            publish(uow, event, self._ids.new_id(), now, by.correlation_id)
            await uow.commit()
