"""NoSQL injection into MongoDB: query operators where a key goes, and server-side JavaScript.

A value becomes an operator when a query-string parser or a JSON body puts it in key position
(``user[$ne]=``, ``{$gt: ''}``, ``', $where: '1 == 1'``); the same word in prose ("$in cash")
has no such place. A JSON key that is a whole value counts only for the operators that turn an
equality test into match-anything (``{"password": {"$ne": null}}``), not for ``$comment`` or
``$type`` that JSON Schema and serialisers use. ``$where`` and ``mapReduce`` run JavaScript, so
a quote that breaks out into ``this.password.match(...)``, a ``db.users.find(...)`` call or a
busy-wait loop is code injection into the database. Reported as SQL injection: both inject into
a query language.
"""

import re

from adapters.inspection.detectors.scoring import ScoringDetector
from core.domain.threat.model import AttackKind

_HINT = re.compile(r"\$[a-zA-Z]|\bdb\s*\.|\bthis\s*\.|\bwhile\s*\(|\breturn\b")
_OPERATOR = re.compile(
    r"\$(?:where|function|accumulator|expr|ne|eq|gte?|lte?|n?in|and|n?or|not|exists|regex"
    r"|elemMatch|comment|lookup)\b"
)
_KEY_AFTER = re.compile(r"['\"]?\s*[\]:]")
_CODE_OPERATORS = frozenset({"$where", "$function", "$accumulator"})
_MATCH_ANYTHING = _CODE_OPERATORS | {
    "$ne",
    "$gt",
    "$gte",
    "$lt",
    "$lte",
    "$nin",
    "$regex",
    "$exists",
    "$expr",
}
_SHELL_CALL = re.compile(r"\bdb\s*\.\s*(?:\w+\s*\.\s*)?\w+\s*\(")
_THIS_TEST = re.compile(r"\bthis\s*\.\s*\w+\s*(?:\.\s*match\s*\(|[=!]==?|[<>]=?\s*['\"\d])")
_JS_BREAKOUT = re.compile(r"['\"]\s*(?:&&|\|\||;)\s*(?:!\s*)?(?:\(\s*)?this\s*\.")
_BUSY_WAIT = re.compile(r"new\s+Date\s*\(.{0,200}?\bwhile\s*\(", re.DOTALL)  # bounded: linear time
# out of a string and out of the function: ``'; return '' == '``, ``});return 1;``
_EARLY_RETURN = re.compile(r"['\")}]\s*;\s*return\s+(?:true\b|1\s*(?:;|$)|''\s*==|\"\"\s*==|this\s*\.)")

_CODE = ((_SHELL_CALL, 0.85), (_BUSY_WAIT, 0.75), (_EARLY_RETURN, 0.75), (_THIS_TEST, 0.5))


class NoSqlInjectionDetector(ScoringDetector):
    def __init__(self) -> None:
        super().__init__("nosql", AttackKind.SQLI, nosql_score)


def nosql_score(value: str) -> tuple[float, str]:
    if not _HINT.search(value):
        return 0.0, ""
    best, evidence = 0.0, ""
    for match in _OPERATOR.finditer(value):
        score = _operator(value, match)
        if score > best:
            best, evidence = score, value[max(0, match.start() - 10) :]
    for pattern, weight in _CODE:
        found = pattern.search(value)
        if found is not None and weight > best:
            best, evidence = weight, value[found.start() :]
    if best == 0.5 and _JS_BREAKOUT.search(value):
        best = 0.85  # ``' && this.password.match(/.*/)//``: out of the string, into the $where code
    return best, evidence


def _operator(value: str, match: re.Match[str]) -> float:
    operator = match.group()
    before = value[: match.start()].rstrip(" \t'\"")
    if match.end() == len(value) and not before:
        key = operator in _MATCH_ANYTHING  # a JSON key, inspected on its own
    else:
        key = before[-1:] in ("", "[", "{", ",") and _KEY_AFTER.match(value, match.end()) is not None
    if not key:
        return 0.3
    return 0.85 if operator in _CODE_OPERATORS else 0.7
