"""The rules of outbound webhooks that need no server: event wildcards, the retry schedule, the
endpoint policy's refusals, and the seal key ``bhiv up`` makes for the embedded setup."""

import argparse
import stat
from datetime import timedelta
from pathlib import Path

import pytest

from adapters.webhooks.guard import EndpointPolicy, Target
from adapters.webhooks.sealing import AesGcmSecretSealer, seal_key_of
from adapters.webhooks.sender import request_url, retry_after
from adapters.webhooks.settings import IntegrationsSettings
from apps._shared.settings import load_platform_settings
from apps.cli import _embedded
from core.domain.errors import Forbidden, RuleViolated
from core.domain.webhooks.model import RetrySchedule, UnsafeEndpoint, checked_patterns, matches
from core.ports.webhooks import SealBroken


@pytest.mark.parametrize(
    ("pattern", "event_type", "wanted"),
    [
        ("*", "crm.ticket_created", True),
        ("logistics.*", "logistics.order_placed", True),
        ("logistics.order_*", "logistics.order_shipped", True),
        ("logistics.order_*", "logistics.stock_low", False),
        ("logistics.stock_low", "logistics.stock_low", True),
        ("logistics.*", "crm.ticket_created", False),
    ],
)
def test_wildcards_match_on_the_wire_type(pattern: str, event_type: str, wanted: bool) -> None:
    assert matches(pattern, event_type) is wanted


def test_security_events_need_their_creator_to_see_them() -> None:
    assert checked_patterns(["threat.*", "identity.login_failed", "*"], sees_security=True)
    with pytest.raises(Forbidden):
        checked_patterns(["identity.*"], sees_security=False)
    for bad in (["*.x"], ["logistics"], ["Logistics.*"], ["a.b.c"], ["logistics.*x"], []):
        with pytest.raises(RuleViolated):
            checked_patterns(bad, sees_security=True)


def test_the_default_schedule_is_standard_webhooks_example_stretched_by_jitter_and_retry_after() -> None:
    schedule = RetrySchedule()
    waits = [schedule.next_wait(n, 0.0) for n in range(9)]

    assert waits == [timedelta(seconds=s) for s in (0, 5, 300, 1800, 7200, 18000, 36000, 36000)] + [None]
    assert schedule.next_wait(1, 0.999) == timedelta(seconds=5 * 1.0999)
    assert schedule.next_wait(1, 0.0, retry_after=90) == timedelta(seconds=90)
    assert schedule.next_wait(2, 0.0, retry_after=10) == timedelta(seconds=300)
    assert retry_after("120") == 120.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert retry_after("soon") is None


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "https://169.254.169.254/",
        "https://10.0.0.1/",
        "https://192.168.1.5/",
        "https://[::1]/",
        "https://[fd12::1]/",
        "https://[::ffff:127.0.0.1]/",
        "https://100.64.0.1/",
        "https://0.0.0.0/",
        "http://93.184.215.14/",
        "https://localhost/",
    ],
)
async def test_the_policy_refuses_internal_addresses_and_plain_http(url: str) -> None:
    with pytest.raises(UnsafeEndpoint):
        await EndpointPolicy([]).target(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:18999//127.0.0.2:18998/internal",  # "//host" joined would name that host
        "https://example.com//10.0.0.1:6379/x",
        "http://127.0.0.1:18999/a\r\nX-Injected: 1",
    ],
)
async def test_a_path_that_could_name_another_host_or_holds_controls_is_refused(url: str) -> None:
    with pytest.raises(UnsafeEndpoint):
        await EndpointPolicy(["127.0.0.1/32"]).target(url)


def test_the_request_goes_to_the_vetted_address_whatever_the_path() -> None:
    target = Target(scheme="http", host="127.0.0.1", address="127.0.0.1", port=18999, path="//10.0.0.1/x?a=1")

    assert str(request_url(target)) == "http://127.0.0.1:18999//10.0.0.1/x?a=1"
    assert request_url(target).host == "127.0.0.1"


async def test_an_allowlisted_address_is_reached_at_the_address_found() -> None:
    target = await EndpointPolicy(["127.0.0.1/32"]).target("http://127.0.0.1:8080/hooks?x=1")

    assert (target.address, target.port, target.path, target.host) == (
        "127.0.0.1",
        8080,
        "/hooks?x=1",
        "127.0.0.1",
    )


def test_a_sealed_secret_opens_only_with_its_key_and_its_subscription() -> None:
    key = seal_key_of(IntegrationsSettings(seal_key="A" * 43))
    assert key is not None
    sealer = AesGcmSecretSealer(key)
    sealed = sealer.seal("whsec_abc", bound_to="sub-1")

    assert sealer.open(sealed, bound_to="sub-1") == "whsec_abc"
    with pytest.raises(SealBroken):
        sealer.open(sealed, bound_to="sub-2")
    with pytest.raises(ValueError, match="32 bytes"):
        seal_key_of(IntegrationsSettings(seal_key="c2hvcnQ"))


def test_bhiv_up_makes_a_seal_key_for_the_embedded_database_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BHIV_DATABASE_URL", raising=False)
    args = argparse.Namespace(data_dir=tmp_path / ".bhiv", host=None)

    embedded = _embedded(load_platform_settings({}), args)
    again = _embedded(load_platform_settings({}), args)
    monkeypatch.setenv("BHIV_DATABASE_URL", "postgresql+asyncpg://db/bhiv")
    environ = {"BHIV_DATABASE_URL": "postgresql+asyncpg://db/bhiv", "BHIV_AUTH_MASTER_KEY": "A" * 43}
    elsewhere = _embedded(load_platform_settings(environ), args)

    key_file = tmp_path / ".bhiv" / "integrations.key"
    assert embedded.integrations.seal_key_file == str(key_file.resolve())
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert seal_key_of(again.integrations) == seal_key_of(embedded.integrations) is not None
    assert elsewhere.integrations.seal_key_file is None
