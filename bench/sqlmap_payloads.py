"""The parameter values sqlmap sends while testing one GET parameter for SQL injection.

Rebuilt without running sqlmap, from the installed package's ``data/xml/payloads/*.xml`` and
``boundaries.xml``, with every test and boundary (as ``--level=5 --risk=3``), the way sqlmap does:
``lib/controller/checks.py`` (heuristicCheckSqlInjection, checkWaf; checkSqlInjection: each <test> with
each <boundary> whose <clause> and <where> match, its <payload> and boolean tests' FALSE <comparison>),
``lib/core/agent.py`` (cleanupPayload, prefixQuery, suffixQuery, payload, forgeUnionQuery, concatQuery),
``lib/techniques/union/test.py`` (ORDER BY probes, UNION ALL SELECT with 5 column counts, one delimiter
probe) and ``plugins/dbms/*/syntax.py`` (quoted strings as 0x... on MySQL, CHR()||... on Oracle, ...).
Also each <vector> as the extraction phase then sends it ([INFERENCE] / [QUERY] from ``queries.xml``),
and a seeded sample re-sent through tamper scripts whose output a server still reads as SQL.
Texts are as the server decodes them: sqlmap URL-encodes all but an existing %XX (e.g. "%16").

Run: python bench/sqlmap_payloads.py [N]   (N JSON lines on stdout, counts on stderr)
"""

import importlib
import importlib.util
import json
import random
import re
import string
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import unquote
from xml.etree import ElementTree

_spec = importlib.util.find_spec("sqlmap")
assert _spec is not None, "pip install sqlmap"
assert _spec.submodule_search_locations
SQLMAP = Path(next(iter(_spec.submodule_search_locations)))

# sqlmap's modules import each other as top-level "lib.*". Only leaf modules are loaded: lib.core.common
# (which randomcase and the versioned* tampers need) registers sqlmap's "plugins" over this project's.
sys.path.insert(0, str(SQLMAP))
try:
    settings = importlib.import_module("lib.core.settings")
    FROM_DUMMY_TABLE: dict[str, str] = importlib.import_module("lib.core.dicts").FROM_DUMMY_TABLE
    STYPES: dict[int, str] = importlib.import_module("lib.core.enums").PAYLOAD.SQLINJECTION
    TIME_SEC = str(importlib.import_module("lib.core.defaults").defaults.timeSec)
    TAMPERS: dict[str, Callable[..., str]] = {
        name: importlib.import_module(f"tamper.{name}").tamper
        for name in ("space2comment", "between", "equaltolike", "greatest")
    }
finally:
    sys.path.remove(str(SQLMAP))

Node = dict[str, str]
XML = SQLMAP / "data" / "xml"
# Trusted files shipped inside the installed package, hence plain ElementTree.
QUERIES = {d.get("value"): d for d in ElementTree.parse(XML / "queries.xml").getroot()}  # noqa: S314
KEYWORDS = {
    line.split("#")[0].strip() for line in (SQLMAP / "data/txt/keywords.txt").read_text().splitlines()
}
ORIGINALS = ("1", "2", "10", "abc", "admin")  # the parameter's value before injection
COMMON_DBMS = ("MySQL", "PostgreSQL", "Microsoft SQL Server", "Oracle", "SQLite")  # "identified" later
UNION_COLUMNS, HEURISTICS, TAMPER_RATE = 5, 5, 0.15


def _joined(fmt: str, sep: str, wrap: str = "%s") -> Callable[[str], str]:
    return lambda value: wrap % sep.join(fmt % ord(c) for c in value)


# plugins/dbms/<dbms>/syntax.py escaper() for ASCII values; Firebird and Informix escape only on
# versions not yet known while testing, the other DBMS of the payload files do not escape.
ESCAPERS: dict[str, Callable[[str], str]] = {
    "MySQL": lambda value: "0x" + value.encode().hex(),
    "Microsoft SQL Server": _joined("CHAR(%d)", "+"),
    "Microsoft Access": _joined("CHR(%d)", "&"),
    "SQLite": _joined("%d", ",", "CHAR(%s)"),
    "Spanner": _joined("%d", ", ", "CODE_POINTS_TO_STRING([%s])"),
    "ClickHouse": _joined("char(%d)", "||"),
    "MonetDB": _joined("CODE(%d)", "||"),
    **dict.fromkeys(("PostgreSQL", "Vertica"), _joined("CHR(%d)", "||", "(%s)")),
    **dict.fromkeys(("Oracle", "IBM DB2", "Cubrid", "Presto", "Virtuoso"), _joined("CHR(%d)", "||")),
    **dict.fromkeys(("HSQLDB", "H2", "InterSystems Cache"), _joined("CHAR(%d)", "||")),
}


def _ints(text: str) -> set[int]:
    """lib/parse/payloads.py cleanupVals(): "1-3,8" -> {1, 2, 3, 8}."""
    text = re.sub(r"(\d+)-(\d+)", lambda m: ",".join(map(str, range(int(m[1]), int(m[2]) + 1))), text)
    return {int(x) for x in text.split(",")}


def _load(name: str, tag: str) -> list[Node]:
    root = ElementTree.parse(XML / name).getroot()  # noqa: S314 (see QUERIES)
    # Flattened, first occurrence wins: a test's first <dbms> is the one sqlmap forces.
    return [{el.tag: el.text or "" for el in reversed(list(node.iter()))} for node in root.iter(tag)]


def _query(dbms: str, tag: str) -> str:
    el = QUERIES[dbms].find(tag)
    return "" if el is None else el.get("query", "")


class Forge:
    """agent.py's payload forging, for one test run with the DBMS sqlmap forces meanwhile."""

    def __init__(self, rng: random.Random, dbms: str | None) -> None:
        self.rng, self.dbms, marks = rng, dbms, []
        # option.py kb.chars: "q" + 3 letters of "zxjkvbp" + "q" twice, then "q" + a letter + "q" 4 times
        while len(marks) < 6:
            inner = self.rand_str(3, settings.KB_CHARS_LOW_FREQUENCY_ALPHABET) if len(marks) < 2 else ""
            mark = f"q{inner or self.rand_str(1, string.ascii_lowercase.replace('q', ''))}q"
            marks += [mark] if mark not in marks else []
        names = ("DELIMITER_START", "DELIMITER_STOP", "AT_REPLACE", "SPACE_REPLACE", "DOLLAR_REPLACE")
        self.marks = {f"[{name}]": mark for name, mark in zip((*names, "HASH_REPLACE"), marks, strict=True)}
        self.marks["[GENERIC_SQL_COMMENT]"] = settings.GENERIC_SQL_COMMENT  # "-- [RANDSTR]"

    def rand_int(self) -> int:
        return self.rng.randint(1000, 9999)  # common.randomInt(): 4 digits

    def rand_str(self, length: int = 4, alphabet: str = string.ascii_letters) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(length))

    def escape(self, expression: str) -> str:
        """lib/core/unescaper.py + plugins/generic/syntax.py _escape(): 'abc' -> 0x616263 on MySQL."""
        escaper = ESCAPERS.get(self.dbms or "")
        if any(exclude in expression for exclude in settings.EXCLUDE_UNESCAPE):
            return expression
        for item in re.findall(r"'(?:[^']|'')*'", expression) if escaper else ():
            value = item[1:-1].replace("''", "'")
            sqlite_blob = self.dbms == "SQLite" and f"X{item}" in expression
            if value and not sqlite_blob and not re.search(r"\[(SLEEPTIME|RAND)", value):
                expression = expression.replace(item, escaper(value))
        return expression.replace("'''", "''''")

    def cleanup(self, payload: str, orig: str | None = None) -> str:
        """cleanupPayload(): one random value per distinct tag ([RANDNUM] vs [RANDNUM1]) in the string."""
        for mark, value in self.marks.items():
            payload = payload.replace(mark, value)
        for tag in sorted(set(re.findall(r"\[RANDNUM\d*\]", payload))):  # sorted: set order is hashed
            payload = payload.replace(tag, str(self.rand_int()))
        for tag in sorted(set(re.findall(r"\[RANDSTR\d*\]", payload))):
            payload = payload.replace(tag, self.rand_str())
        if orig is not None:
            origvalue = orig if orig.isdigit() else self.escape(f"'{orig}'")
            payload = payload.replace("[ORIGVALUE]", origvalue).replace("[ORIGINAL]", orig)
        return payload

    def prefix_query(
        self, expression: str, prefix: str, where: int = 0, clause: set[int] | None = None
    ) -> str:
        expression = self.escape(self.cleanup(expression))
        if where == 3:  # replacing the value: no prefix
            return expression
        if clause in ({2, 3}, {2}, {3}):  # GROUP BY / ORDER BY payloads start with ","
            return prefix + expression
        if "SELECT '[RANDSTR]'" in prefix:  # pre-WHERE prefixes: escaped without quotes
            prefix = prefix.replace("'[RANDSTR]'", ESCAPERS.get(self.dbms or "", str)(self.rand_str()))
        glued = expression.startswith(";") or prefix.endswith("(")
        glued |= prefix[-1:] in ("(", ")") and expression[:1] in ("(", ")")
        return prefix + ("" if glued else " ") + expression

    def suffix_query(self, expression: str, comment: str, suffix: str, where: int = 0) -> str:
        expression, own = self.cleanup(expression), _query(self.dbms, "comment") if self.dbms else ""
        generic = comment.startswith(("--", "[GENERIC_SQL_COMMENT]"))
        if generic and not settings.GENERIC_SQL_COMMENT.startswith(own):
            comment = own  # the forced DBMS's own comment, e.g. MySQL's "-- -"
        expression += comment
        if where != 3 and suffix and not comment:
            space = re.search(r"\w\Z", expression) and re.search(r"\A\w", suffix)
            expression += (" " if space else "") + suffix
        return re.sub(r";\W*;", ";", expression)

    def payload(self, new_value: str, where: int, orig: str) -> str:
        """payload() then Request.queryPage()'s adjustLateValues() ([SLEEPTIME] -> --time-sec)."""
        value = orig if where == 1 else ""
        if where == 2 and not new_value.startswith("-"):
            value = f"-{self.rand_int()}"
        return self.cleanup(value + new_value, orig).replace("[SLEEPTIME]", TIME_SEC)

    def forge(self, expression: str, test: Node, boundary: Node, where: int, orig: str) -> str:
        bound = self.prefix_query(expression, boundary["prefix"], where, _ints(test["clause"]))
        bound = self.suffix_query(bound, test.get("comment", ""), boundary["suffix"], where)
        return self.payload(bound, where, orig)

    def union(self, test: Node, boundary: Node, columns: list[str], where: int, orig: str) -> str:
        """forgeUnionQuery(); also its ORDER BY probes, given as the single "column"."""
        keyword = "" if columns[0].startswith("ORDER BY") else "UNION ALL SELECT "
        union = self.prefix_query(keyword or columns[0], boundary["prefix"])
        union += ",".join(columns) + FROM_DUMMY_TABLE.get(self.dbms or "", "") if keyword else ""
        return self.payload(self.suffix_query(union, test["comment"], boundary["suffix"]), where, orig)


def _vector(test: Node, rng: random.Random) -> tuple[Forge, str]:
    """The <vector> with a realistic [INFERENCE] / [QUERY]: a character of the user, database or banner."""
    # Extraction runs on the identified DBMS, which a generic test leaves open.
    forge = Forge(rng, test.get("dbms") or rng.choice(COMMON_DBMS))
    assert forge.dbms is not None
    tags = ("current_user", "current_db", "banner")
    query = rng.choice([q for tag in tags if (q := _query(forge.dbms, tag))] or ["1"])  # Access: none
    # agent.nullAndCastField(): the retrieved field becomes e.g. IFNULL(CAST(x AS NCHAR),' ')
    cast, isnull = _query(forge.dbms, "cast"), _query(forge.dbms, "isnull")
    if cast and isnull and (match := re.fullmatch(r"(SELECT )?(.+?)( FROM .+)?", query)):
        query = (match[1] or "") + isnull.replace("%s", cast.replace("%s", match[2])) + (match[3] or "")
    code = ord(rng.choice(string.ascii_letters + string.digits))
    inference = _query(forge.dbms, "inference").replace("'%c'", f"'{chr(code)}'")  # inference.py
    values = iter((query, str(rng.randint(1, 12)), str(code)))
    inference = re.sub(r"%[sd]", lambda _: next(values), inference)
    return forge, test["vector"].replace("[INFERENCE]", inference).replace("[QUERY]", query)


def _test_payloads(test: Node, boundaries: list[Node], rng: random.Random) -> Iterator[str]:
    forge, clause, wheres = Forge(rng, test.get("dbms") or None), _ints(test["clause"]), _ints(test["where"])
    for boundary in boundaries:
        if {0} not in (clause, _ints(boundary["clause"])) and not clause & _ints(boundary["clause"]):
            continue
        if not wheres & _ints(boundary["where"]):
            continue
        for where in sorted(wheres):  # all of the test's <where> once one matches, as sqlmap does
            orig = rng.choice(ORIGINALS)
            if test["stype"] == "6":
                yield from _union_payloads(forge, test, boundary, orig)
                continue
            for request in (test.get("payload"), test.get("comparison")):  # comparison: the FALSE page
                if request:
                    yield forge.forge(forge.cleanup(request, orig), test, boundary, where, orig)
            if "[INFERENCE]" in test.get("vector", "") or "[QUERY]" in test.get("vector", ""):
                exploit, vector = _vector(test, rng)
                yield exploit.forge(exploit.cleanup(vector, orig), test, boundary, where, orig)


def _union_payloads(forge: Forge, test: Node, boundary: Node, orig: str) -> Iterator[str]:
    """union/test.py: NULL columns are appended to the value, numbers to a negative one."""
    char, low = test["char"], int(test["columns"].split("-")[0])
    where = 1 if char == "NULL" else 2
    if low == 1:  # _orderByTechnique(): a valid and a surely invalid column position
        for position in (1, forge.rand_int()):
            yield forge.union(test, boundary, [f"ORDER BY {position}"], where, orig)
    for count in range(low, low + UNION_COLUMNS):
        yield forge.union(test, boundary, [char] * count, where, orig)
    # _unionPosition(): delimited random text in one column, as concatQuery() joins it
    start, stop, text = forge.marks["[DELIMITER_START]"], forge.marks["[DELIMITER_STOP]"], forge.rand_str(40)
    if forge.dbms == "MySQL":
        probe = settings.MYSQL_UNION_VALUE_CAST % forge.escape(f"CONCAT('{start}','{text}','{stop}')")
    else:  # generic CONCAT, no DBMS to escape for
        probe = f"CONCAT(CONCAT('{start}','{text}'),'{stop}')"
    columns = [char] * forge.rng.randint(low, low + UNION_COLUMNS - 1)
    columns[forge.rng.randrange(len(columns))] = probe
    yield forge.union(test, boundary, columns, where, orig)


def _tamper(payload: str, name: str, rng: random.Random) -> str:
    """tamper/<name>.py. Those needing lib.core.common (see the imports) are redone here, seeded."""
    if name == "randomcase":
        for word in re.findall(r"\b[A-Za-z_]{2,}\b", payload):
            quoted = re.search(rf"(?i)[`\"'\[]{word}[`\"'\]]", payload)
            if sum(c.isalpha() for c in word) > 1 and (
                (word.upper() in KEYWORDS and not quoted) or f"{word}(" in payload
            ):
                cased = word.lower()
                while cased in (cased.lower(), cased.upper()):
                    cased = "".join(c.upper() if rng.randint(0, 1) else c.lower() for c in word)
                payload = re.sub(rf"\b{word}\b", cased, payload)
        return payload
    if name not in ("versionedkeywords", "halfversionedmorekeywords"):
        return TAMPERS[name](payload=payload)
    half = name.startswith("half")  # MySQL versioned comments: /*!0WORD or /*!WORD*/ around keywords
    words = KEYWORDS - set(settings.IGNORE_SPACE_AFFECTED_KEYWORDS if half else ())
    pattern, form = (r"(?=\W|\Z)", "/*!0{}") if half else (r"(?=[^\w(]|\Z)", "/*!{}*/")
    payload = re.sub(
        r"(?:^|(?<=\W))(?P<word>[A-Za-z_]+)" + pattern,
        lambda m: m[0].replace(m[1], form.format(m[1])) if m[1].upper() in words else m[0],
        payload,
    )
    return payload.replace(" /*!0", "/*!0") if half else payload.replace(" /*!", "/*!").replace("*/ ", "*/")


def sqlmap_payloads(seed: int = 7, limit: int | None = None) -> list[dict[str, str]]:
    rng = random.Random(seed)
    # checkWaf() once per target, in an extra parameter with a random name; then the heuristic check.
    rows = [(f"{rng.randint(1000, 9999)} {settings.IPS_WAF_CHECK_PAYLOAD}", "sqlmap:heuristic:WAF/IPS check")]
    for _ in range(HEURISTICS):
        chars = ""
        while chars.count("'") != 1 or chars.count('"') != 1:
            chars = "".join(rng.choice(settings.HEURISTIC_CHECK_ALPHABET) for _ in range(10))
        rows.append((rng.choice(ORIGINALS) + chars, "sqlmap:heuristic:heuristic (basic) test"))
    boundaries = _load("boundaries.xml", "boundary")
    for name in settings.PAYLOAD_XML_FILES:
        for test in _load(f"payloads/{name}", "test"):
            if "[CHAR]" in test["title"] or "[COLSTART]" in test.get("columns", ""):
                continue  # need --union-char / --union-cols
            title = test["title"].replace("[RANDNUM]", "random number")
            source = f"sqlmap:{STYPES[int(test['stype'])]}:{title}"
            rows += [(text, source) for text in _test_payloads(test, boundaries, rng)]
    tampers = [*TAMPERS, "randomcase", "versionedkeywords", "halfversionedmorekeywords"]
    for text, source in list(rows):
        if rng.random() < TAMPER_RATE:
            name = rng.choice(tampers)
            rows.append((_tamper(text, name, rng), f"{source}:tamper={name}"))
    seen: dict[str, str] = {}
    for text, source in rows:  # common.urlencode(safe="%"), decoded by the server: a raw %XX changes
        if ":tamper=" not in source:  # % in LIKE literals is escaped, unless tamper scripts are on
            text = re.sub(r"(?i)\bLIKE\s+'[^']+'", lambda m: m[0].replace("%", "%25"), text)
        seen.setdefault(unquote(text), source)  # the untampered row wins
    out = [{"text": text, "source": source, "label": "sqli"} for text, source in seen.items()]
    return out if limit is None else rng.sample(out, min(limit, len(out)))


if __name__ == "__main__":
    payloads = sqlmap_payloads(limit=int(sys.argv[1]) if len(sys.argv) > 1 else None)
    for row in payloads:
        print(json.dumps(row))
    sources = [row["source"].split(":tamper=") for row in payloads]  # [source] or [source, tamper]
    counts = Counter(source[0].split(":")[1] for source in sources)
    counts.update(f"tamper {source[1]}" for source in sources if len(source) == 2)
    for key, count in [*counts.most_common(), ("total", len(payloads))]:
        print(f"{count:7d}  {key}", file=sys.stderr)
