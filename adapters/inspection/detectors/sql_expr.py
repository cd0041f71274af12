"""SQL expressions inside an injected value: operands, arithmetic chains and tautologies.

A tautology is what turns ``WHERE name = '<value>'`` into a condition that always holds: a
boolean operator followed by a comparison of literals (``OR 1=1``, ``OR 'a'='a``), of a
column with itself, or by a lone literal (``OR 1``). Operands may be wrapped in unary
operators and parentheses, be calls (``ASCII(...)``), SQL's niladic system functions
(``CURRENT_USER``) or arithmetic chains of those (``column*0``). A lone quote left at the very
end of the value is a literal too: the application's own closing quote completes it (``''``).
"""

import re

from adapters.inspection.detectors import _sql_lexicon as lex
from adapters.inspection.detectors.sql_tokens import Token

LITERAL = frozenset("ns")
END = frozenset({"c", ";", ")"})
_SHORT_LITERAL = re.compile(r"(?:[+-]?[\d.]+|[\w.%-]{0,10})\s?$")
_UNARY = frozenset({"-", "+", "!", "~", "not", "binary"})


def unterminated(token: Token) -> bool:
    text = token.text
    return token.kind == "s" and (len(text) == 1 or text[-1] != text[0] or text.endswith("\\" + text[0]))


def rebalancing(token: Token) -> bool:
    """A short trailing literal left open for the application's own closing quote: ``'1``."""
    return unterminated(token) and _SHORT_LITERAL.match(token.text, 1) is not None


def operand(tokens: list[Token], j: int) -> tuple[Token | None, int]:
    """The operand starting at ``j`` (after unary operators and parentheses) and the index after it."""
    n = len(tokens)
    while j < n and (tokens[j].kind == "(" or tokens[j].text in _UNARY):
        j += 1
    if j >= n:
        return None, j
    token = tokens[j]
    if token.text == "select" and j > 0 and tokens[j - 1].kind == "(":
        depth, k = 1, j + 1  # ``1=(SELECT user)``: a scalar subquery is a value
        while k < n and depth:
            depth += {"(": 1, ")": -1}.get(tokens[k].kind, 0)
            k += 1
        return Token("f", "select"), k
    if token.kind in "fg" and j + 1 < n and tokens[j + 1].kind == "(":
        depth, k = 0, j + 1
        while k < n:
            depth += {"(": 1, ")": -1}.get(tokens[k].kind, 0)
            k += 1
            if depth == 0:
                break
        return token, k
    if token.kind == "s" and unterminated(token) and (len(token.text) == 1 or " " in token.text):
        if j == n - 1 and len(token.text) == 1:
            return token, j + 1  # a lone quote at the end: the application closes it into ``''``
        return None, j  # the rest of a sentence, not a literal that rebalances the quotes
    if token.text in lex.NILADIC:
        return Token("f", token.text), j + 1
    if token.text == "exists":
        return Token("f", token.text), j + 1  # ``OR (EXISTS)``: a predicate is a boolean value
    if token.kind == "k" and token.text not in lex.TAUTOLOGY_WORDS:
        return Token("b", token.text), j + 1
    if token.kind in "nsbvk":
        return token, j + 1
    return None, j


def _literal(token: Token) -> bool:
    return token.kind in LITERAL or token.kind in "fk"


def _expression(tokens: list[Token], j: int) -> tuple[Token | None, int, bool, int]:
    """An operand and any arithmetic chained to it (``column*0``): first operand, end, whether
    any operand is a literal, how many operands."""
    first, j = operand(tokens, j)
    if first is None:
        return None, j, False, 0
    literal, count, n = _literal(first), 1, len(tokens)
    while j + 1 < n and tokens[j].kind == "o" and tokens[j].text not in ("::", ":="):
        nxt, k = operand(tokens, j + 1)
        if nxt is None:
            break
        literal = literal or _literal(nxt)
        count += 1
        j = k
    return first, j, literal, count


def tautology(tokens: list[Token], i: int) -> float:
    left, j, literal_left, count = _expression(tokens, i + 1)
    if left is None:
        return 0.0
    n = len(tokens)
    while j < n and tokens[j].kind == ")":
        j += 1
    if j >= n or tokens[j].kind in END or (count > 1 and tokens[j].kind == "&"):
        # ``OR 1``; not ``OR '``: the empty string the application's quote makes is false
        return 0.45 if _literal(left) and not (left.kind == "s" and len(left.text) == 1) else 0.0
    if tokens[j].kind != "=":
        return 0.0
    operator = tokens[j].text
    while j + 1 < n and tokens[j + 1].kind == "=" and tokens[j + 1].text.isalpha():
        j += 1  # ``SOUNDS LIKE``, ``IS NOT``: one operator in two words
    right, _, literal_right, _ = _expression(tokens, j + 1)
    if right is None:
        if literal_left and j + 2 == n and unterminated(tokens[-1]):
            # ``' OR '' = '<tab>prose``: the last quote opens a literal that the application's own
            # quote closes, whatever it holds: literals compared, though not visibly equal ones
            return 0.4
        return 0.1
    if operator == "between":
        return 0.6 if literal_left and literal_right else 0.2
    if literal_left and literal_right:
        return 0.4 if operator in ("<", ">", "<=", ">=") and _bare(left.text) != _bare(right.text) else 0.7
    if left.kind == right.kind == "b" and left.text == right.text:
        return 0.6
    return 0.25 if literal_left or literal_right else 0.2


def _bare(text: str) -> str:
    return text.strip("'\"").lower()
