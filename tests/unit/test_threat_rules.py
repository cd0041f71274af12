"""Each general detection rule: an attack it finds, and a benign look-alike it leaves alone."""

import pytest

from adapters.inspection.decoding import decode, decode_variants
from core.domain.threat.model import AttackKind
from tests.support.threat import verdict

RULES = [
    # (rule, attack, kind, benign look-alike)
    ("lone closing quote completes a comparison", "' OR '' = '", AttackKind.SQLI, "select 'and'"),
    ("lone closing quote completes a comparison", '" or ""*"', AttackKind.SQLI, "the 'or' operator"),
    ("arithmetic chain as an operand", "aa'or column*0='0", AttackKind.SQLI, "red or navy-2"),
    ("niladic function as an operand", "aa'or current_date*0", AttackKind.SQLI, "today or current date"),
    ("scalar subquery as an operand", "-1 or 1=(select user)--", AttackKind.SQLI, "pick a size (select one)"),
    ("number then UNION at the end", "1/1/**/union#--", AttackKind.SQLI, "credit union"),
    ("number then UNION at the end", "-1 union", AttackKind.SQLI, "European union 2024"),
    (
        "comments between tokens are whitespace",
        "1--x\nAND--y\n9227=9227",
        AttackKind.SQLI,
        "50% off -- today only!",
    ),
    (
        "comment-deleting filter glues keywords",
        "1 uni/**/on select all from where",
        AttackKind.SQLI,
        "see /* the note */ below",
    ),
    (
        "hex string literal decoded",
        "0x77616974666F722064656C61792027303A303A313027",
        AttackKind.SQLI,
        "0xdeadbeefcafebabe",
    ),
    (
        "sp_password in a comment hides the query",
        "1'--sp_password",
        AttackKind.SQLI,
        "how do I reset sp_password",
    ),
    (
        "UPDATE ... SET",
        "21 update Content set Title=cast(0x41 as varchar(80))--",
        AttackKind.SQLI,
        "update your address, set as default",
    ),
    (
        "INSERT INTO ... VALUES",
        "1; insert into users values ('a','b')",
        AttackKind.SQLI,
        "insert coin into the machine",
    ),
    ("DELETE FROM table", "1; delete quick from foo", AttackKind.SQLI, "delete from my cart please"),
    (
        "COPY table FROM file",
        "copy myfile from '/etc/passwd'; ",
        AttackKind.SQLI,
        "copy the link from the page",
    ),
    ("LOAD DATA INFILE", '1;load data infile "foo"', AttackKind.SQLI, "load data from the spreadsheet"),
    (
        "CREATE USER ... IDENTIFIED",
        "'create user name identified by pass123 temporary tablespace temp",
        AttackKind.SQLI,
        "create user account",
    ),
    (
        "GRANT privilege TO",
        "' grant connect to name; grant resource to name; --",
        AttackKind.SQLI,
        "grant access to my team",
    ),
    (
        "SELECT ... FROM table WHERE/LIMIT",
        "(select id from users limit 1,1)",
        AttackKind.SQLI,
        "select x from y where",
    ),
    ("system information function", "LENGTH(version())", AttackKind.SQLI, "version 2 (beta)"),
    (
        "nested SQL functions",
        "456 + ASCII(substring(passwd,1,1))-10",
        AttackKind.SQLI,
        "ascii art (substring of a poem)",
    ),
    ("MongoDB operator in query-string syntax", "[$ne]=1", AttackKind.SQLI, "Price: $19.99 [sale]"),
    ("quote, semicolon, comment", "'; --", AttackKind.SQLI, "I'd like to cancel; thanks"),
    ("NUL bytes separate SQL tokens", "1\x00UNION\x00SELECT\x002--", AttackKind.SQLI, "a\x00b"),
    ("lone encoded angle bracket", "&#x0003c", AttackKind.XSS, "a &lt; b"),
    ("lone encoded angle bracket", "\\x3C", AttackKind.XSS, "&amp;"),
    ("global property by computed name", "top['al'+'ert'](1)", AttackKind.XSS, "top[3] results (sorted)"),
    ("sink passed as a value", "(alert)(1)", AttackKind.XSS, "click OK (confirm)"),
    (
        "CSS breaking out of its declaration",
        '<div style="font-family:foo}color=red;">XXX</div>',
        AttackKind.XSS,
        '<p style="color:red">hi</p>',
    ),
    (
        "legacy active element",
        '<LAYER SRC="http://x.example/s.html"></LAYER>',
        AttackKind.XSS,
        "I love <b>bold</b> text",
    ),
    (
        "DTD with an external entity",
        '<!DOCTYPE x[<!ENTITY x SYSTEM "http://a.example/b">]><y>&x;</y>',
        AttackKind.XSS,
        "<3 this product",
    ),
    ("Base64 of a traversal", "Li4vLi4vLi4vZXRjL3Bhc3N3ZA==", AttackKind.TRAVERSAL, "aGVsbG8gd29ybGQ="),
    (
        "Base64 data URL read as the browser reads it",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        AttackKind.XSS,
        "data:text/plain;base64,SGVsbG8sIFdvcmxkIQ==",
    ),
    (
        "PHP's data:// wrapper holding code",
        "data://text/plain;base64,PD9waHAgc3lzdGVtKCRfR0VUWydjbWQnXSk7ID8+",
        AttackKind.CMDI,
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
    ),
    ("a NUL ends the value for C code", "*))%00nosuchvalue", AttackKind.SQLI, "abc%00def"),
    ("IIS private-use slash", "/..%uEFC8..%uEFC8..%uEFC8", AttackKind.TRAVERSAL, "50%uF025 off"),
    (
        "invalid UTF-8 lead byte dropped",
        "/%c0%2e%c0%2e%c0%5c%c0%2e%c0%2e%c0%5c%c0%2e%c0%2e%c0%5c",
        AttackKind.TRAVERSAL,
        "caf%c3%a9",
    ),
    # absolute paths: a system directory is a file; a directory that is also a route needs a file
    ("absolute path into a system directory", "/var/log/auth.log", AttackKind.TRAVERSAL, "/home"),
    ("a route's name is not a directory", "/etc/nsswitch.conf", AttackKind.TRAVERSAL, "/dev/blog"),
    ("a dotfile under a shared directory", "/root/.Xauthority", AttackKind.TRAVERSAL, "/opt/in"),
    (
        "a server file under a shared directory",
        "/home/site/public_html/wp-config.php",
        AttackKind.TRAVERSAL,
        "/private/messages",
    ),
    ("a server's configuration or log", "/mysql/my.ini", AttackKind.TRAVERSAL, "/feeds/rss.xml"),
    (
        "spaces inside a Windows path",
        "/Program Files/MySQL/MySQL Server 5.0/my.cnf",
        AttackKind.TRAVERSAL,
        "/r/python is a subreddit",
    ),
    (
        "a container's secrets",
        "/run/secrets/kubernetes.io/serviceaccount/token",
        AttackKind.TRAVERSAL,
        "/tmp/upload-42.png",
    ),
]


@pytest.mark.parametrize(
    ("rule", "attack", "kind", "benign"), RULES, ids=[f"{r[0]}:{r[1][:20]}" for r in RULES]
)
def test_rule_finds_the_attack_and_not_its_look_alike(
    rule: str, attack: str, kind: AttackKind, benign: str
) -> None:
    assert verdict(attack) == kind, rule
    assert verdict(benign) is None, rule


def test_base64_variant_only_for_printable_text() -> None:
    assert decode_variants("Li4vZXRjL3Bhc3N3ZA==")[-1] == "../etc/passwd"
    assert decode_variants("password") == ["password"]  # valid Base64, but not text


def test_lax_utf8_decoding() -> None:
    assert decode("%c0%ae%c0%ae%c0%af") == "../"  # overlong forms still decoded
    assert decode("%c0%2e%c0%5c") == ".\\"  # an invalid lead byte is dropped
