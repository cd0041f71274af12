"""A lexical SQL tokenizer: enough of the grammar of the major dialects to classify each token.

Token classes (one character each, as in libinjection's fingerprints):
``s`` string, ``n`` number, ``v`` variable, ``c`` comment, ``U`` union, ``E`` statement
keyword, ``&`` logic operator, ``=`` comparison, ``o`` other operator, ``k`` clause keyword,
``f`` known SQL function call, ``g`` other call, ``b`` bare word, ``S`` schema object,
``(`` ``)`` ``,`` ``;`` ``.`` punctuation.
"""

import re
from typing import NamedTuple

from adapters.inspection.detectors import _sql_lexicon as lex


class Token(NamedTuple):
    kind: str
    text: str


_TOKEN = re.compile(
    r"""
    (?P<ws>[\s\x00]+)
  | (?P<vopen>/\*!\d*) | (?P<vclose>\*/)
  | (?P<comment>--[^\n]*|\#[^\n]*|/\*.*?(?:\*/|$))
  | (?P<string>n?'(?:[^'\\]|\\.)*'?|"(?:[^"\\]|\\.)*"?)
  | (?P<ident>`[^`]*`?|\[[a-z_][^\]]*\])
  | (?P<number>0x[0-9a-f]*|0b[01]+|\d+(?:\.\d*)?(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?)
  | (?P<var>@@?[\w$.]*)
  | (?P<word>[a-z_$\u0080-\uffff][\w$]*)
  | (?P<cmp><=>|<>|!=|>=|<=|==|=|<|>|!<|!>)
  | (?P<logic>\|\||&&)
  | (?P<op>::|:=|[+\-*/%^|&~!:])
  | (?P<punct>[(),;.])
  | (?P<other>.)
    """,
    re.IGNORECASE | re.VERBOSE | re.DOTALL,
)
_CALL_AHEAD = re.compile(r"\s*(?:/\*.*?\*/\s*)*\(", re.DOTALL)
# ``1or1=1``: a logic keyword glued to the numbers around it, to slip past filters that want spaces
_GLUED_LOGIC = re.compile(r"(and|or|xor)(\d+)", re.IGNORECASE)


_TOKEN_CLASS = {
    "string": "s",
    "comment": "c",
    "number": "n",
    "var": "v",
    "ident": "b",
    "cmp": "=",
    "logic": "&",
    "op": "o",
}
"""Lexer group -> the one-letter token class the grammar reads."""


def tokenize(text: str, limit: int = 200) -> list[Token]:
    tokens: list[Token] = []
    for match in _TOKEN.finditer(text):
        group = match.lastgroup
        value = match.group()
        if group in ("ws", "vopen", "vclose"):
            continue
        if group == "word":
            glued = _GLUED_LOGIC.fullmatch(value) if value[-1].isdigit() else None
            if glued is not None:
                tokens += [Token("&", glued.group(1).lower()), Token("n", glued.group(2))]
            else:
                tokens.append(_word(value.lower(), text, match.end()))
        elif group == "punct":
            tokens.append(Token(value, value))
        else:
            tokens.append(Token(_TOKEN_CLASS.get(group or "", "x"), value))
        if len(tokens) >= limit:
            break
    return tokens


def _word(word: str, text: str, end: int) -> Token:
    if word in lex.UNION:
        return Token("U", word)
    if word in lex.LOGIC:
        return Token("&", word)
    if word in lex.ARITHMETIC:
        return Token("o", word)
    if word in lex.WORD_OPERATORS:
        return Token("=", word)
    call = _CALL_AHEAD.match(text, end) is not None
    if call and word in lex.FUNCTIONS:
        return Token("f", word)
    if word in lex.STATEMENTS:
        return Token("E", word)
    if word in lex.CLAUSES:
        return Token("k", word)
    if word in lex.SCHEMA_WORDS:
        return Token("S", word)
    if call:
        return Token("g", word)
    return Token("b", word)
