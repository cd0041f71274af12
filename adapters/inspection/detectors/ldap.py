"""LDAP filter injection: a value that closes the filter it was placed in and adds its own.

An application builds ``(&(uid=<value>)(userPassword=...))``. A value that brings filter syntax
(``*)(uid=*))(|(uid=*``, ``*(|(objectclass=*))``, ``admin)(&)``) rewrites the query: a
composite filter (``(|(`` / ``(&(`` / ``(!(``), a closed filter followed by a new one on a
wildcard or a directory attribute, or the always-true ``(&)``. Prose has parentheses but not
these shapes. Reported as SQL injection: both inject into a query language.
"""

import re

from adapters.inspection.detectors.scoring import ScoringDetector
from core.domain.threat.model import AttackKind

_NAME = r"([a-zA-Z0-9][\w.-]*)\s*[~<>]?="  # an attribute, or a numeric OID (``(&(1=0``)
_COMPOSITE = re.compile(r"\(\s*[|&!]\s*\(\s*" + _NAME)
# a filter closed, then a new one opened, maybe inside a composite: ``)(uid=``, ``)((|userPassword=``
_NEW_FILTER = re.compile(r"\)\s*[|&!]?\s*\([(|&!\s]*" + _NAME + r"\s*(\*?)")
_ALWAYS_TRUE = re.compile(r"\)\s*\(\s*[&|]\s*(?:\)|$)")
# ``*))%00``: a wildcard, then the application's filter and the composite around it closed (no
# parenthesis of the value's own is open), the rest cut off
_WILDCARD_CLOSE = re.compile(r"^(?:[^(]*[\w=])?\*\s*\)\s*\)\s*$")
_DIRECTORY_ATTRIBUTES = frozenset(
    {"uid", "cn", "sn", "ou", "dc", "o", "mail", "objectclass", "userpassword", "givenname"}
    | {"samaccountname", "memberof", "member", "userprincipalname", "displayname", "homedirectory"}
)


class LdapInjectionDetector(ScoringDetector):
    def __init__(self) -> None:
        super().__init__("ldap", AttackKind.SQLI, ldap_score)


def ldap_score(value: str) -> tuple[float, str]:
    if "(" not in value and ")" not in value:
        return 0.0, ""
    found = _COMPOSITE.search(value) or _ALWAYS_TRUE.search(value)
    if found is not None:
        return 0.8, value[found.start() :]
    for match in _NEW_FILTER.finditer(value):
        wildcard = match.group(2) or "*" in value[: match.start()]
        if wildcard or match.group(1).lower() in _DIRECTORY_ATTRIBUTES:
            return 0.75, value[match.start() :]
    found = _WILDCARD_CLOSE.search(value)
    if found is not None:
        return 0.65, value[found.start() :]
    return 0.0, ""
