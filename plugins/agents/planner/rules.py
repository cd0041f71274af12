"""A goal's steps as the user wrote them: the tasks it lists, how long each takes, who does it,
and what waits for what. Nothing is invented: a step is a part of the user's own text; a
duration the user did not give is a guess by the kind of work, and says so."""

import re

from core.domain.agents.intents import clauses

_ENUMERATED = re.compile(r"(?:^|\n)\s*(?:\d+[.)]|[-*•])\s+")
_LIST_SPLIT = re.compile(r"\s*,\s*(?:and\s+|then\s+|और\s+|aur\s+)?|\s*;\s*")
_DURATION = re.compile(
    r"\(?\s*(?:in\s+|for\s+|takes\s+)?(\d+(?:\.\d+)?)\s*"
    r"(minutes?|mins?|hours?|hrs?|h|days?|weeks?|मिनट|घंटे|घंटा|दिन|हफ्ते|हफ़्ते|ghante|ghanta|din|hafte)(?=[\s).,;:!?\u0964]|$)\s*\)?",
    re.IGNORECASE,
)
_MINUTES = {
    "min": 1, "minute": 1, "मिनट": 1,
    "h": 60, "hr": 60, "hour": 60, "घंटे": 60, "घंटा": 60, "ghante": 60, "ghanta": 60,
    "day": 8 * 60, "दिन": 8 * 60, "din": 8 * 60,
    "week": 5 * 8 * 60, "हफ्ते": 5 * 8 * 60, "हफ़्ते": 5 * 8 * 60, "hafte": 5 * 8 * 60,
}  # fmt: skip
"""A working day is 8 hours and a week 5 days: plans count working time."""
_OWNER = re.compile(
    r"\b(?:by|owner:?|assigned\s+to|@)\s*([A-Z][a-z]+(?:\s+[A-Z][a-z]+)?|(?:the\s+)?(?:ops|sales|support|"
    r"marketing|design|legal|finance|engineering|dev|qa)\s+team)\b"
    r"|^([A-Z][a-z]+)\s+(?:will|to|should)\s+",
)
_PARALLEL = re.compile(
    r"\b(meanwhile|in\s+parallel|at\s+the\s+same\s+time|simultaneously|saath\s+mein)\b|साथ\s+में|साथ-साथ",
    re.IGNORECASE,
)
_GUESSES = (
    (re.compile(r"\b(build|develop|implement|code|migrate|install|set\s*up|setup)\b", re.I), 8 * 60),
    (re.compile(r"\b(design|draft|write|prepare|plan|research|study|learn|analy[sz]e)\b", re.I), 3 * 60),
    (re.compile(r"\b(test|review|check|revise|practi[sc]e|read)\b", re.I), 2 * 60),
    (re.compile(r"\b(call|email|meet|send|announce|publish|book|order|buy|pay|share)\b", re.I), 30),
)
DEFAULT_GUESS = 60


class StepDraft:
    def __init__(self, title: str, minutes: int, given: bool, owner: str | None, parallel: bool) -> None:
        self.title, self.minutes, self.given, self.owner, self.parallel = (
            title,
            minutes,
            given,
            owner,
            parallel,
        )


def goal_and_tasks(text: str) -> tuple[str, list[str]]:
    """``"Launch the app: design the page, write the post, then announce it"`` is the goal and
    three tasks; a numbered or bulleted list gives one task per item; else the clauses."""
    text = text.strip()
    if _ENUMERATED.search(text):
        head, *items = _ENUMERATED.split(text)
        listed = [item.strip() for item in items if item.strip()]
        return head.strip().rstrip(":") or "the plan", listed
    head, _, rest = text.partition(":")
    if rest.strip():
        return head.strip(), _tasks(rest)
    return text, _tasks(text)


def _tasks(text: str) -> list[str]:
    found: list[str] = []
    for part in clauses(text):
        found.extend(piece.strip(" .") for piece in _LIST_SPLIT.split(part) if piece.strip(" ."))
    return found


def draft(task: str) -> StepDraft:
    duration = _DURATION.search(task)
    if duration:
        amount, unit = float(duration.group(1)), duration.group(2).lower()
        minutes, given = round(amount * _unit_minutes(unit)), True
        title = " ".join((task[: duration.start()] + " " + task[duration.end() :]).split()).strip(" ,.")
    else:
        title, given = task.strip(" ,."), False
        minutes = next((guess for pattern, guess in _GUESSES if pattern.search(title)), DEFAULT_GUESS)
    owner_match = _OWNER.search(title)
    owner = None
    if owner_match:
        owner = (owner_match.group(1) or owner_match.group(2) or "").strip() or None
    parallel = bool(_PARALLEL.search(title))
    return StepDraft(title or task.strip(), minutes, given, owner, parallel)


def _unit_minutes(unit: str) -> int:
    for key, minutes in _MINUTES.items():
        if unit == key or (unit.rstrip("s") == key and key.isascii()):
            return minutes
    return 60
