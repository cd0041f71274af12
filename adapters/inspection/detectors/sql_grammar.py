"""SQL statement grammar: whether the words after a statement keyword form a real statement.

``select a plan from our catalog`` has SQL words but no SQL shape; ``SELECT name FROM users
WHERE``, ``UPDATE t SET c=``, ``INSERT INTO t VALUES``, ``COPY t FROM '/etc/passwd'`` or
``LOAD DATA INFILE`` do. Each function returns a weight in 0..1 for the statement at ``i``.
"""

from adapters.inspection.detectors import _sql_lexicon as lex
from adapters.inspection.detectors.sql_expr import END, tautology
from adapters.inspection.detectors.sql_tokens import Token

_AFTER_TABLE = frozenset({"k", "c", ";", ")", "U", ",", "&", "E", "=", "(", "S", "b", "v"})
_STACKABLE = frozenset(
    {"select", "insert", "update", "delete", "drop", "create", "alter", "truncate", "exec", "execute"}
    | {"declare", "shutdown", "waitfor", "grant", "revoke", "load", "copy", "bulk", "backup"}
)
_CREATED = frozenset({"database", "login", "function", "procedure", "trigger"})
_PRIVILEGES = frozenset(
    {"all", "select", "insert", "update", "delete", "execute", "connect", "resource", "dba"}
    | {"create", "alter", "file", "super", "usage", "references"}
)


_NONE = Token("$", "")
"""Past the last token: a kind no real token has."""


def _at(tokens: list[Token], j: int) -> Token:
    return tokens[j] if j < len(tokens) else _NONE


def _name_end(tokens: list[Token], j: int) -> int:
    """The index after a (possibly dotted) object name starting at ``j``, or ``j`` if none."""
    if _at(tokens, j).kind not in "bSk":
        return j
    j += 1
    while _at(tokens, j).kind == "." and _at(tokens, j + 1).kind in "bSk":
        j += 2
    return j


def statement(tokens: list[Token], i: int) -> float:
    word = tokens[i].text
    if word == "select":
        return select(tokens, i)
    after = _at(tokens, i + 1)
    if after is _NONE:
        return 0.0
    if word == "waitfor" and after.text in ("delay", "time"):
        return 0.9
    if word in ("exec", "execute") and (after.kind in "(v" or _procedure(after.text)):
        return 0.7
    if word == "execute" and after.text == "immediate" and _at(tokens, i + 2).kind in "$sv;c":
        return 0.7  # Oracle's dynamic SQL: ``EXECUTE IMMEDIATE 'DROP TABLE t'``
    if word == "declare" and after.kind == "v":
        return 0.6
    if word == "shutdown" and after.kind in END:
        return 0.6
    return _data_statement(tokens, i, word, after)


def _procedure(name: str) -> bool:
    """MSSQL's extended and system procedures (``xp_cmdshell``, ``sp_who``, ``master..``) and
    their bare prefixes (``exec xp``)."""
    return name.startswith(("xp_", "sp_", "master")) or name in ("xp", "sp")


def _data_statement(tokens: list[Token], i: int, word: str, after: Token) -> float:
    """Statements that read, write or create data: ``UPDATE t SET``, ``COPY t FROM``, ..."""
    if word == "update":
        end = _name_end(tokens, i + 1)
        return (
            0.7
            if end > i + 1 and _at(tokens, end).text == "set" and _at(tokens, end + 2).kind == "="
            else 0.0
        )
    if word == "insert" and after.text == "into":
        end = _name_end(tokens, i + 2)
        return 0.7 if end > i + 2 and _at(tokens, end).text in ("values", "select", "(") else 0.0
    if word == "delete":
        j = i + 1
        while _at(tokens, j).text in ("low_priority", "quick", "ignore"):
            j += 1
        end = _name_end(tokens, j + 1) if _at(tokens, j).text == "from" else j
        if end > j + 1 and (_at(tokens, end).kind in "$c;)" or _at(tokens, end).text == "where"):
            return 0.6
        return 0.0
    if word == "load" and after.text in ("data", "xml"):
        j = i + 2 + (_at(tokens, i + 2).text in ("local", "low_priority", "concurrent"))
        return 0.8 if _at(tokens, j).text == "infile" else 0.0
    if word in ("copy", "bulk"):
        j = i + 1 + (word == "bulk" and after.text == "insert")
        end = _name_end(tokens, j)
        if _at(tokens, end).kind == "(":
            while end < len(tokens) and tokens[end].kind != ")":
                end += 1
            end += 1
        source = _at(tokens, end + 1)
        if (
            end > j
            and _at(tokens, end).text in ("from", "to")
            and (source.kind == "s" or source.text in ("stdin", "program"))
        ):
            return 0.75
        return 0.0
    if word == "create":
        kind = after.text
        end = _name_end(tokens, i + 2)
        if end == i + 2:
            return 0.0
        if kind == "table":
            return 0.7 if _at(tokens, end).kind == "(" or _at(tokens, end).text in ("as", "select") else 0.0
        if kind == "user":
            return 0.7 if _at(tokens, end).text in ("identified", "with", "password") else 0.0
        return 0.6 if kind in _CREATED else 0.0
    if word == "grant":
        j = i + 1
        while _at(tokens, j).text in _PRIVILEGES or _at(tokens, j).kind == ",":
            j += 1
        return 0.6 if j > i + 1 and _at(tokens, j).text in ("to", "on") else 0.0
    if word == "backup" and after.text in ("database", "log"):
        return 0.7 if _at(tokens, _name_end(tokens, i + 2)).text == "to" else 0.0
    return 0.0


def select(tokens: list[Token], i: int) -> float:
    n = len(tokens)
    sqlish = False
    for j in range(i + 1, min(n, i + 60)):
        token = tokens[j]
        if token.text == "from":
            target = _at(tokens, j + 1)
            if target.kind == "S":
                return 0.8  # the system catalogue: ``FROM information_schema.tables``
            end = _name_end(tokens, j + 1)
            if end == j + 2 and _clause_follows(tokens, end):
                return 0.7  # ``FROM users WHERE id = 1``, ``FROM users LIMIT 1``
            return (0.7 if sqlish else 0.35) if _table_follows(tokens, j + 1) else 0.15
        if token.kind in "nfvs(&=" or token.text in ("*", "top", "distinct"):
            sqlish = True
    after = _at(tokens, i + 1)
    if after.text == "*" or (after.text == "top" and _at(tokens, i + 2).kind == "n"):
        # ``SELECT *``, ``SELECT TOP 1``: no sentence says that; in a subquery, no doubt is left
        return 0.6 if i > 0 and tokens[i - 1].kind in "(;" else 0.5
    if after.kind in "fg" and _at(tokens, i + 2).kind == "(":
        close = _closing(tokens, i + 2)
        return 0.65 if close >= n or tokens[close].kind in ";c" else 0.5
    if after.text in lex.NILADIC and _at(tokens, i + 2).kind in "$;c":
        return 0.6  # ``SELECT session_user;``
    if after.kind in "gvn(":
        return 0.5
    return 0.15


def _clause_follows(tokens: list[Token], j: int) -> bool:
    word = _at(tokens, j).text
    if word in ("where", "having"):
        return tautology(tokens, j) >= 0.25
    if word == "limit":
        return _at(tokens, j + 1).kind == "n"
    if word in ("order", "group"):
        return _at(tokens, j + 1).text == "by"
    return word in ("join", "union") and _at(tokens, j + 1).kind in "bSE("


def _closing(tokens: list[Token], j: int) -> int:
    """The index after the parenthesis that closes the one at ``j``."""
    depth = 0
    while j < len(tokens):
        depth += {"(": 1, ")": -1}.get(tokens[j].kind, 0)
        j += 1
        if depth == 0:
            break
    return j


def _table_follows(tokens: list[Token], j: int) -> bool:
    if j >= len(tokens) or tokens[j].kind not in "bS(k":
        return False
    j += 1
    while j + 1 < len(tokens) and tokens[j].kind == ".":
        j += 2
    return j >= len(tokens) or tokens[j].kind in _AFTER_TABLE


def stacked(tokens: list[Token], j: int) -> bool:
    """Whether the statement keyword at ``j``, right after a ``;``, starts a real statement."""
    word = tokens[j].text
    if j + 1 >= len(tokens):
        return word in ("shutdown", "commit", "rollback")
    after = tokens[j + 1]
    if word == "select":
        return select(tokens, j) >= 0.35
    if after.kind in "v(" or _procedure(after.text):
        return True
    if word == "call":
        return after.kind == "g"
    if word not in _STACKABLE:
        return False
    if word == "update":
        return j + 2 < len(tokens) and tokens[j + 2].text == "set"
    if _data_statement(tokens, j, word, after) > 0.0:
        return True
    return after.kind in "kf;cS" or (word in ("drop", "truncate", "alter", "create") and after.kind == "b")


def clause(tokens: list[Token], i: int) -> float:
    word = tokens[i].text
    after = _at(tokens, i + 1)
    if after is _NONE:
        return 0.0
    if word == "into" and after.text in ("outfile", "dumpfile"):
        return 0.9
    if word in ("order", "group") and after.text == "by":
        target = _at(tokens, i + 2)
        if target.kind not in "nf(":
            return 0.05
        closing = _at(tokens, i + 3)
        return 0.6 if closing.kind in "$c,)" else 0.45
    if word in ("where", "having"):
        return tautology(tokens, i) * 0.9
    if word == "case" and any(token.text == "when" for token in tokens[i + 1 : i + 6]):
        return 0.6
    return 0.0
