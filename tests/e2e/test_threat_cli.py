"""``bhiv threat scan -`` as an operator runs it: JSON lines or plain lines in, verdicts out."""

import json
import subprocess
import sys

from tests.support.processes import PATIENCE


def scan(stdin: str) -> list[dict[str, object]]:
    result = subprocess.run(
        [sys.executable, "-m", "apps.cli", "threat", "scan", "-"],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=PATIENCE,
    )
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.split("\n") if line]


def test_json_lines_keep_their_keys_and_get_a_verdict() -> None:
    lines = [
        {"text": "1 UNION SELECT password FROM users--", "id": 1, "label": "sqli"},
        {"text": "<img src=x onerror=alert(1)>", "id": 2},
        {"text": "select a plan from our catalog", "id": 3},
    ]
    out = scan("".join(json.dumps(line) + "\n" for line in lines))

    assert [(o["id"], o["verdict"], o["kind"]) for o in out] == [
        (1, "attack", "sqli"),
        (2, "attack", "xss"),
        (3, "benign", None),
    ]
    assert out[0]["label"] == "sqli"
    assert out[0]["text"] == lines[0]["text"]
    assert all(isinstance(o["score"], float) and 0.0 <= o["score"] <= 1.0 for o in out)


def test_plain_and_invalid_json_lines_are_scanned_as_text() -> None:
    out = scan("O'Brien\n../../../../etc/passwd\n{not json; rm -rf /\n")

    assert [(o["text"], o["verdict"]) for o in out] == [
        ("O'Brien", "benign"),
        ("../../../../etc/passwd", "attack"),
        ("{not json; rm -rf /", "attack"),
    ]
    assert [out[1]["kind"], out[2]["kind"]] == ["traversal", "cmdi"]
