"""SQL injection rules about what the database does not read (comments, the application's own
closing quote, quotes escaped by doubling) and about the expression a breakout quote opens
(concatenation). Each rule: attacks it finds, look-alikes it leaves."""

import random

import pytest

from adapters.inspection.detectors.inspector import DEFAULT_THRESHOLD
from adapters.inspection.detectors.sqli import sqli_score
from core.domain.threat.model import AttackKind
from tests.support.threat import verdict

# -- 1. After a quote that breaks out, a comment makes the rest dead code, whatever it says.


@pytest.mark.parametrize("literal", ["", "admin", "1", "john.doe@example.com"])
@pytest.mark.parametrize(
    "comment", ["-- &password=", "-- anything at all", "--\tx", "# anything", "#", "/* and the rest"]
)
def test_a_comment_after_the_breakout_scores_as_a_bare_one(literal: str, comment: str) -> None:
    bare = sqli_score(f"{literal}' --")[0]
    assert bare >= DEFAULT_THRESHOLD
    assert sqli_score(f"{literal}' {comment}")[0] == bare
    assert verdict(f"{literal}' {comment}") is AttackKind.SQLI


@pytest.mark.parametrize(
    "value",
    [
        "Best plan for kids' -- 5 stars",  # a sentence before the quote: an apostrophe
        "BAMBOO CHARCOAL SOAP 1 '#",
        "Kids' #1 pick",  # ``#`` glued to a word is a number sign or a hashtag
        '7" #2 CIRCULAR NEEDLE',
        '"#2 MOM"',
        "SALE' --XMAS -KIDS",  # ``--`` glued to a word: MySQL reads no comment there, prose a dash
        "50% off -- today only!",  # no quote broke out: the numeric reading keeps its stricter rule
    ],
)
def test_comment_look_alikes_in_prose_stay_benign(value: str) -> None:
    assert verdict(value) is None


# -- 2. A comparison's last literal is closed by the application's quote, whatever it holds.


@pytest.mark.parametrize(
    "value",
    [
        "'OR '' = '\tAllows authentication without a valid username.",
        "' or 'a'='a and some trailing words",
        "x' or current_user != ' a b",  # a niladic function is a value too
        "1' and 2='2 or so",
    ],
)
def test_breakout_then_comparison_with_an_open_literal_is_found(value: str) -> None:
    assert verdict(value) is AttackKind.SQLI


@pytest.mark.parametrize(
    "value",
    [
        "He said 'yes' or 'no' = 'maybe later",  # the shape alone, with no quote breaking out
        "rock 'n' roll or 'jazz' = 'my favourite music",
        "Tom and Jerry = 'the best cartoon ever",
        "either 'or' = 'one or the other' in logic",
        "is 1=1 true in maths?",
    ],
)
def test_open_literals_in_prose_stay_benign(value: str) -> None:
    assert verdict(value) is None


def test_an_open_literal_weighs_less_than_a_visible_tautology() -> None:
    assert sqli_score("' OR '' = '\tsome text")[0] < sqli_score("' OR '' = '")[0]


# -- 3. A quote escaped by doubling, once per layer of quoting, is still a quote.


@pytest.mark.parametrize(
    "value",
    [
        '"hi"") or (""a""=""a"',  # one layer (CSV field)
        'hi"") or (""a""=""a""',
        'hi"""") or (""""a""""=""""a"""',  # two layers: runs of four
        "hi'''') or (''''a''''=''''a'''",  # the same with single quotes
    ],
)
def test_doubled_quote_runs_are_unescaped_layer_by_layer(value: str) -> None:
    assert verdict(value) is AttackKind.SQLI


@pytest.mark.parametrize(
    "value",
    ['He said ""hello"" twice', "it''s O''Brien's", '""""quoted"""" title', "O'Brien"],
)
def test_doubled_quotes_in_prose_stay_benign(value: str) -> None:
    assert verdict(value) is None


# -- 4. A concatenation after the breakout quote puts the value in expression context.


@pytest.mark.parametrize(
    "value",
    [
        "'||(select user from dual)||'",
        "'+(select @@version)+'",
        "' || myappadmin.adduser('admin', 'newpass') || '",  # a schema-qualified call, unknown name
        "'+x+'",
        "'+sqlvuln",  # an identifier left for the application's quote to follow
        "'||current_user||'",
        "9999'||app.fn(1)||'9999",  # a short literal rebalances the quotes too
        "admin'+(select top 1 name from users)+'",
        '"||schema.fn(1)||"',
        "' || x -- ",
        "'+x;",
    ],
)
def test_concatenation_after_the_breakout_is_found(value: str) -> None:
    assert sqli_score(value)[0] >= DEFAULT_THRESHOLD
    assert verdict(value) is AttackKind.SQLI


def test_a_trailing_concatenation_and_quote_weigh_more() -> None:
    assert sqli_score("'+x+'")[0] > sqli_score("'+x")[0] >= DEFAULT_THRESHOLD
    assert sqli_score("'||a.b(1)||'")[0] > sqli_score("'||a.b(1)")[0] >= DEFAULT_THRESHOLD


@pytest.mark.parametrize(
    "value",
    [
        "'+1 for this idea",  # words after the operand: prose, not an expression
        "'+1 for this idea'",
        "' + ' separated",  # a quotation, not an operand
        "'||' is the or operator in C",
        '"||" means or',
        "'+' is the plus sign",
        "'|| means or in bash",
        '"+1" from me',
        "'+447911123456",  # a spreadsheet's text marker before a phone number: a lone literal
        "'+44 20 7946 0958",
        "'+1-555-0100",
        "'+1'",
        "'+x'",  # a quoted flag: nothing joins the closing quote
        "'+(see below)",
        "girls'+dresses",  # ``+`` is a space in a query string: a possessive, then a word
        "kids'+shoes+size+4",
        "4'+X+4'+WOOD",  # feet
        '12"+RULER',  # inches
        "Rock'+n'+Roll",
    ],
)
def test_concatenation_look_alikes_stay_benign(value: str) -> None:
    assert verdict(value) is None


# -- 5. A run of quotes and SQL punctuation, and nothing else, is a scanner probing the escaping.


def sqlmap_heuristic_probes(count: int) -> list[str]:
    """The way sqlmap builds its heuristic check: ten characters from ``"'(),.`` holding exactly
    one quote of each kind, appended to the parameter's own value."""
    rng = random.Random(20261126)
    probes: list[str] = []
    while len(probes) < count:
        run = "".join(rng.choice("\"'(),.") for _ in range(10))
        if run.count("'") == 1 and run.count('"') == 1:
            probes.append(rng.choice(["", "1", "admin"]) + run)
    return probes


@pytest.mark.parametrize("value", ["<>\"'%;)(&+", "'\";<>", *sqlmap_heuristic_probes(20)])
def test_metacharacter_probes_are_found(value: str) -> None:
    assert verdict(value) is AttackKind.SQLI


@pytest.mark.parametrize(
    "value",
    [
        '"(...)"',  # an ellipsis is prose punctuation
        '"///',
        "'?!'",
        "!!!???",  # no quote: nothing to break out of
        "5'11\"",  # a height
        "wow!!! ';-)' \"great\"",  # words and spaces between the marks
        "'",  # one quote alone is too little to call a probe
    ],
)
def test_punctuation_in_data_is_not_a_probe(value: str) -> None:
    assert verdict(value) is None


# -- 6. A backtick breaks out of a quoted identifier as a quote breaks out of a literal.


@pytest.mark.parametrize(
    "value",
    [
        "1` WHERE 3319=3319 AND 8396=8396-- LckR",  # sqlmap's boundaries for ORDER BY `<value>`
        "2`=`2` AND !SLEEP(5) AND `2`=`2",
        "-6744` WHERE 6501=6501 UNION ALL SELECT 6501,6501-- uBxP",
    ],
)
def test_a_backtick_breakout_is_read_like_a_quote_breakout(value: str) -> None:
    assert verdict(value) is AttackKind.SQLI


@pytest.mark.parametrize("value", ["press `Ctrl+C`", "the `users` table", "the column `user name` is empty"])
def test_backticks_in_prose_stay_benign(value: str) -> None:
    assert verdict(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "O'Brien",
        "shipping_address",
        "select a plan from our catalog",
        "Drop-leaf table",
        "is 1=1 true in maths?",
        "a=1&b=2",
    ],
)
def test_known_traps_stay_benign(value: str) -> None:
    assert verdict(value) is None
