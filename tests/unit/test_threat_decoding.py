"""Encoded attacks are decoded to a fixed point, boundedly."""

import pytest

from adapters.inspection.decoding import MAX_LENGTH, decode, decode_variants
from adapters.inspection.detectors.inspector import DEFAULT_THRESHOLD, Inspector
from core.domain.threat.model import AttackKind


@pytest.mark.parametrize(
    ("encoded", "plain"),
    [
        ("%253Cscript%253E", "<script>"),
        ("%u003cscript%u003e", "<script>"),
        ("&lt;img&gt;", "<img>"),
        ("&#60;&#x3c;&#060", "<<<"),
        ("\\x3cb\\u003e", "<b>"),
        ("\uff1c\uff53\uff43\uff52\uff49\uff50\uff54\uff1e", "<script>"),  # fullwidth
        ("%c0%ae%c0%ae%c0%af", "../"),  # overlong UTF-8
        ("a\x00b", "ab"),
    ],
)
def test_layers_are_undone(encoded: str, plain: str) -> None:
    assert decode(encoded) == plain


def test_plain_values_have_one_variant_and_long_ones_are_truncated() -> None:
    assert decode_variants("hello world") == ["hello world"]
    assert len(decode_variants("a" * (MAX_LENGTH * 2))[0]) == MAX_LENGTH


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("%2527%2520or%25201%253D1--", AttackKind.SQLI),
        ("admin&apos; or &apos;1&apos;=&apos;1", AttackKind.SQLI),  # an entity-encoded quote
        ("&lt;svg onload=alert(1)&gt;", AttackKind.XSS),
        ("%252e%252e%252f%252e%252e%252fetc%252fpasswd", AttackKind.TRAVERSAL),
        (
            "\uff1c\uff53\uff43\uff52\uff49\uff50\uff54\uff1ealert(1)\uff1c/\uff53\uff43\uff52\uff49\uff50\uff54\uff1e",
            AttackKind.XSS,
        ),
        ("%c0%ae%c0%ae/%c0%ae%c0%ae/%c0%ae%c0%ae/boot.ini", AttackKind.TRAVERSAL),
    ],
)
def test_encoded_attacks_are_found(value: str, kind: AttackKind) -> None:
    inspector = Inspector()
    strongest = inspector.strongest(inspector.inspect_value(value))
    assert strongest is not None
    assert strongest.kind == kind
    assert strongest.score >= DEFAULT_THRESHOLD
