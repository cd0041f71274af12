"""Command injection: a shell command word where a shell would start a new command.

A shell starts a command after a separator (``;``, ``|``, ``||``, ``&``, ``&&``, a newline)
and inside a substitution (`` `...` ``, ``$(...)``). There we read the command word (the base
name of ``/usr/bin/id`` is ``id``) and its arguments: a known command followed by nothing, by
shell-looking arguments (``-la``, ``/etc``, ``10``, ``127.0.0.1``, a quoted string, a
redirection) or by another separator is an injection; ``chair & sleep mask set`` is prose. A
value that is itself a whole command line (``ls -l /tmp``) counts when every argument looks
like a shell argument. Code injection into PHP and template engines is reported here too: it
ends in command execution.
"""

import re

from core.domain.threat.detectors.scoring import ScoringDetector
from core.domain.threat.model import AttackKind

_HINT = re.compile(r"[;|&`$\n(<{]")
_FIRST_WORD = re.compile(r"\s*([\w./\\%~:-]+)")
_COMMAND_START = re.compile(r"(?:;|\|\|?|&&?|\n|\\n|`|\$\(|\$\{IFS\}|^)\s*(?:['\"]\s*)?", re.IGNORECASE)
_COMMAND_WORD = re.compile(r"[\w./\\%~:-]+")
_PATH_SEPARATOR = re.compile(r"[/\\]")
_ARGUMENTS = re.compile(r"[^;|&`\n]*")
_SHELL_ARGUMENT = re.compile(
    r"""^(?:-{1,2}\w|/|\\|~|\$|%\w+%|\d|['"]|[<>]|\w:\\|\w+://|[\w.-]*[./\\*=][\w./\\*=-]*$|\^|\{)""", re.I
)
_SHELLSHOCK = re.compile(r"\(\s*\)\s*\{\s*[:\w]")
_CODE = re.compile(
    r"<\?(?:php|=)|<!--#\s*(?:exec|include)|\$\{@|\b(?:system|passthru|shell_exec|exec|popen|proc_open|pcntl_exec|phpinfo|phpversion"
    r"|assert|eval|include|require|file_get_contents|base64_decode|getruntime)\s*\(|\$_(?:GET|POST|REQUEST|SERVER)\b",
    re.IGNORECASE,
)
_TEMPLATE = re.compile(
    r"\{\{\s*[\w.]+\s*[*+\-/]\s*[\w.]+\s*\}\}|\$\{\s*\d+\s*[*+]\s*\d+\s*\}|\{\{[^{}]*(?:\w\s*\(|__\w+\s*__)"
    r"|\{%\s*(?:for|if|set|import|include|extends|macro)\b",
    re.IGNORECASE,
)
_IFS = re.compile(r"\$\{?IFS\}?")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


COMMANDS = _words(
    "id whoami uname ls dir cat type more less head tail echo printf sleep ping nslookup dig "
    "host ifconfig ipconfig netstat net netsh nc ncat netcat telnet ssh wget curl bash sh zsh "
    "ksh csh dash cmd powershell pwsh python python3 perl ruby php node lua gcc cc make chmod "
    "chown rm mv cp touch mkdir find grep awk sed xargs kill killall ps top env set export "
    "hostname pwd systeminfo sysinfo tasklist taskkill reg sc wmic certutil bitsadmin whoami "
    "uptime w who last useradd usermod passwd crontab nohup timeout tftp ftp scp rcp socat "
    "base64 xterm mknod mkfifo tcpdump which ver ipconfig route arp traceroute tracert "
    "shutdown reboot del copy start call"
)
SUBCOMMANDS = _words("user localgroup view use share firewall advfirewall add query export config create")
_STANDALONE = _words(
    "id whoami uname ifconfig ipconfig pwd hostname sysinfo systeminfo ls dir ps env netstat"
)


class CommandInjectionDetector(ScoringDetector):
    def __init__(self) -> None:
        super().__init__("cmdi", AttackKind.CMDI, cmdi_score)


def cmdi_score(value: str) -> tuple[float, str]:
    if "\\n" in value:
        value = value.replace("\\n", "\n")  # a literal ``\n`` that a later layer turns into a newline
    if not _HINT.search(value):
        first = _FIRST_WORD.match(value)
        if first is None or _base_name(first.group(1)) not in COMMANDS:
            return 0.0, ""
    best, evidence = 0.0, ""
    if _SHELLSHOCK.search(value):
        return 0.95, value
    for pattern, weight in ((_CODE, 0.85), (_TEMPLATE, 0.7), (_IFS, 0.8)):
        found = pattern.search(value)
        if found is not None and weight > best:
            best, evidence = weight, value[found.start() :]
    for start in _COMMAND_START.finditer(value):
        at_start = not value[: start.end()].strip(" \t")
        score = _command_at(value, start.end(), at_start=at_start)
        if score > best:
            best, evidence = score, value[start.start() :]
            if best >= 0.85:
                break
    return best, evidence


def _command_at(value: str, at: int, *, at_start: bool) -> float:
    word = _COMMAND_WORD.match(value, at)
    if word is None:
        return 0.0
    command = _base_name(word.group())
    if command not in COMMANDS:
        return 0.0
    rest = _ARGUMENTS.match(value, word.end())
    arguments = (rest.group() if rest else "").split()
    substituted = (at > 0 and value[at - 1] in "`(") or "$(" in value[max(0, at - 3) : at]
    if not arguments:
        if at_start:
            return 0.0
        return (
            0.85
            if command in _STANDALONE or substituted or _followed_by_separator(value, word.end())
            else 0.3
        )
    shellish = [
        bool(_SHELL_ARGUMENT.match(a)) or a.lower() in COMMANDS or (i == 0 and a.lower() in SUBCOMMANDS)
        for i, a in enumerate(arguments)
    ]
    if at_start:
        return 0.7 if all(shellish) else 0.0
    if shellish[0] or substituted:
        return 0.9
    return 0.3


def _base_name(word: str) -> str:
    """``/usr/bin/id`` is ``id``; a mixed-case word (``cP``) is not a command anyone types."""
    name = _PATH_SEPARATOR.split(word)[-1]
    if not (name.islower() or name.isupper()):
        return ""
    name = name.lower()
    return name[:-4] if name.endswith(".exe") else name


def _followed_by_separator(value: str, end: int) -> bool:
    rest = value[end:].lstrip()
    return rest[:1] in (";", "|", "&", "`", "\n", "'", '"', ")")
