"""docs/events.md lists every published wire type with its schema; this test keeps the two equal
and every event class true to the naming convention (decision 0021).

Run ``python -m tests.unit.test_events_doc`` to rewrite the list after changing an event.
"""

import importlib
import inspect
import pkgutil
import re
from pathlib import Path
from typing import Any

import msgspec

import core.domain
from core.domain.events import DomainEvent

DOC = Path(__file__).resolve().parents[2] / "docs" / "events.md"
BLOCK = re.compile(r"(<!-- events:start -->\n)(.*?)(<!-- events:end -->)", re.S)


def event_classes() -> list[type[DomainEvent]]:
    found: dict[str, type[DomainEvent]] = {}
    for module_info in pkgutil.iter_modules(core.domain.__path__):
        try:
            module = importlib.import_module(f"core.domain.{module_info.name}.events")
        except ModuleNotFoundError:
            continue
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, DomainEvent) and cls is not DomainEvent and cls.__module__ == module.__name__:
                found[str(cls.__struct_config__.tag)] = cls
    return [found[tag] for tag in sorted(found)]


def _type_name(annotation: Any) -> str:
    text = getattr(annotation, "__name__", None) or str(annotation)
    return text.replace("typing.", "").replace("NoneType", "null").replace(" | ", " or ")


def events_list() -> str:
    lines = []
    for cls in event_classes():
        tag = str(cls.__struct_config__.tag)
        own = inspect.cleandoc(cls.__doc__) if "__doc__" in vars(cls) and cls.__doc__ else ""
        lines += [f"### `{tag}`", "", *([own, ""] if own else [])]
        lines += ["| field | type | notes |", "| --- | --- | --- |", "| `type` | string | this wire type |"]
        docs = _field_docs(cls)
        for field in msgspec.structs.fields(cls):
            kind = _type_name(field.type) + ("" if field.required else ", optional")
            lines.append(f"| `{field.encode_name}` | {kind} | {docs.get(field.name, '')} |")
        lines.append("")
    return "\n".join(lines).replace("\n\n\n", "\n\n")


def _field_docs(cls: type) -> dict[str, str]:
    """The docstring under each field (``name: type`` then ``\"\"\"text\"\"\"``), on one line."""
    source = inspect.getsource(cls)
    docs = {}
    for match in re.finditer(r"^\s+(\w+): [^\n]+\n\s+\"\"\"(.*?)\"\"\"", source, re.S | re.M):
        docs[match.group(1)] = " ".join(match.group(2).split())
    return docs


def test_the_documented_events_are_the_ones_in_the_code() -> None:
    found = BLOCK.search(DOC.read_text(encoding="utf-8"))
    assert found, "docs/events.md lost its events markers"
    assert found.group(2) == events_list(), "run: python -m tests.unit.test_events_doc"


def test_every_event_follows_the_naming_convention() -> None:
    for cls in event_classes():
        tag = str(cls.__struct_config__.tag)
        context, _, name = tag.partition(".")
        assert re.fullmatch(r"[a-z]+", context), tag
        assert re.fullmatch(r"[a-z]+(_[a-z]+)+", name), tag
        assert cls.__name__ == "".join(part.capitalize() for part in re.split(r"[._]", tag)), (cls, tag)
        assert cls.__module__ == f"core.domain.{context}.events", (cls, tag)
        assert cls.__struct_config__.frozen, cls


def test_every_event_round_trips_through_its_contexts_union() -> None:
    for cls in event_classes():
        union = next(
            value
            for name, value in vars(importlib.import_module(cls.__module__)).items()
            if name.endswith("Event") and (cls in getattr(value, "__args__", ()) or value is cls)
        )
        fields = {f.name: _example(f.type) for f in msgspec.structs.fields(cls) if f.required}
        event = cls(**fields)
        assert msgspec.json.Decoder(union).decode(msgspec.json.encode(event)) == event


def _example(annotation: Any) -> Any:
    if getattr(annotation, "__origin__", None) is list:
        return []
    return {str: "x", float: 1.5, int: 1, bool: True}.get(annotation, "x")


if __name__ == "__main__":
    DOC.write_text(
        BLOCK.sub(lambda m: m.group(1) + events_list() + m.group(3), DOC.read_text("utf-8")), "utf-8"
    )
