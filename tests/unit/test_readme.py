"""The README's configuration table lists exactly the variables the code reads."""

import re
from pathlib import Path

import msgspec

from apps._shared.settings import SECTIONS

README = Path(__file__).parents[2] / "README.md"


def variables_read_by_the_code() -> set[str]:
    return {
        prefix + field.encode_name.upper()
        for cls, prefix in SECTIONS.values()
        for field in msgspec.structs.fields(cls)
    }


def test_every_setting_is_documented_and_every_documented_setting_exists() -> None:
    documented = set(re.findall(r"^\| `(BHIV_[A-Z0-9_]+)` \|", README.read_text(), re.MULTILINE))
    assert documented == variables_read_by_the_code()


def test_the_quickstart_is_two_commands_one_starting_the_platform() -> None:
    quickstart = README.read_text().split("## Quickstart", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line for line in quickstart.strip().splitlines() if line.strip()]
    assert len(commands) == 2
    assert "bhiv up" in commands[0]
    assert "pytest" in commands[1]


def test_no_two_settings_read_the_same_variable() -> None:
    # Prefixes nest (BHIV_LLM_, BHIV_LLM_CLIENT_): one variable setting two fields would be a trap.
    read = [
        prefix + field.encode_name.upper()
        for cls, prefix in SECTIONS.values()
        for field in msgspec.structs.fields(cls)
    ]
    assert len(read) == len(set(read)), sorted(name for name in read if read.count(name) > 1)
