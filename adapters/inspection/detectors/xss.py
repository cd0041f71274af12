"""Cross-site scripting, read in the three contexts a value can land in.

- HTML: a tag only starts where a browser starts one (``<`` then a letter, ``/``, ``!`` or
  ``?``); inside it, what matters is an event handler attribute, a script-bearing URL
  (``javascript:``, ``vbscript:``, ``data:text/html``) or CSS that runs code. Plain markup
  (``I love <b>bold</b> text``) is only weak evidence; ``<3`` and ``5 < 6`` are not tags.
- Attribute: a quote that closes the attribute and opens an event handler (``" onfocus=``).
- Script: a quote or ``</script>`` that breaks out, followed by a call to a JavaScript sink.
"""

import re

from adapters.inspection.detectors.scoring import ScoringDetector
from core.domain.threat.model import AttackKind

_HINT = re.compile(r"[<>]|on[a-z]{3,}\s*=|script|\(|`|expression|\+AD", re.IGNORECASE)
_TAG = re.compile(r"<\s{0,3}([a-z!?/][\w:-]*)((?:[^<>]|<(?![a-z!/?]))*)(>?)", re.IGNORECASE | re.DOTALL)
_EVENT_HANDLER = re.compile(r"(?:^|[\s/\"'`;,+\x00-\x1f]|&quot;)(on[a-z]{3,})\s*=", re.IGNORECASE)
_SCRIPT_URL = re.compile(
    r"(?:java|vb|live|j\s*a\s*v\s*a\s*)\s*script\s*:|data\s*:\s*(?:text/html|[^,]*;base64|image/svg)",
    re.IGNORECASE,
)
_CSS_CODE = re.compile(r"expression\s*\(|-moz-binding|behaviou?r\s*:|@import|url\s*\(\s*['\"]?\s*java", re.I)
_JS_SINK = re.compile(
    r"\b(?:alert|prompt|confirm|eval|settimeout|setinterval|execscript|atob|fromcharcode|import)\s*[(`]"
    r"|document\s*\.\s*(?:cookie|write|domain|location)|window\s*\.\s*(?:location|name|open)"
    r"|\.innerhtml\s*=|location\s*\.\s*(?:href|hash)|\bnew\s+function\b|\bconstructor\s*\("
    # a sink passed around as a value: ``(alert)(1)``, ``a=alert,a(1)``
    r"|[=(]\s*(?:alert|prompt|confirm|eval)\s*(?:\)\s*\(|,)"
    # a global's property named by a computed string: ``top['al'+'ert'](1)``, ``self[/al/.source+...](1)``
    r"|\b(?:top|window|self|parent|frames|globalthis|this)\s*\[[^\]]+\]\s*\(",
    re.IGNORECASE,
)
_JS_BREAKOUT = re.compile(r"['\"`]\s*[;,)+\-*/|&]|</script|\\['\"]|^\s*[;)]|//\s*$|-->", re.IGNORECASE)
_STRONG_TAGS = frozenset({"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base"})
_ACTIVE_TAGS = frozenset(
    {"svg", "math", "meta", "link", "style", "import", "isindex", "xml", "form", "xss", "template", "set"}
    | {"body", "html", "input", "button", "textarea", "listener", "video", "audio", "source", "img", "image"}
    # legacy and SVG elements that load or run content, and raw-text elements used for mutation XSS
    | {"layer", "ilayer", "bgsound", "feimage", "xmp", "noscript", "noembed", "plaintext", "animate"}
)
_DECLARATIONS = frozenset({"!doctype", "!entity", "!attlist", "!element"})
_INVISIBLE = "".join(map(chr, range(33)))
# CSS that breaks out of its declaration (``font-family:foo}color=red``) or is escaped
_MARKUP_TRICK = re.compile(
    r"xmlns|style\s*=[^>]*(?:url\s*\(|\\[0-9a-f]|&#|[{}\[\]])|datasrc|datafld|xlink:", re.I
)
# ``<`` alone in an encoding the browser or a script undoes: a probe for what reaches the page
_ENCODED_LT = re.compile(r"\s*(?:&#0*60;?|&#x0*3c;?|&lt;?|\\x3c|\\u0*3c|\\74|%3c)\s*", re.I)
# words and spaces only: no call, operator or property access for the script URL to run
_PROSE = re.compile(r"[ \t]*[^\W_]+(?:[ \t,'-]+[^\W_]+)+[ \t.!?]*")
_UTF7 = {"+ADw-": "<", "+AD4-": ">", "+ACI-": '"', "+ACc-": "'", "+AC8-": "/"}


class CrossSiteScriptingDetector(ScoringDetector):
    def __init__(self) -> None:
        super().__init__("xss", AttackKind.XSS, xss_score)


def xss_score(value: str) -> tuple[float, str]:
    if not _HINT.search(value):
        if len(value) <= 16 and _ENCODED_LT.fullmatch(value):
            return 0.6, value
        return 0.0, ""
    if "+AD" in value:
        for encoded, plain in _UTF7.items():
            value = value.replace(encoded, plain)
    best, evidence = 0.0, ""
    if "<" in value:
        best, evidence = _html(value)
        if best >= 0.9:
            return best, evidence
    for score, fragment in (_attribute(value), _script(value), _url(value)):
        if score > best:
            best, evidence = score, fragment
    return min(best, 1.0), evidence


def _html(value: str) -> tuple[float, str]:
    best, evidence = 0.0, ""
    for match in _TAG.finditer(value):
        name = match.group(1).lower().lstrip("/")
        attributes = match.group(2)
        score = 0.25
        if name == "script" or _EVENT_HANDLER.search(attributes) or _SCRIPT_URL.search(attributes):
            score = 0.95
        elif name in _STRONG_TAGS:
            score = 0.8
        elif _CSS_CODE.search(attributes) or (name == "style" and _CSS_CODE.search(value)):
            score = 0.85
        elif name in _ACTIVE_TAGS:
            score = 0.6 if match.group(3) or attributes.strip() else 0.4
        elif name in _DECLARATIONS:
            score = 0.7 if "system" in attributes.lower() else 0.6  # a DTD, an external entity
        elif name.startswith(("![cdata[", "?")) or ":" in name or _MARKUP_TRICK.search(attributes):
            score = 0.65
        elif attributes.strip() and name != "a":
            score = 0.5
        if score > best:
            best, evidence = score, match.group(0)
    if 0.0 < best < 0.9 and _JS_SINK.search(value):
        best = max(best, 0.85)
    return best, evidence


def _attribute(value: str) -> tuple[float, str]:
    """A value placed inside an attribute: it must close the quote to add a handler."""
    handler = _EVENT_HANDLER.search(value)
    if handler is None:
        if _CSS_CODE.search(value):
            return 0.75, value
        return 0.0, ""
    score = 0.6
    if _JS_SINK.search(value, handler.end()) or re.match(
        r"\s*['\"]?\s*[\w.]+\s*[(`]", value[handler.end() :]
    ):
        score = 0.9
    return score, value[handler.start() :]


def _script(value: str) -> tuple[float, str]:
    sink = _JS_SINK.search(value)
    if sink is None:
        return 0.0, ""
    score = 0.65
    if _JS_BREAKOUT.search(value):
        score = 0.9
    return score, value[max(0, sink.start() - 20) :]


def _url(value: str) -> tuple[float, str]:
    found = _SCRIPT_URL.search(value)
    if found is None:
        return 0.0, ""
    if _PROSE.fullmatch(value, found.end()):
        return 0.3, value[found.start() :]  # ``JavaScript: The Good Parts``: a title, not code
    before = value[: found.start()].rstrip(_INVISIBLE)
    return (0.85 if not before or before[-1] in "=(\"'`:?&[" else 0.6), value[found.start() :]
