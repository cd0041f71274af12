"""Every hook is documented and tested (as datasette does): a new hookspec fails here until
docs/plugins.md has a section for it and a test in tests/plugins/ calls it by name."""

from pathlib import Path

import pytest

from plugins import spec

ROOT = Path(__file__).parents[2]
HOOKS = sorted(name for name in dir(spec) if hasattr(getattr(spec, name), f"{spec.PROJECT}_spec"))


def test_there_are_hooks() -> None:
    assert HOOKS == ["register_agents"]


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_section_in_the_plugin_docs(hook: str) -> None:
    assert f"### {hook}(" in (ROOT / "docs" / "plugins.md").read_text()


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_implemented_in_a_test(hook: str) -> None:
    tests = [p for p in Path(__file__).parent.rglob("*.py") if p.name != Path(__file__).name]
    assert any(f"def {hook}(" in p.read_text() for p in tests)


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_docstring(hook: str) -> None:
    assert getattr(spec, hook).__doc__
