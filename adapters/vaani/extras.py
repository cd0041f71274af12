"""Optional extras: telling whether one is installed without importing it."""

import importlib.util
from typing import Final

SPEECH: Final = "bhiv-core[speech]"
SPEECH_MULTILINGUAL: Final = "bhiv-core[speech-multilingual]"


def installed(*modules: str) -> bool:
    """Whether each module can be imported, without importing it (``None`` in ``sys.modules``,
    the way an import is blocked, counts as absent)."""
    try:
        return all(importlib.util.find_spec(module) is not None for module in modules)
    except (ImportError, ValueError):
        return False
