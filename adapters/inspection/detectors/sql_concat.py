"""String concatenation after a breakout: the quote closed the literal, ``||`` or ``+`` joins an
expression to it, and the attacker is in expression context.

``'||(SELECT user FROM dual)||'``, ``'+(SELECT @@version)+'``, ``' || app.adduser('a', 'b') || '``,
``'+x+'``, ``'+sqlvuln``: after the quote, a concatenation operator (``||`` in Oracle, PostgreSQL
and SQLite, ``+`` in SQL Server) then an operand — a name, a (schema-qualified) call, a subquery,
a variable, a literal — chained by arithmetic, and then nothing the expression could not end on:
the end of the value, a comment, a ``;``, or a last concatenation with a quote that the
application's own closing quote completes (``||'``, ``+'9999``).

What prose puts after a quote and a plus is not an expression: ``'+1 for this idea`` (words
after the operand), ``' + ' separated`` and ``'||' is the or operator`` (a quotation, not an
operand), ``'+447911123456`` (a spreadsheet's text marker before a phone number: a lone
literal). In a query string ``+`` is also a space, so a word glued to the quote before a ``+``
(``girls'+dresses``, ``4'+X+4'+WOOD``: a possessive, feet) needs a call, a subquery or the
rebalancing quote to count.
"""

from adapters.inspection.detectors import _sql_lexicon as lex
from adapters.inspection.detectors.sql_expr import rebalancing
from adapters.inspection.detectors.sql_tokens import Token

_CONCAT = frozenset({"||", "+"})
_CHAIN = frozenset({"||", "+", "-", "*", "/", "%"})
_UNARY = frozenset({"+", "-", "!", "~", "not"})
_NAME = frozenset("bSkfg")
_VALUE_WORDS = lex.NILADIC | lex.TAUTOLOGY_WORDS | {"user", "database", "schema"}

LITERAL, NAME, COMPUTED = 0, 1, 2
"""Operand ranks: ``1``, ``'a'``; ``sqlvuln``; ``f(x)``, ``(SELECT ...)``, ``@@version``."""

OPEN = 0.6
"""``'+sqlvuln``, ``'||pg_user--``: an expression joined to the closed literal."""
REBALANCED = 0.7
"""``'||f(x)||'``: the trailing concatenation and quote leave the query well formed."""


def concatenation(tokens: list[Token]) -> float:
    """The weight of a concatenation breakout; ``tokens[0]`` is the literal the quote closed."""
    if len(tokens) < 3 or tokens[1].text not in _CONCAT:
        return 0.0
    literal = tokens[0].text
    if literal[-1:].isspace() or len(literal.split()) > 1:
        return 0.0  # ``A '||' B``, ``RECLAIMED WOOD" + "SIGN"``: a quotation in a sentence
    end, rank = _chain(tokens, 2)
    if end < 0:
        return 0.0
    n = len(tokens)
    if end + 2 == n and tokens[end].text in _CONCAT and rebalancing(tokens[-1]):
        return REBALANCED if rank > LITERAL else OPEN  # ``'||x||'``, ``'+1+'``
    if not _ends(tokens, end):
        return 0.0
    needed = COMPUTED if literal and tokens[1].text == "+" else NAME
    return OPEN if rank >= needed else 0.0


def _ends(tokens: list[Token], j: int) -> bool:
    """Whether the expression may end at ``j``: the end of the value, a last comment, or ``;``."""
    n = len(tokens)
    if j == n:
        return True
    kind = tokens[j].kind
    if kind == "c":
        return j == n - 1
    return kind == ";" and (j == n - 1 or tokens[j + 1].kind in "cE")


def _chain(tokens: list[Token], j: int) -> tuple[int, int]:
    """An operand and what arithmetic or concatenation chains to it: (end, highest rank), end -1
    when there is no expression at ``j``."""
    j, rank = _operand(tokens, j)
    n = len(tokens)
    while j >= 0 and j + 1 < n and tokens[j].text in _CHAIN:
        k, more = _operand(tokens, j + 1)
        if k < 0:
            break  # ``||'``: the rebalancing quote, for the caller to judge
        j, rank = k, max(rank, more)
    return j, rank


def _operand(tokens: list[Token], j: int) -> tuple[int, int]:
    """(end, rank) of the operand at ``j``, end -1 when there is none."""
    n = len(tokens)
    while j < n and tokens[j].text in _UNARY:
        j += 1
    if j >= n:
        return -1, LITERAL
    token = tokens[j]
    if token.kind == "(":
        if j + 1 < n and tokens[j + 1].text == "select":
            end = _closing(tokens, j)
            return (end, COMPUTED) if end > 0 else (-1, LITERAL)
        end, rank = _chain(tokens, j + 1)
        return (end + 1, rank) if 0 <= end < n and tokens[end].kind == ")" else (-1, LITERAL)
    if token.kind == "n" or (token.kind == "s" and not _open(token)):
        return j + 1, LITERAL
    if token.kind == "v":
        return j + 1, COMPUTED
    if token.kind not in _NAME or (token.kind == "k" and token.text not in _VALUE_WORDS):
        return -1, LITERAL
    j += 1
    while j + 1 < n and tokens[j].kind == "." and tokens[j + 1].kind in _NAME:
        j += 2  # ``myappadmin.adduser``, ``utl_http.request``
    if j < n and tokens[j].kind == "(":
        end = _closing(tokens, j)
        return (end, COMPUTED) if end > 0 else (-1, LITERAL)
    return j, NAME


def _open(token: Token) -> bool:
    text = token.text.lstrip("nN")  # ``N'...'``: a national string literal
    return len(text) < 2 or text[-1] != text[0] or text.endswith("\\" + text[0])


def _closing(tokens: list[Token], j: int) -> int:
    """The index after the parenthesis that closes the one at ``j``; -1 if it never closes."""
    depth = 0
    for k in range(j, len(tokens)):
        depth += {"(": 1, ")": -1}.get(tokens[k].kind, 0)
        if depth == 0:
            return k + 1
    return -1
