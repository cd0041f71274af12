"""``bhiv agents list`` prints the catalog, one line per agent or as JSON."""

import json
import subprocess
import sys


def bhiv(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "apps.cli", *args], capture_output=True, text=True, check=True
    )
    return done.stdout


TWELVE = (
    "vedas", "edumentor", "wellness", "knowledge", "image", "audio",
    "text", "qna", "summarizer", "planner", "filesearch", "orchestrator",
)  # fmt: skip


def test_agents_list_prints_name_version_distribution_and_title_per_agent() -> None:
    lines = {line.split()[0]: line.split() for line in bhiv("agents", "list").splitlines()}

    assert lines["qna"][:3] == ["qna", "0.1.0", "bhiv-core"]
    assert " ".join(lines["summarizer"][3:]) == "Summariser"
    assert " ".join(lines["image"][3:]) == "Image analysis"
    assert lines["audio"][:4] == ["audio", "0.1.0", "bhiv-core", "Audio"]
    assert " ".join(lines["edumentor"][3:]) == "EduMentor"
    assert " ".join(lines["wellness"][3:]) == "Wellness"
    assert set(lines) == set(TWELVE), "the twelve built-in agents, nothing else installed"
    assert all(line[1] == "0.1.0" for line in lines.values())


def test_agents_list_json_is_the_catalog_s_info() -> None:
    agents = {agent["name"]: agent for agent in json.loads(bhiv("agents", "list", "--json"))}

    assert agents["text"]["distribution"] == "bhiv-core"
    assert agents["qna"]["permission"] == "agents:use"
    assert agents["qna"]["examples"]
