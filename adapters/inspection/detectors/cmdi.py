"""Command injection: a shell command word where a shell would start a new command.

A shell starts a command after a separator (``;``, ``|``, ``||``, ``&``, ``&&``, a newline)
and inside a substitution (`` `...` ``, ``$(...)``). There we read the command word (the base
name of ``/usr/bin/id`` is ``id``) and its arguments: a known command followed by nothing, by
shell-looking arguments (``-la``, ``/etc``, ``10``, ``127.0.0.1``, a quoted string, a
redirection) or by another separator is an injection; ``chair & sleep mask set`` is prose. A
value that is itself a whole command line (``ls -l /tmp``) counts when every argument looks
like a shell argument. Code injection into PHP and template engines is reported here too: it
ends in command execution.

Payloads are often written with escape text for the characters they need (``\\n`` for a
newline, ``\\033[2A`` for a terminal control sequence, a backslash before a backtick or ``$``
that a later layer removes), so a value holding such text is also read with the escapes as
the characters they name, terminal control sequences dropped as a terminal would. Escape-like
text inside a Windows path (``C:\\temp\\new``) is a path, not an escape.

Three more shapes of a whole command line: a quote that breaks out of the application's string
followed by a command (``" whoami``; not when the value closes that quote again, ``"id" field``
is a quotation); a Windows administration command whose free words sit between a subcommand and
a switch (``net user x y /add``); an interpreter told to run code (``powershell -enc <Base64>``).
"""

import base64
import binascii
import re

from adapters.inspection.detectors.scoring import ScoringDetector
from core.domain.threat.model import AttackKind

_HINT = re.compile(r"[;|&`$\n(<{]")
_FIRST_WORD = re.compile(r"""\s*(?:['"]\s*)?([\w./\\%~:-]+)""")
_COMMAND_START = re.compile(r"(?:;|\|\|?|&&?|\n|`|\$\(|\$\{IFS\}|^)\s*(?:['\"]\s*)?", re.IGNORECASE)
_COMMAND_WORD = re.compile(r"[\w./\\%~:-]+")
_PATH_SEPARATOR = re.compile(r"[/\\]")
_ARGUMENTS = re.compile(r"[^;|&`\n]*")
_SHELL_ARGUMENT = re.compile(
    r"""^(?:-{1,2}\w|/|\\|~|\$|%\w+%|\d|['"]|[<>]|\w:\\|\w+://|[\w.-]*[./\\*=][\w./\\*=-]*$|\^|\{)""", re.I
)
_BARE_ARGUMENT = re.compile(
    r"""^(?:-{1,2}\w|/|\\|~|\$|%\w+%|['"]|[<>]|\w:\\|\w+://|[\w.-]*[/\\*][\w./\\*=-]*$|\^|\{)""", re.I
)
"""Arguments only a shell reads (no number or plain file name): a value that starts with a
command word, with nothing before it that says "shell", is prose (``top 10``, ``call 911``) or
a file's name (``id card.pdf``) unless one of its arguments is an option, a path, a URL or a
command (``nc -lvvp 4444 -e /bin/sh``)."""
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

_ESCAPE_TEXT = re.compile(r"\\(?:[nrt`$]|033|x1[bB]|u001[bB]|e(?=\[))")
_ESCAPED_CHARACTER = {"\\n": "\n", "\\r": "\r", "\\t": "\t", "\\`": "`", "\\$": "$"}
"""Any other escape text ``_ESCAPE_TEXT`` finds names the escape character (ESC, 0x1b)."""
_WINDOWS_PATH = re.compile(r"""(?:\b[A-Za-z]:|%\w+%|\bHK[A-Z_]+|\\)\\[^\s;|&`'"<>]*""")
_TERMINAL_CONTROL = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|[@-Z\\-_])?")
_DRIVE_PATH = re.compile(r"\w:\\")
_SWITCH = re.compile(r"/[a-z]+(?::\S*)?", re.IGNORECASE)
_OPTION = re.compile(r"-{1,2}\w[\w-]*|/\w+", re.IGNORECASE)
_BASE64 = re.compile(r"[A-Za-z0-9+/]{8,}={0,2}")


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
_PROBES = _words("sleep timeout ping nslookup dig")
"""Commands attackers run bare to see a delay or a lookup: their number or host argument counts."""
_STANDALONE = _words(
    "id whoami uname ifconfig ipconfig pwd hostname sysinfo systeminfo ls dir ps env netstat"
)
_WINDOWS_ADMIN = _words("net netsh reg sc wmic")
"""Commands of the form ``net user NAME PASSWORD /add``: subcommand, free words, switches."""
_ACCOUNT_SUBCOMMANDS = SUBCOMMANDS | _words("group accounts delete")
_INTERPRETERS = _words("bash sh zsh ksh dash cmd powershell pwsh python python3 perl ruby php node lua")
_RUN_OPTIONS = _words("-c -e -r -ec -enc -encodedcommand -command /c /k")
"""Options that make an interpreter run the next argument as code (PowerShell's abbreviations of
``-EncodedCommand`` included)."""


class CommandInjectionDetector(ScoringDetector):
    def __init__(self) -> None:
        super().__init__("cmdi", AttackKind.CMDI, cmdi_score)


def cmdi_score(value: str) -> tuple[float, str]:
    best = _score(value)
    if best[0] < 0.85 and ("\\" in value or "\x1b" in value):
        shown = _escapes_as_characters(value)
        if shown != value:
            best = max(best, _score(shown), key=lambda found: found[0])
    return best


def _escapes_as_characters(value: str) -> str:
    """``\\n``, ``\\r``, ``\\t``, ``\\033``/``\\x1b``/``\\e[`` and escaped `` ` `` or ``$`` as the
    characters they name, except inside Windows paths; then terminal control sequences dropped
    (``ESC[2A`` moves the cursor: what follows is what the terminal shows)."""
    if "\\" in value:
        paths = [found.span() for found in _WINDOWS_PATH.finditer(value)]

        def character(escape: re.Match[str]) -> str:
            if any(start < escape.start() < end for start, end in paths):
                return escape.group()
            return _ESCAPED_CHARACTER.get(escape.group(), "\x1b")

        value = _ESCAPE_TEXT.sub(character, value)
    if "\x1b" in value:
        value = _TERMINAL_CONTROL.sub("", value)
    return value


def _score(value: str) -> tuple[float, str]:
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
        opener = start.group().strip(" \t")
        breakout = opener in ("'", '"')  # a quote and no separator
        if breakout and opener in value[start.end() :]:
            continue  # the quote is closed again: a quotation (``"id" field``), not a breakout
        at_start = not value[: start.end()].strip(" \t")
        score = _command_at(value, start.end(), at_start=at_start, breakout=breakout)
        if score > best:
            best, evidence = score, value[start.start() :]
            if best >= 0.85:
                break
    return best, evidence


def _command_at(value: str, at: int, *, at_start: bool, breakout: bool = False) -> float:
    """A separator or substitution before the command: its first argument must look like a
    shell's. A quote alone is weaker evidence: every argument must (``" cat /etc/passwd``, not
    ``"sleep 8 hours``). At the start of the value, the value must be a whole command line."""
    word = _COMMAND_WORD.match(value, at)
    if word is None or value.startswith("=", word.end()):
        return 0.0  # ``id=5`` assigns a variable, it runs nothing
    command = _base_name(word.group())
    if command not in COMMANDS:
        return 0.0
    rest = _ARGUMENTS.match(value, word.end())
    arguments = _rejoin_windows_paths((rest.group() if rest else "").split())
    substituted = (at > 0 and value[at - 1] in "`(") or "$(" in value[max(0, at - 3) : at]
    if not arguments:
        if at_start:
            return 0.0
        return (
            0.85
            if command in _STANDALONE or substituted or _followed_by_separator(value, word.end())
            else 0.3
        )
    if at_start:
        return 0.7 if _whole_command_line(command, arguments, bare=command not in _PROBES) else 0.0
    if breakout:
        return 0.9 if _whole_command_line(command, arguments) else 0.3
    if _shell_argument(arguments[0], first=True) or substituted:
        return 0.9
    return 0.3


def _whole_command_line(command: str, arguments: list[str], *, bare: bool = False) -> bool:
    """``bare``: nothing before the command said "shell", so one argument at least must."""
    shell_like = all(_shell_argument(a, first=i == 0) for i, a in enumerate(arguments))
    if shell_like and bare:
        shell_like = any(_shell_argument(a, first=i == 0, bare=True) for i, a in enumerate(arguments))
    return shell_like or _windows_admin_line(command, arguments) or _runs_code(command, arguments)


def _shell_argument(argument: str, *, first: bool = False, bare: bool = False) -> bool:
    lowered = argument.lower()
    looks_like_shell = (_BARE_ARGUMENT if bare else _SHELL_ARGUMENT).match(argument)
    return bool(looks_like_shell) or lowered in COMMANDS or (first and lowered in SUBCOMMANDS)


def _rejoin_windows_paths(arguments: list[str]) -> list[str]:
    """Windows paths are typed with unquoted spaces (``dir C:\\Documents and Settings\\*``): the
    words from a drive path to the last word holding a backslash are one argument."""
    first = next((i for i, a in enumerate(arguments) if _DRIVE_PATH.match(a)), None)
    if first is None:
        return arguments
    last = max(i for i, a in enumerate(arguments) if "\\" in a)
    if last <= first + 1:
        return arguments
    return [*arguments[:first], " ".join(arguments[first : last + 1]), *arguments[last + 1 :]]


def _windows_admin_line(command: str, arguments: list[str]) -> bool:
    """``net localgroup Administrators hacker /ADD``: a subcommand, then account names and
    passwords, then a switch that says what to do with them."""
    return (
        command in _WINDOWS_ADMIN
        and len(arguments) >= 2
        and arguments[0].lower() in _ACCOUNT_SUBCOMMANDS
        and bool(_SWITCH.fullmatch(arguments[-1]))
    )


def _runs_code(command: str, arguments: list[str]) -> bool:
    """``powershell -nop -w hidden -enc SQBFAFgA``: an interpreter, options each with at most one
    value, an option that runs code, then that code (shell-looking, or Base64 of UTF-16 text as
    PowerShell's ``-EncodedCommand`` takes). ``bash -c is great`` is prose."""
    if command not in _INTERPRETERS:
        return False
    for i, argument in enumerate(arguments):
        if argument.lower() in _RUN_OPTIONS:
            code = arguments[i + 1 :]
            return (
                bool(code)
                and _options_with_values(arguments[:i])
                and (all(_shell_argument(a) for a in code) or (len(code) == 1 and _encoded_command(code[0])))
            )
    return False


def _options_with_values(arguments: list[str]) -> bool:
    previous_was_option = False
    for argument in arguments:
        is_option = bool(_OPTION.fullmatch(argument))
        if not is_option and not previous_was_option:
            return False
        previous_was_option = is_option
    return True


def _encoded_command(argument: str) -> bool:
    if len(argument) % 4 or not _BASE64.fullmatch(argument):
        return False
    try:
        text = base64.b64decode(argument, validate=True).decode("utf-16-le")
    except (binascii.Error, UnicodeDecodeError):
        return False
    return text.isascii() and text.isprintable()


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
