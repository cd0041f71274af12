"""Which rule a finding falls under, by the field it was found in.

- secret: passwords, tokens, keys. Inspected, recorded without evidence, never refused and never
  a strike: a password manager's random password may look like anything.
- content: prose a route declares as such (a ticket's description, a chat message, a text to
  speak). Services treat it as data (parameterised SQL, escaped output), so a question quoting
  ``' OR 1=1 --`` is a question: recorded and alerted on, refused only above
  ``ThreatPolicy.content_block_score`` (never, by default), never a strike.
- strict: everything else (identifiers, filters, paths, query values, headers).
"""

import re
from collections.abc import Iterable
from enum import StrEnum

from core.domain.threat.model import Finding, Location
from core.domain.threat.secret_fields import is_secret_field


class FieldRule(StrEnum):
    SECRET = "secret"  # noqa: S105 (the name of a rule, not a secret)
    CONTENT = "content"
    STRICT = "strict"


class ContentFields:
    """Body fields declared as content, written as the route's own JSON shape:
    ``description``, ``messages[].content``, ``comments[].text``. They match the screen's paths
    of JSON leaves (``$.messages[3].content``), form fields of the same name, and whatever the
    screen reads inside such a value (a JSON document pasted into a ticket)."""

    def __init__(self, patterns: Iterable[str] = ()) -> None:
        self.patterns = tuple(sorted(set(patterns)))
        alternatives = [_regex(pattern) for pattern in self.patterns]
        pattern = rf"(?:\$\.)?(?:{'|'.join(alternatives)})(?:[.\[].*)?"
        self._match = re.compile(pattern, re.DOTALL).fullmatch if alternatives else None

    def __contains__(self, field: str | None) -> bool:
        return bool(field and self._match and self._match(field))

    def __bool__(self) -> bool:
        return self._match is not None


NO_CONTENT = ContentFields()


def _regex(pattern: str) -> str:
    return r"\[\d+\]".join(re.escape(part) for part in pattern.strip().removeprefix("$.").split("[]"))


def rule_for(finding: Finding, content: ContentFields = NO_CONTENT) -> FieldRule:
    if is_secret_field(finding.field):
        return FieldRule.SECRET
    if finding.location is Location.BODY and finding.field in content:
        return FieldRule.CONTENT
    return FieldRule.STRICT
