"""Every attacker-controlled value of a request through the detectors that make sense for it."""

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from urllib.parse import parse_qsl, urlsplit

import msgspec

from adapters.inspection.decoding import MAX_LENGTH, decode_variants
from adapters.inspection.detectors.cmdi import CommandInjectionDetector
from adapters.inspection.detectors.ldap import LdapInjectionDetector
from adapters.inspection.detectors.nosql import NoSqlInjectionDetector
from adapters.inspection.detectors.scanner import ScannerSignatureDetector
from adapters.inspection.detectors.sqli import SqlInjectionDetector
from adapters.inspection.detectors.traversal import PathTraversalDetector
from adapters.inspection.detectors.xss import CrossSiteScriptingDetector
from core.domain.threat.model import PAYLOAD_KINDS, AttackKind, Finding, Location, RequestSample
from core.domain.threat.secret_fields import is_secret_field, without_evidence
from core.ports.inspection import PayloadInspector, ValueDetector

DEFAULT_THRESHOLD = 0.6
"""A finding scoring at least this much is an attack; below it, only a reason to look closer."""

_MAX_JSON_LEAVES = 10_000
"""A JSON document in a value with more leaves is read as text instead: nothing goes unread."""
_MEMO_ENTRIES = 8192
_MEMO_MAX_CHARS = 256
"""Verdicts on short values are remembered: paths, user agents and common query values repeat
on almost every request, and detection is a pure function of the value. Attackers' unique
values only cycle the bounded memo; they cost what an unremembered scan costs."""
_URL_HEADERS = frozenset({"referer", "origin"})
_STEP_CHARS = 4096
"""Characters inspected between two pauses of ``inspect_in_steps``: a few milliseconds of work."""
_WINDOW_OVERLAP = 1024
"""An attack up to this long lies whole in one window of a long value, wherever it starts."""
_FILLER = re.compile(r"(?:\s+|%(?:20|09|0[aAdD])|/\*(?!!)(?:[^*]|\*(?!/)){0,256}\*/)+")
"""Whitespace (raw or percent-encoded once more) and bounded comments; ``/*!`` holds MySQL code."""


def default_detectors() -> tuple[ValueDetector, ...]:
    return (
        SqlInjectionDetector(),
        NoSqlInjectionDetector(),
        LdapInjectionDetector(),
        CrossSiteScriptingDetector(),
        PathTraversalDetector(),
        CommandInjectionDetector(),
    )


class Inspector(PayloadInspector):
    """Decodes each value (``decoding.decode_variants``), runs the payload detectors on every
    variant and keeps the strongest finding per attack kind and value. JSON text found in a
    value is parsed and each leaf inspected on its own, not the document as one string (unless
    it has too many leaves for that). Values longer than decoding reads at once are read in
    overlapping windows. The scanner detector only sees the path and the User-Agent; a Referer
    is read as a URL. What is found in a secret field (a password, a token) carries no evidence
    (``secret_fields``)."""

    def __init__(
        self,
        detectors: Sequence[ValueDetector] | None = None,
        *,
        scanner: ValueDetector | None = None,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> None:
        self.detectors = tuple(detectors) if detectors is not None else default_detectors()
        self.scanner = scanner if scanner is not None else ScannerSignatureDetector()
        self.threshold = threshold
        self._remembered_scan = lru_cache(maxsize=_MEMO_ENTRIES)(self._scan_variants)
        # The whole path is read for traversal, each segment for the rest.
        self._path_detectors = tuple(d for d in self.detectors if d.name == "traversal")
        self._segment_detectors = tuple(d for d in self.detectors if d.name != "traversal")

    def inspect_request(self, sample: RequestSample) -> list[Finding]:
        findings: list[Finding] = []
        for _ in self.inspect_in_steps(sample, findings):
            pass
        return findings

    def inspect_in_steps(self, sample: RequestSample, findings: list[Finding]) -> Iterator[None]:
        findings += self._path(sample.path)
        left = _STEP_CHARS
        for location, values in (
            (Location.QUERY, sample.query),
            (Location.HEADER, sample.headers),
            (Location.COOKIE, sample.cookies),
            (Location.BODY, sample.body),
        ):
            for name, value in values:
                for found, size in self._work(location, name, value):
                    findings += found
                    left -= size
                    if left <= 0:
                        left = _STEP_CHARS
                        yield

    def _work(self, location: Location, name: str, value: str) -> Iterator[tuple[list[Finding], int]]:
        """The findings of one value piece by piece, with the characters read for each."""
        if location is Location.HEADER:
            yield self._header(name, value), len(value)  # the screen caps the size of headers
            return
        for text, field in _pieces(value, name):
            yield self._scan(text, location, field, self.detectors), len(text)

    def inspect_value(
        self, value: str, location: Location = Location.QUERY, field: str | None = None
    ) -> list[Finding]:
        return [
            finding
            for text, at in _pieces(value, field)
            for finding in self._scan(text, location, at, self.detectors)
        ]

    def strongest(self, findings: Iterable[Finding]) -> Finding | None:
        """The highest-scoring payload finding (SQLi, XSS, traversal, command injection)."""
        return max((f for f in findings if f.kind in PAYLOAD_KINDS), key=lambda f: f.score, default=None)

    def is_attack(self, findings: Iterable[Finding]) -> bool:
        return any(finding.score >= self.threshold for finding in findings)

    def _path(self, path: str) -> list[Finding]:
        findings = self.scanner.inspect(path, Location.PATH, None)
        findings += self._scan(path, Location.PATH, None, self._path_detectors)
        for segment in path.split("/"):
            if segment:
                findings += self._scan(segment, Location.PATH, None, self._segment_detectors)
        return findings

    def _header(self, name: str, value: str) -> list[Finding]:
        lowered = name.lower()
        if lowered in _URL_HEADERS:
            # read as a URL, part by part: the receiver gets all of it, the host and user included
            try:
                url = urlsplit(value)
            except ValueError:  # ``http://[x``: not a URL, so one value
                return self.inspect_value(value, Location.HEADER, name)
            findings = []
            for part in (url.netloc, url.path, url.fragment):
                findings += self._scan(part, Location.HEADER, name, self.detectors)
            for key, item in parse_qsl(url.query, keep_blank_values=True):
                findings += self.inspect_value(key, Location.HEADER, f"{name}?{key}#key")
                findings += self.inspect_value(item, Location.HEADER, f"{name}?{key}")
            return findings
        findings = self.scanner.inspect(value, Location.HEADER, name) if lowered == "user-agent" else []
        return findings + self.inspect_value(value, Location.HEADER, name)

    def _scan(
        self, value: str, location: Location, field: str | None, detectors: Sequence[ValueDetector]
    ) -> list[Finding]:
        if len(value) <= _MEMO_MAX_CHARS:
            findings = list(self._remembered_scan(value, location, field, tuple(detectors)))
        else:
            findings = [
                finding
                for text in _long_text_windows(value)
                for finding in self._scan_variants(text, location, field, tuple(detectors))
            ]
        return without_evidence(findings) if findings and is_secret_field(field) else findings

    def _scan_variants(
        self, value: str, location: Location, field: str | None, detectors: tuple[ValueDetector, ...]
    ) -> tuple[Finding, ...]:
        best: dict[AttackKind, Finding] = {}
        for variant in decode_variants(value):
            for detector in detectors:
                for finding in detector.inspect(variant, location, field):
                    current = best.get(finding.kind)
                    if current is None or finding.score > current.score:
                        best[finding.kind] = finding
        return tuple(best.values())


def _pieces(value: str, field: str | None) -> Iterator[tuple[str, str | None]]:
    """What one value is read as, each piece with the field it came from: every leaf of a JSON
    document in it (not the document as one string), and long text window by window."""
    stripped = value.strip()
    if stripped[:1] in ("{", "[") and stripped[-1:] in ("}", "]"):
        leaves = _json_leaves(stripped)
        if leaves is not None:
            for path, leaf in leaves:
                at = _join(field, path)
                yield from ((text, at) for text in _long_text_windows(leaf))
            return
    yield from ((text, field) for text in _long_text_windows(value))


def _long_text_windows(text: str) -> Iterator[str]:
    """``text`` itself when short; else its windows, and the windows of the text with runs of
    whitespace and comments squeezed to one space: SQL and shells skip those, so padding placed
    inside an attack must not stretch it across two windows."""
    yield from _windows(text)
    if len(text) > MAX_LENGTH:
        squeezed = _FILLER.sub(" ", text)
        if squeezed != text:
            yield from _windows(squeezed)


def _windows(text: str) -> Iterator[str]:
    """``text`` in pieces of ``MAX_LENGTH`` (what decoding reads of a value) overlapping by
    ``_WINDOW_OVERLAP``: padding does not push an attack out of sight, and the cost of a value
    grows with its length, which the body limit bounds."""
    if len(text) <= MAX_LENGTH:
        yield text
        return
    for start in range(0, len(text) - _WINDOW_OVERLAP, MAX_LENGTH - _WINDOW_OVERLAP):
        yield text[start : start + MAX_LENGTH]


def _join(field: str | None, path: str) -> str:
    if not field:
        return path
    return f"{field}{path}" if path.startswith("[") else f"{field}.{path}"


def _json_leaves(text: str) -> list[tuple[str, str]] | None:
    """Each string (keys too) and number of a JSON document with its path; None if not JSON, or
    if it has more than ``_MAX_JSON_LEAVES``."""
    try:
        document = msgspec.json.decode(text)
    except (msgspec.DecodeError, RecursionError):  # not JSON, or nested too deep: read as text
        return None
    leaves: list[tuple[str, str]] = []
    stack: list[tuple[str, object]] = [("", document)]
    while stack:
        if len(leaves) > _MAX_JSON_LEAVES:
            return None
        path, node = stack.pop()
        if isinstance(node, dict):
            for key, child in node.items():
                child_path = f"{path}.{key}" if path else str(key)
                leaves.append((child_path, str(key)))
                stack.append((child_path, child))
        elif isinstance(node, list):
            stack.extend((f"{path}[{i}]", child) for i, child in enumerate(node))
        elif isinstance(node, str):
            leaves.append((path, node))
    return leaves
