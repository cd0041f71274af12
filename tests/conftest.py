"""Shared test fixtures and the rule that no server variant is silently skipped.

Tests that need PostgreSQL carry ``@pytest.mark.postgres`` (or a ``pytest.param`` with that
mark) and take the ``postgres_dsn`` fixture; likewise ``redis`` / ``redis_url``. Without
``BHIV_TEST_POSTGRES_DSN`` / ``BHIV_TEST_REDIS_URL`` those variants skip; with them set, a
skipped or absent variant fails the whole run. ``speech`` tests (the optional speech extra) are
held to the same rule when ``BHIV_TEST_SPEECH`` is set, and ``media`` tests (the Debian engines
espeak-ng and tesseract with its language data, lame, the Noto fonts) when ``BHIV_TEST_MEDIA`` is.
"""

import os
from collections import Counter
from collections.abc import AsyncIterator

import pytest

from tests.support.postgres import fresh_database

SERVER_VARIANTS = {
    "postgres": "BHIV_TEST_POSTGRES_DSN",
    "redis": "BHIV_TEST_REDIS_URL",
    # Not a server: the speech extra's engines. CI sets it after installing the extra.
    "speech": "BHIV_TEST_SPEECH",
    # Nor this: the Debian media engines and fonts. CI sets it after installing them.
    "media": "BHIV_TEST_MEDIA",
}
_outcomes: Counter[tuple[str, str]] = Counter()


@pytest.fixture(scope="session")
def postgres_dsn() -> str:
    """SQLAlchemy URL of a PostgreSQL server, e.g. postgresql+asyncpg://postgres@127.0.0.1/test."""
    dsn = os.environ.get("BHIV_TEST_POSTGRES_DSN")
    if not dsn:
        pytest.skip("BHIV_TEST_POSTGRES_DSN is not set")
    return dsn


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("BHIV_TEST_REDIS_URL")
    if not url:
        pytest.skip("BHIV_TEST_REDIS_URL is not set")
    return url


@pytest.fixture
async def fresh_postgres_url(postgres_dsn: str) -> AsyncIterator[str]:
    """An empty database of its own on the test server, dropped after the test."""
    async with fresh_database(postgres_dsn) as url:
        yield url


def _variants(item: pytest.Item) -> list[str]:
    return [name for name in SERVER_VARIANTS if item.get_closest_marker(name)]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        for variant in _variants(item):
            _outcomes[(variant, report.outcome)] += 1


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for variant, env_var in SERVER_VARIANTS.items():
        passed, skipped = _outcomes[(variant, "passed")], _outcomes[(variant, "skipped")]
        failed = _outcomes[(variant, "failed")]
        terminalreporter.write_line(
            f"server variant {variant}: {passed} passed, {failed} failed, {skipped} skipped"
        )
        if os.environ.get(env_var) and (skipped or not passed):
            terminalreporter.write_line(
                f"ERROR: {env_var} is set but {variant} tests were skipped or none ran", red=True
            )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    for variant, env_var in SERVER_VARIANTS.items():
        if not os.environ.get(env_var):
            continue
        if _outcomes[(variant, "skipped")] or not _outcomes[(variant, "passed")]:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
