"""Settings come from BHIV_* variables; a bad one stops start-up with one line naming it."""

import argparse
from pathlib import Path

import msgspec
import pytest

from apps._shared.config import ConfigError, load_settings, redact_url
from apps._shared.settings import load_platform_settings
from apps.cli import _embedded


class VaultSettings(msgspec.Struct, frozen=True):
    address: str
    api_token: int
    retries: int = 3
    verify: bool = True


def test_values_are_converted_leniently_from_text() -> None:
    settings = load_settings(
        VaultSettings,
        "BHIV_VAULT_",
        {"BHIV_VAULT_ADDRESS": "vault:8200", "BHIV_VAULT_API_TOKEN": "7", "BHIV_VAULT_VERIFY": "false"},
    )
    assert settings == VaultSettings(address="vault:8200", api_token=7, retries=3, verify=False)


def test_a_missing_required_value_names_the_variable() -> None:
    with pytest.raises(ConfigError, match=r"^BHIV_VAULT_ADDRESS is required but not set$"):
        load_settings(VaultSettings, "BHIV_VAULT_", {})


def test_a_malformed_value_names_the_variable_and_the_value() -> None:
    env = {"BHIV_VAULT_ADDRESS": "a", "BHIV_VAULT_API_TOKEN": "1", "BHIV_VAULT_RETRIES": "often"}
    with pytest.raises(ConfigError, match=r"^BHIV_VAULT_RETRIES='often' is invalid"):
        load_settings(VaultSettings, "BHIV_VAULT_", env)


def test_a_malformed_secret_is_never_echoed() -> None:
    env = {"BHIV_VAULT_ADDRESS": "a", "BHIV_VAULT_API_TOKEN": "s3cr3t-value"}
    with pytest.raises(ConfigError) as raised:
        load_settings(VaultSettings, "BHIV_VAULT_", env)
    assert "BHIV_VAULT_API_TOKEN" in str(raised.value)
    assert "s3cr3t-value" not in str(raised.value)


def test_the_platform_defaults_to_the_embedded_setup() -> None:
    settings = load_platform_settings({})
    assert settings.database.url.startswith("sqlite+aiosqlite:///")
    assert settings.redis.url is None


def test_platform_settings_read_each_adapters_prefix() -> None:
    settings = load_platform_settings(
        {
            "BHIV_DATABASE_URL": "postgresql+asyncpg://u:p@db/bhiv",
            "BHIV_REDIS_URL": "redis://cache:6379/0",
            "BHIV_HTTP_MAX_BODY_BYTES": "2048",
            "BHIV_OTLP_ENDPOINT": "http://collector:4318/v1/traces",
        }
    )
    assert settings.database.url == "postgresql+asyncpg://u:p@db/bhiv"
    assert settings.redis.url == "redis://cache:6379/0"
    assert settings.http.max_body_bytes == 2048
    assert settings.observability.otlp_endpoint == "http://collector:4318/v1/traces"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql+asyncpg://bhiv:hunter2@db:5432/bhiv", "postgresql+asyncpg://bhiv:***@db:5432/bhiv"),
        ("redis://:hunter2@cache:6379/0", "redis://:***@cache:6379/0"),
        ("sqlite+aiosqlite:///.bhiv/bhiv.db", "sqlite+aiosqlite:///.bhiv/bhiv.db"),
    ],
)
def test_urls_are_shown_without_their_password(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_bhiv_up_allowlists_loopback_unless_told_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A laptop's own scripts are refused when they attack, never blocked (a burst of ten
    requests once blocked 127.0.0.1 as a rate anomaly)."""
    for variable in ("BHIV_THREAT_ALLOWLIST", "BHIV_DATABASE_URL"):
        monkeypatch.delenv(variable, raising=False)
    args = argparse.Namespace(data_dir=tmp_path / ".bhiv", host=None)

    default = _embedded(load_platform_settings({}), args)
    monkeypatch.setenv("BHIV_THREAT_ALLOWLIST", "10.0.0.0/8")
    chosen = _embedded(load_platform_settings({"BHIV_THREAT_ALLOWLIST": "10.0.0.0/8"}), args)

    assert default.threat.allowlist == ["127.0.0.0/8", "::1/128"]
    assert chosen.threat.allowlist == ["10.0.0.0/8"]
