"""docs/security.md shows ROLE_PERMISSIONS as a table; this test keeps the two equal.

Run ``python -m tests.unit.test_security_doc`` to rewrite the table after changing the matrix.
"""

import re
from pathlib import Path

from core.domain.access import ROLE_PERMISSIONS, Permission, Role

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
BLOCK = re.compile(r"(<!-- role-matrix:start -->\n)(.*?)(<!-- role-matrix:end -->)", re.S)


def matrix_table() -> str:
    roles = list(Role)
    lines = [
        "| permission | " + " | ".join(role.value for role in roles) + " |",
        "| --- |" + " :---: |" * len(roles),
    ]
    for permission in Permission:
        marks = ("yes" if permission in ROLE_PERMISSIONS[role] else "-" for role in roles)
        lines.append(f"| `{permission.value}` | " + " | ".join(marks) + " |")
    return "\n".join(lines) + "\n"


def test_the_documented_matrix_is_the_one_in_the_code() -> None:
    found = BLOCK.search(DOC.read_text(encoding="utf-8"))
    assert found, "docs/security.md lost its role-matrix markers"
    assert found.group(2) == matrix_table(), "run: python -m tests.unit.test_security_doc"


def test_every_role_has_a_row_in_the_matrix() -> None:
    assert set(ROLE_PERMISSIONS) == set(Role)


if __name__ == "__main__":
    DOC.write_text(
        BLOCK.sub(lambda m: m.group(1) + matrix_table() + m.group(3), DOC.read_text("utf-8")), "utf-8"
    )
