"""Readable log lines for a person at a terminal, JSON for collectors: ``BHIV_LOG_FORMAT``."""

import io
import json
import logging
from collections.abc import Iterator

import pytest

from adapters.http.context import correlation_id, service_name
from apps._shared.config import ConfigError
from apps._shared.observability import configure_logging
from apps._shared.settings import ObservabilitySettings, load_platform_settings


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def restore_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def log_one_request_line(log_format: str, stream: io.StringIO) -> str:
    configure_logging(ObservabilitySettings(log_format=log_format), stream)  # type: ignore[arg-type]
    cid_token, service_token = correlation_id.set("5f0c1d2e3f405162"), service_name.set("logistics")
    try:
        logging.getLogger("bhiv.access").info(
            "%s %s %s",
            "GET",
            "/v1/whoami",
            200,
            extra={"http": {"method": "GET", "route": "/v1/whoami", "status": 200, "duration_ms": 1.8}},
        )
    finally:
        correlation_id.reset(cid_token)
        service_name.reset(service_token)
    return stream.getvalue()


@pytest.mark.parametrize(("log_format", "stream"), [("auto", Terminal), ("text", io.StringIO)])
def test_a_terminal_gets_readable_lines_with_the_correlation_id(log_format: str, stream: type) -> None:
    line = log_one_request_line(log_format, stream()).rstrip("\n")

    assert not line.startswith("{")
    assert "\n" not in line
    assert " INFO " in line
    assert "logistics" in line
    assert "bhiv.access" in line
    assert "GET /v1/whoami 200" in line
    assert "http.duration_ms=1.8" in line
    assert "http.method" not in line  # already said by the message
    assert "cid=5f0c1d2e3f405162" in line


@pytest.mark.parametrize(("log_format", "stream"), [("auto", io.StringIO), ("json", Terminal)])
def test_anything_else_gets_json_lines_with_the_correlation_id(log_format: str, stream: type) -> None:
    entry = json.loads(log_one_request_line(log_format, stream()))

    assert entry["msg"] == "GET /v1/whoami 200"
    assert entry["service"] == "logistics"
    assert entry["correlation_id"] == "5f0c1d2e3f405162"
    assert entry["http"]["duration_ms"] == 1.8


def test_an_exception_follows_its_text_line() -> None:
    stream = Terminal()
    configure_logging(ObservabilitySettings(log_format="auto"), stream)
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("bhiv.test").exception("failed")
    first, *rest = stream.getvalue().splitlines()
    assert first.endswith("bhiv.test  failed")
    assert rest[-1] == "ValueError: boom"


def test_the_format_is_a_setting_defaulting_to_auto() -> None:
    assert load_platform_settings({}).observability.log_format == "auto"
    assert load_platform_settings({"BHIV_LOG_FORMAT": "json"}).observability.log_format == "json"
    with pytest.raises(ConfigError, match=r"^BHIV_LOG_FORMAT='yaml' is invalid"):
        load_platform_settings({"BHIV_LOG_FORMAT": "yaml"})


def test_uvicorns_coloured_copy_of_the_message_is_left_out() -> None:
    stream = Terminal()
    configure_logging(ObservabilitySettings(log_format="auto"), stream)
    logging.getLogger("uvicorn.error").info("Started", extra={"color_message": "\x1b[36mStarted\x1b[0m"})
    assert stream.getvalue().rstrip("\n").endswith("uvicorn.error  Started")
