"""Bounded, pure decoding of one attacker-controlled value into the forms worth scanning.

Attackers hide payloads behind layers of encoding that the application or the browser undoes
later (double URL encoding, HTML entities, ``%u`` escapes, overlong UTF-8, fullwidth letters).
We undo the same layers, to a fixed point but never more than ``MAX_ROUNDS`` times, and scan
both the value as received and the fully decoded form.
"""

import base64
import binascii
import html
import re
import unicodedata

MAX_ROUNDS = 4
MAX_LENGTH = 8192
"""What one decoding reads: the inspector reads longer values in overlapping windows of this
size, so that decoding's cost does not grow faster than the value."""

_PERCENT_RUN = re.compile(r"(?:%[0-9a-fA-F]{2})+")
_PERCENT_U = re.compile(r"%u([0-9a-fA-F]{4})")
_BACKSLASH_ESCAPE = re.compile(r"\\(?:x([0-9a-fA-F]{2})|u\{?([0-9a-fA-F]{4})\}?)")
_ENTITY_HINT = re.compile(r"&#?[a-zA-Z0-9]")
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")
_NUL = re.compile(r"\x00|%00")
_DATA_URL = re.compile(r"data:[^,]{0,100};base64,([A-Za-z0-9+/]{8,}={0,2})", re.IGNORECASE)

# Characters that NFKC leaves alone but that systems downstream treat as ASCII punctuation.
_CONFUSABLES = str.maketrans(
    {
        "\u2216": "\\",  # set minus, used as a backslash by IIS-era traversal payloads
        "\u2044": "/",
        "\u2215": "/",
        "\u2018": "'",
        "\u2019": "'",
        "\u02bc": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00a0": " ",
        "\uefc8": "/",  # private-use code points old IIS mapped to a slash (dotdotpwn's ``%uEFC8``)
        "\uf025": "/",
        "\x00": "",
    }
)


def decode_variants(value: str) -> list[str]:
    """The value as received and, when decoding changes it, its fully decoded form; and when the
    whole value is Base64 of printable text (``Li4vZXRjL3Bhc3N3ZA==``), that text decoded too:
    applications decode such parameters before they use them. So do browsers and PHP's ``data:``
    stream wrapper with a Base64 ``data:`` URL (``data:text/html;base64,PHNjcmlwdD4...``). A
    value holding a NUL is also read up to it."""
    if len(value) > MAX_LENGTH:
        value = value[:MAX_LENGTH]
    decoded = decode(value)
    variants = [value] if decoded == value else [value, decoded]
    if len(value) >= 8 and len(value) % 4 == 0 and _BASE64.fullmatch(value):
        text = _base64_text(value)
        if text:
            variants.append(decode(text))
    if "\x00" in value or "%00" in value:
        # C code (LDAP servers, old file APIs) stops reading at a NUL: ``*))%00rest`` is ``*))``
        variants.append(decode(_NUL.split(value, 1)[0]))
    if "base64," in decoded or "BASE64," in decoded.upper():
        # one variant for all of them: a value packed with data: URLs costs one more scan, not many
        texts = [_base64_text(match.group(1)) for match in _DATA_URL.finditer(decoded)]
        if any(texts):
            variants.append(decode("\n".join(text for text in texts if text)))
    return variants


def _base64_text(value: str) -> str:
    try:
        raw = base64.b64decode(value, validate=True)
    except binascii.Error:
        return ""
    text = raw.decode("latin-1")
    return text if text.isascii() and text.isprintable() else ""


def decode(value: str) -> str:
    current = value
    for _ in range(MAX_ROUNDS):
        step = _decode_once(current)
        if step == current:
            break
        current = step
    return current


def _decode_once(value: str) -> str:
    if "%" in value:
        if "%u" in value or "%U" in value:
            value = _PERCENT_U.sub(lambda m: chr(int(m.group(1), 16)), value)
        value = _PERCENT_RUN.sub(_percent_run, value)
    if "&" in value and _ENTITY_HINT.search(value):
        value = html.unescape(value)
    if "\\" in value:
        value = _BACKSLASH_ESCAPE.sub(_backslash_escape, value)
    if not value.isascii():
        value = unicodedata.normalize("NFKC", value).translate(_CONFUSABLES)
    elif "\x00" in value:
        value = value.replace("\x00", "")
    return value


def _backslash_escape(match: re.Match[str]) -> str:
    return chr(int(match.group(1) or match.group(2), 16))


def _percent_run(match: re.Match[str]) -> str:
    raw = bytes.fromhex(match.group(0).replace("%", ""))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return _lenient_utf8(raw)


def _lenient_utf8(raw: bytes) -> str:
    """UTF-8 as old servers decoded it: overlong forms accepted (``%c0%ae`` is ``.``)."""
    out: list[str] = []
    i, n = 0, len(raw)
    while i < n:
        lead = raw[i]
        size = _sequence_size(lead)
        if size == 1 or i + size > n:
            out.append(chr(lead))
            i += 1
            continue
        followers = raw[i + 1 : i + size]
        if any(not 0x80 <= follower <= 0xBF for follower in followers):
            i += 1  # an invalid lead byte (``%c0%5c``): lax decoders drop it and keep what follows
            continue
        code = lead & (0x7F >> size)
        for follower in followers:
            code = (code << 6) | (follower & 0x3F)
        out.append(chr(code) if code < 0x110000 else "\ufffd")
        i += size
    return "".join(out)


def _sequence_size(lead: int) -> int:
    if lead < 0xC0:
        return 1
    if lead < 0xE0:
        return 2
    if lead < 0xF0:
        return 3
    if lead < 0xF8:
        return 4
    if lead < 0xFC:
        return 5
    return 6 if lead < 0xFE else 1
