"""Two integrations replicas on one Redis bus and one database: each logistics event reaches the
receiver once, whichever replica consumed it and whichever sent it."""

from contextlib import AsyncExitStack

import msgspec
import pytest
from litestar.testing import AsyncTestClient
from standardwebhooks import Webhook

from adapters.redis.settings import RedisSettings
from apps._shared.settings import PlatformSettings
from apps.services import create_service_app
from core.domain.access import Principal, Role, permissions_for
from tests.contracts.redis_fixtures import open_redis_backend
from tests.http.webhooks_kit import webhook_settings
from tests.support.principals import mint_token
from tests.support.webhook_receiver import WebhookReceiver, wait_for

pytestmark = pytest.mark.redis
OPS = Principal(subject="ops-1", kind="user", role=Role.OPS, permissions=permissions_for(Role.OPS))


async def test_two_replicas_on_one_redis_deliver_each_event_once(
    settings: PlatformSettings, redis_url: str
) -> None:
    backend = await open_redis_backend(redis_url)
    receiver = WebhookReceiver().start()
    on_redis = msgspec.structs.replace(
        webhook_settings(settings), redis=RedisSettings(url=redis_url, key_prefix=backend.key_prefix)
    )
    minter = create_service_app("llm", on_redis)
    try:
        ops = {"Authorization": f"Bearer {await mint_token(minter, OPS)}"}
        async with AsyncExitStack() as stack:
            logistics, first, second = [
                await stack.enter_async_context(AsyncTestClient(create_service_app(name, on_redis)))
                for name in ("logistics", "integrations", "integrations")
            ]
            created = await first.post(
                "/v1/webhooks",
                json={"url": receiver.url, "events": ["logistics.product_created"]},
                headers=ops,
            )
            assert created.status_code == 201, created.text
            for n in range(6):
                body = {"sku": f"R-{n}", "name": "Chair", "unit_price": "1.00", "currency": "INR",
                        "reorder_point": 1, "reorder_quantity": 2}  # fmt: skip
                added = await logistics.post("/v1/products", json=body, headers=ops)
                assert added.status_code == 201, added.text

            async def all_delivered() -> bool:
                page = await second.get(f"/v1/webhooks/{created.json()['id']}/messages", headers=ops)
                items = page.json()["items"]
                return len(items) == 6 and {m["status"] for m in items} == {"delivered"}

            await wait_for(all_delivered, within=20)
    finally:
        receiver.stop()
        await minter.state.dishka_container.close()
        await backend.delete_keys()
        await backend.client.aclose()

    ids = [r.headers["webhook-id"] for r in receiver.requests]
    assert len(ids) == len(set(ids)) == 6
    skus = [
        Webhook(created.json()["secret"]).verify(r.body, r.headers)["data"]["sku"] for r in receiver.requests
    ]
    assert sorted(skus) == [f"R-{n}" for n in range(6)]
