"""Path traversal and local file inclusion, judged on the normalised path.

The value is normalised the way file APIs and old servers read it (``\\`` is ``/``, literal
``0x2e`` hex, ``....`` is a parent on Windows, ``..;`` on Tomcat), then resolved segment by
segment: what counts is how many segments climb above where the path started, whether it
names a sensitive system file, and whether it is an absolute path into a system directory or
a stream wrapper (``php://filter``, ``file://``). A single ``../README.md`` in prose is not an
attack; ``../../../etc/passwd`` and ``/etc/shadow`` are. Directories that web applications also
use as routes (``/home``, ``/dev/blog``) count only with a file's name after them.
"""

import re

from adapters.inspection.detectors.scoring import ScoringDetector
from core.domain.threat.model import AttackKind

_HINT = re.compile(r"\.\.|[/\\]|0x2e|:/|%", re.IGNORECASE)
_HEX_LITERAL = re.compile(r"0x(2e|2f|5c)", re.IGNORECASE)
_SEPARATORS = re.compile(r"[/\\]+")
_PARENT = re.compile(r"\.{2,}[\s;:?*\x00-\x1f]*$")
_SENSITIVE_FILE = re.compile(
    r"etc.{0,10}?(?:passwd|shadow|group|hosts|issue|motd|crontab|sudoers|fstab|mtab|"
    r"resolv\.conf|hostname|master\.passwd|security[/\\]\w+)\b|(?:[/\\]|^)(?:passwd|shadow)\b"
    r"|boot\.ini|win\.ini|system\.ini|web\.config|\.htaccess|\.htpasswd|httpd\.conf|php\.ini|my\.cnf|"
    r"\bid_[rd]sa\b|authorized_keys|known_hosts|\.bash_history|\.bashrc|\.ssh\b|self[/\\](?:environ|cmdline|fd)|"
    r"\bsam\b|repair[/\\]|system32|\bwinnt\b|inetpub|wp-config\.php|\.env\b|config\.inc\.php|"
    r"access[._]log|error[._]log|\{file\}|\.\w*_?history\b|serviceaccount[/\\]token|\.dockerenv|"
    r"pg_hba\.conf|[/\\]sess_\w*$|dev[/\\](?:tcp|udp)[/\\]",
    re.IGNORECASE,
)
_SYSTEM_ROOT = re.compile(
    r"^(?:[a-z]:)?[/\\]+(?:etc|proc|sys|var|usr|boot|bin|sbin|windows|winnt|system32|inetpub|apache\d*|"
    r"xampp|wamp|program files(?: \(x86\))?)(?:[/\\]|$)",
    re.IGNORECASE,
)
"""Directories no web application names its pages after: an absolute path into one is a file."""
_SHARED_ROOT = re.compile(
    r"^[/\\]+(?:home|tmp|temp|opt|srv|root|dev|private|run|mnt|lib|app|data|library)[/\\]", re.I
)
"""Directories that are also common routes (``?next=/home``, ``/dev/blog``, ``/opt/in``): an
absolute path into one needs a file's name at its end to count."""
_CONFIG_FILE = re.compile(r"\.(?:conf|cnf|ini|log|properties|htpasswd|pdb|err)$", re.I)
"""Not ``.key`` or ``.pem``: Keynote decks and certificates are shared as files too."""
_DOTFILE = re.compile(r"[/\\]\.[\w-]")
_ENCODING_JUNK = re.compile(r"(?:%u[0-9a-f]{4}|%[0-9a-z]{0,2}|0x[0-9a-f]{2}|[./\\?:*\s])+", re.I)
_SYSTEM_DIR = re.compile(r"windows|winnt|system32", re.I)
_SERVER_FILE = re.compile(r"\.(?:php\d?|aspx?|jsp|conf|cfg|ini|log|xml|ya?ml|env|bak|sql|inc|config)$", re.I)
_WRAPPER = re.compile(r"\b(?:php|file|expect|zip|phar|glob|compress\.zlib|zlib|input|ogg|ssh2)://", re.I)


class PathTraversalDetector(ScoringDetector):
    def __init__(self) -> None:
        super().__init__("traversal", AttackKind.TRAVERSAL, traversal_score)


def traversal_score(value: str) -> tuple[float, str]:
    if not _HINT.search(value):
        return 0.0, ""
    path = _HEX_LITERAL.sub(lambda m: chr(int(m.group(1), 16)), value) if "0x" in value.lower() else value
    escapes = _escapes(path)
    sensitive = _SENSITIVE_FILE.search(path)
    score = 0.0
    if escapes >= 3:
        score = 0.95
    elif escapes == 2:
        score = 0.8
    elif escapes == 1:
        score = 0.4
    if sensitive is not None and (escapes or ".." in path):
        score = max(score, 0.9)
    stripped = path.strip()
    if _is_absolute_path(stripped):
        score = max(score, _absolute_path_score(stripped, sensitive is not None))
    wrapper = _WRAPPER.search(path)
    if wrapper is not None:
        score = max(score, 0.85)
    target = sensitive or _SYSTEM_DIR.search(path)
    if target is not None and " " not in stripped:
        prefix = path[: target.start()]
        if len(prefix) >= 3 and _ENCODING_JUNK.fullmatch(prefix):
            score = max(score, 0.85)  # ``%c0%5e%c0%5e%c1%1cboot.ini``: dots in an encoding we do not know
        elif sensitive is not None and ("/" in stripped or "\\" in stripped or ":" in stripped):
            score = max(score, 0.75)
    if escapes == 1 and " " not in stripped:
        score = max(score, 0.7 if _SERVER_FILE.search(stripped) else 0.6)
    return score, path


def _is_absolute_path(text: str) -> bool:
    """One path, not prose that mentions one: no space, or spaces only in its directories'
    names (``/program files/mysql/my.ini``) with a file's name at the end."""
    if " " not in text:
        return True
    segments = _SEPARATORS.split(text)
    return text[:1] in "/\\" and len(segments) >= 4 and "." in segments[-1] and " " not in segments[-1]


def _absolute_path_score(path: str, sensitive: bool) -> float:
    if _SYSTEM_ROOT.match(path):
        return 0.9 if sensitive else 0.75
    if _SHARED_ROOT.match(path) and (_DOTFILE.search(path) or _SERVER_FILE.search(path)):
        return 0.75
    if path[:1] in "/\\" and len(_SEPARATORS.split(path)) >= 3 and _CONFIG_FILE.search(path):
        return 0.7  # ``/mysql/my.ini``, ``/logs/pure-ftpd.log``: a server's configuration or log
    return 0.0


def _escapes(path: str) -> int:
    """How far the path climbs above its starting directory."""
    if ".." not in path:
        return 0
    depth, lowest = 0, 0
    for segment in _SEPARATORS.split(path):
        if _PARENT.match(segment):
            depth -= 1
            lowest = min(lowest, depth)
        elif segment and segment != ".":
            depth += 1
    return -lowest
