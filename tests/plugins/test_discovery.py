"""Agents are found through the ``bhiv.agents`` entry points, a pip install away.

Each test installs a package with pip into a directory of its own and asks a fresh interpreter
for the catalog with that directory on ``PYTHONPATH``, exactly as a deployment would find it.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).parent
CATALOG_AS_JSON = (
    "import msgspec; from plugins.manager import load_catalog; "
    "print(msgspec.json.encode(load_catalog().info()).decode())"
)


def install(package: str, into: Path) -> Path:
    source = into / "source"
    shutil.copytree(HERE / package, source)  # builds leave files behind: not in the repository
    target = into / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(target), str(source)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return target


def catalog(path: Path | None = None, **environ: str) -> tuple[dict[str, dict[str, Any]], str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "BHIV_AGENTS")}
    env |= environ | ({"PYTHONPATH": str(path)} if path else {})
    done = subprocess.run(
        [sys.executable, "-c", CATALOG_AS_JSON], env=env, capture_output=True, text=True, check=True
    )
    return {agent["name"]: agent for agent in json.loads(done.stdout)}, done.stderr


@pytest.fixture(scope="module")
def echo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return install("sample_agent", tmp_path_factory.mktemp("echo"))


@pytest.fixture(scope="module")
def broken_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return install("broken_agent", tmp_path_factory.mktemp("broken"))


def test_an_installed_package_s_agent_is_in_the_catalog_with_its_version_and_distribution(
    echo_site: Path,
) -> None:
    agents, _ = catalog(echo_site)

    assert agents["echo"]["version"] == "1.2.0"
    assert agents["echo"]["distribution"] == "bhiv-sample-echo"
    assert agents["echo"]["title"] == "Echo"
    assert agents["echo"]["permission"] == "agents:use"


def test_without_the_package_its_agent_is_gone_and_the_built_in_ones_remain() -> None:
    agents, _ = catalog()

    assert "echo" not in agents
    built_in = ("edumentor", "qna", "summarizer", "text", "wellness")
    assert set(built_in) <= agents.keys()
    assert {agents[name]["distribution"] for name in built_in} == {"bhiv-core"}


def test_bhiv_agents_limits_the_catalog_to_the_names_it_lists(echo_site: Path) -> None:
    agents, _ = catalog(echo_site, BHIV_AGENTS="echo, qna")

    assert set(agents) == {"echo", "qna"}


def test_an_empty_bhiv_agents_loads_no_agent(echo_site: Path) -> None:
    agents, _ = catalog(echo_site, BHIV_AGENTS="")

    assert agents == {}


def test_a_package_that_fails_to_import_is_logged_and_skipped(broken_site: Path, echo_site: Path) -> None:
    agents, log = catalog(Path(f"{broken_site}{os.pathsep}{echo_site}"))

    assert "echo" in agents
    assert "qna" in agents
    assert "agent plugin 'broken' from bhiv-sample-broken failed to import; skipped" in log
    assert "needs a library that is not installed" in log
