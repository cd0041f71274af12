"""SQL injection: tokenize the value as SQL and score suspicious token sequences.

A value is read three ways, as libinjection does: as it stands (a numeric context), and as if it
had been pasted inside a single- or a double-quoted string literal, so that its first quote of
that kind closes the literal. Each reading is scored by what follows: a ``UNION SELECT``, a
tautology after a boolean operator, a stacked statement, a call to a SQL function, a trailing
comment after SQL, or SQL straight after the quote that broke out. Ordinary prose that happens
to hold SQL words ("select a plan from our catalog") has none of that structure.
"""

import re

from adapters.inspection.detectors import _sql_lexicon as lex
from adapters.inspection.detectors.scoring import ScoringDetector
from adapters.inspection.detectors.sql_concat import concatenation
from adapters.inspection.detectors.sql_expr import rebalancing, tautology
from adapters.inspection.detectors.sql_grammar import clause, stacked, statement
from adapters.inspection.detectors.sql_tokens import Token, tokenize
from core.domain.threat.model import AttackKind

_HINT = re.compile(
    r"['\"`;#()=<>|&@$]|--|/\*|\b(?:or|and|union|select|having|order|group|where|xor|exec|execute|waitfor"
    r"|drop|insert|delete|update|sleep|benchmark|declare|shutdown|into|case|true|like|not)\b",
    re.IGNORECASE,
)
_BREAKOUT = {"&": 0.35, ";": 0.4, ")": 0.3, "o": 0.3, "=": 0.3, "U": 0.4, "E": 0.3, "f": 0.3, ",": 0.25}
_BREAKOUT_CLAUSES = frozenset({"order", "group", "having", "procedure", "into", "limit", "where"})
_EXPRESSION = frozenset("()nsvo=&f")
_EXPRESSION_WORDS = frozenset({"binary", "select", "limit"}) | lex.NILADIC
_BLOCK_COMMENT = re.compile(r"/\*(?!!).*?\*/", re.DOTALL)
_HEX_STRING = re.compile(r"0x((?:[0-9a-f]{2}){8,})", re.IGNORECASE)
_HIDDEN_STATEMENTS = frozenset(
    {"select", "insert", "update", "delete", "drop", "create", "alter", "truncate", "union"}
    | {"exec", "execute", "declare", "waitfor", "shutdown"}
)
_ESCAPE_LAYERS = 3
_COMMENT_OPENER = re.compile(r"--(?:\s|$)|#(?!\w)|/\*")
_LOG_EVASION = re.compile(r"(?:--|#|/\*).*sp_password", re.IGNORECASE | re.DOTALL)
_PROBE = re.compile(r"\w{0,20}([^\w\s]{4,})")
_PROBE_CHARACTERS = frozenset("'\"`;()<>&|%+=#,.\\*/-")


class SqlInjectionDetector(ScoringDetector):
    def __init__(self) -> None:
        super().__init__("sqli", AttackKind.SQLI, sqli_score)


def sqli_score(value: str) -> tuple[float, str]:
    best, evidence = _read(value) if _HINT.search(value) else (0.0, "")
    if best < 0.6:
        for rewritten in _rewritings(value):
            score, fragment = _read(rewritten)
            if score > best:
                best, evidence = score, fragment
    if best < 0.6 and ("0x" in value or "0X" in value):
        for match in _HEX_STRING.finditer(value):
            text = _hex_text(match.group(1))
            score, fragment = _read(text)
            first = tokenize(text, limit=1)
            if score < 0.6 and first and first[0].text in _HIDDEN_STATEMENTS:
                score = 0.6  # ``0x77616974666f72...``: a statement spelt in hex, for EXEC(@s) to run
            if score > best:
                best, evidence = score, match.group(0)[:80]
    if best < 0.7 and "sp_password" in value.lower() and _LOG_EVASION.search(value):
        best, evidence = 0.7, "sp_password"  # MSSQL leaves statements naming it out of its logs
    if best < 0.6 and _metacharacter_probe(value):
        best, evidence = 0.6, value
    return min(best, 1.0), evidence


def _metacharacter_probe(value: str) -> bool:
    """``'.(,"),"``, ``<>"'%;)(&+``: a run of SQL punctuation with a quote left open, at most
    after one word, means nothing as data. Scanners send one to learn which characters reach the
    query unescaped (sqlmap's heuristic check appends ten drawn from ``"'(),.``, one of each
    quote). A quotation in data closes its quotes: ``"(...)"``."""
    match = _PROBE.fullmatch(value)
    if match is None:
        return False
    run = match.group(1)
    marks = set(run)
    unbalanced = run.count("'") % 2 == 1 or run.count('"') % 2 == 1
    return unbalanced and marks <= _PROBE_CHARACTERS and len(marks - {"."}) >= 3


def _rewritings(value: str) -> list[str]:
    """Other texts the database may end up reading."""
    texts = []
    if "/*" in value:
        # ``uni/**/on``: filters that delete comments glue the halves of a keyword together
        texts.append(_BLOCK_COMMENT.sub("", value))
    for quote in "\"'":
        texts += _unescaped(value, quote)
    if "`" in value:
        # MySQL and SQLite quote identifiers with backticks (``ORDER BY `<value>```): a backtick
        # breaks out of one as a quote breaks out of a literal, and `1`=`1` compares like '1'='1'
        texts.append(value.replace("`", "'"))
    return [text for text in texts if text != value]


def _unescaped(value: str, quote: str) -> list[str]:
    """SQL and CSV escape a quote by doubling it, once per layer of quoting the value went
    through: ``"hi"") or (""a""=""a"`` is ``hi") or ("a"="a``; two layers deep, each quote of
    that payload is a run of four. Each layer is peeled in turn, at most ``_ESCAPE_LAYERS``."""
    doubled = quote * 2
    if doubled not in value:
        return []
    texts = []
    text = value[1:-1] if len(value) > 2 and value[0] == value[-1] == quote else value
    for _ in range(_ESCAPE_LAYERS):
        text = text.replace(doubled, quote)
        texts.append(text)
        if doubled not in text:
            break
    return texts


def _read(value: str) -> tuple[float, str]:
    """The best of the three readings: numeric context, inside '...' and inside "..."."""
    readings = [(tokenize(value), False)]
    for quote in "'\"":
        at = value.find(quote)
        if at >= 0:
            readings.append(([Token("s", value[:at]), *tokenize(value[at + 1 :])], True))
    best, evidence = 0.0, ""
    for tokens, injected in readings:
        stripped = _strip_inline_comments(tokens)
        score, first = _score(stripped, injected)
        if score > best:
            best = score
            evidence = " ".join(token.text for token in stripped[first : first + 12])[:80]
    return best, evidence


def _hex_text(digits: str) -> str:
    """A hex string literal (``0x73656c656374``, UTF-16 too) as text; "" when it is not text."""
    text = bytes.fromhex(digits).replace(b"\x00", b"").decode("latin-1")
    return text if text.isprintable() else ""


def _strip_inline_comments(tokens: list[Token]) -> list[Token]:
    """``UNION/**/SELECT``, ``1--x\nAND--y\n1=1``: a comment between tokens is only whitespace."""
    last = len(tokens) - 1
    return [t for i, t in enumerate(tokens) if not (t.kind == "c" and i < last)]


def _score(tokens: list[Token], injected: bool) -> tuple[float, int]:
    """Sum over kinds of evidence of the strongest instance of each, so repetition adds nothing."""
    kinds = "".join(token.kind for token in tokens)
    n = len(tokens)
    features: dict[str, float] = {}
    first = n
    evidence_tokens = 0
    for i, kind in enumerate(kinds):
        weight = 0.0
        text = tokens[i].text
        if kind == "U":
            weight = _union(tokens, kinds, i)
        elif kind == "E":
            weight = statement(tokens, i)
        elif kind == "f":
            weight = _function(tokens, kinds, i)
        elif kind == "&":
            weight = tautology(tokens, i)
        elif kind == ";":
            weight = 0.7 if i + 1 < n and kinds[i + 1] == "E" and stacked(tokens, i + 1) else 0.0
        elif kind == "v":
            weight = 0.6 if text.startswith("@@") and len(text) > 2 else 0.05
        elif kind == "S":
            weight = 0.4
        elif kind == "k":
            weight = clause(tokens, i)
        elif kind == "c" and i == n - 1 and evidence_tokens >= 2:
            weight = 0.25
        if kind in "UE&f;vS=k":
            evidence_tokens += 1
        if weight > features.get(kind, 0.0):
            features[kind] = weight
            first = min(first, i)
    if injected and n > 1:
        weight = _breakout(tokens, kinds)
        if weight:
            features["'"] = weight
            first = 0
    if _expression_then_comment(tokens, 1 if injected else 0):
        features["-"] = 0.3 if injected else 0.6  # ``1 --``, ``( 1 * 'b') --``: ends the query early
    if not injected and kinds.lstrip("(")[:1] == "&":
        features["^"] = 0.3  # ``or 1=1``, ``(||6)``: the value continues a WHERE clause
    return sum(features.values()), first


def _expression_then_comment(tokens: list[Token], start: int) -> bool:
    """``1 --``; after a quote that broke out, any comment: ``aa' LIKE 0 -- -a``."""
    body = tokens[start:-1]
    if not body or tokens[-1].kind != "c":
        return False
    if not start and tokens[-1].text.lstrip("-#/*").strip(" -+*/"):
        return False
    if body[-1].kind == ";":
        body = body[:-1]  # ``1; --``, ``; --``: end the statement, then comment out the rest
    return all(t.kind in _EXPRESSION or t.text in _EXPRESSION_WORDS for t in body)


def _breakout(tokens: list[Token], kinds: str) -> float:
    """SQL straight after the quote that closed the literal."""
    after = tokens[1]
    if after.kind == "k":
        return 0.3 if after.text in _BREAKOUT_CLAUSES else 0.0
    if after.kind == "c":
        return 0.6 if _comments_out_the_rest(tokens[0].text, after.text) else 0.3
    weight = _BREAKOUT.get(after.kind, 0.0)
    if after.text == "+" and len(tokens) > 3:
        pass  # ``'+1 for this idea'``: a quotation; what may follow ``'+`` is for ``concatenation``
    elif after.kind in "o=" and len(tokens) > 2 and rebalancing(tokens[-1]):
        weight += 0.3  # ``' / '``, ``a' < 'b``: the trailing quote rebalances the query
    elif after.kind == "&" and not tokens[0].text[-1:].isspace():
        # a quote glued to the word before it closes a literal; one after a space opens a quotation
        # (``the 'or' operator``): ``admin' or '``, ``' NOT LIKE '``, ``' OR``
        operators = all(t.kind in "&=s" for t in tokens[2:-1])
        if len(tokens) == 2 or (operators and rebalancing(tokens[-1])):
            weight += 0.25
    elif after.kind == ";" and len(tokens) == 3 and tokens[2].kind == "c":
        weight += 0.25  # ``'; --``: end the statement, comment out the rest
    if after.text in ("||", "+"):
        # ``'||(SELECT user FROM dual)||'``, ``'+sqlvuln``: an expression joined to the literal
        weight = max(weight, concatenation(tokens))
    return weight


def _comments_out_the_rest(literal: str, comment: str) -> bool:
    """``admin' --``, ``' -- &password=``: after the quote that closed a one-word literal, a
    comment turns the rest of the query into dead code, whatever the comment says. Words glued
    to the opener are prose, not a comment: ``--INFANT`` (MySQL wants a space after ``--``),
    ``#2`` (a number sign). After a sentence (``soap 1 '#``) the quote is an apostrophe."""
    if len(literal.split()) > 1:
        return False
    return _COMMENT_OPENER.match(comment) is not None or not comment.lstrip("-#/*").strip(" -+*/")


def _union(tokens: list[Token], kinds: str, i: int) -> float:
    if _union_select(tokens, i):
        return 1.0
    # ``-1 union``, ``1/1/**/union#--``: a number then UNION at the end, its SELECT to follow
    at_end = i == len(kinds) - 1 or (i == len(kinds) - 2 and kinds[-1] == "c")
    return 0.6 if at_end and i > 0 and kinds[i - 1] in "n)" else 0.1


def _function(tokens: list[Token], kinds: str, i: int) -> float:
    text = tokens[i].text
    if text in lex.DANGEROUS_FUNCTIONS:
        return 0.9
    if kinds[i + 1 : i + 3] == "()" and text in lex.SYSTEM_INFO:
        return 0.6  # ``version()``, ``user()``: what an attacker asks the database first
    if kinds[i + 1 : i + 3] == "(f":
        return 0.6  # ``ascii(substring(...))``: nested SQL functions, blind extraction
    return 0.45


def _union_select(tokens: list[Token], i: int) -> bool:
    j = i + 1
    while j < len(tokens) and (tokens[j].kind == "(" or tokens[j].text in ("all", "distinct")):
        j += 1
    return j < len(tokens) and tokens[j].text == "select"
