"""Cutting a document into passages a search can return and a model can read: paragraphs first,
then sentences, then words, merged into chunks of about ``MIN_CHARS`` to ``MAX_CHARS``.

A chunk is a span ``[start, end)`` of the document's text, so ``text[start:end]`` is the chunk
exactly (the whitespace between merged pieces included) and a citation can point into the source.
"""

import re

MIN_CHARS = 500
MAX_CHARS = 1000

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_SENTENCE_END = re.compile(r"[.!?\u0964\u0965]+[\"')\]]*\s+")
"""A full stop, ?, ! or the Devanagari danda (।, ॥), closing quotes, then whitespace."""


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for brk in _PARAGRAPH_BREAK.finditer(text):
        spans.append((start, brk.start()))
        start = brk.end()
    spans.append((start, len(text)))
    return [span for s, e in spans if (span := _trimmed(text, s, e)) is not None]


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, at = [], start
    for stop in _SENTENCE_END.finditer(text, start, end):
        spans.append((at, stop.end()))
        at = stop.end()
    spans.append((at, end))
    return [span for s, e in spans if (span := _trimmed(text, s, e)) is not None]


def _words(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A run longer than ``MAX_CHARS``, cut at the last space before the limit (or at it)."""
    spans = []
    while end - start > MAX_CHARS:
        cut = text.rfind(" ", start + 1, start + MAX_CHARS)
        cut = cut if cut > start else start + MAX_CHARS
        spans.append((start, cut))
        start = cut
    spans.append((start, end))
    return [span for s, e in spans if (span := _trimmed(text, s, e)) is not None]


def _pieces(text: str) -> list[tuple[int, int]]:
    pieces: list[tuple[int, int]] = []
    for p_start, p_end in _paragraphs(text):
        if p_end - p_start <= MAX_CHARS:
            pieces.append((p_start, p_end))
            continue
        for s_start, s_end in _sentences(text, p_start, p_end):
            pieces.extend(_words(text, s_start, s_end))
    return pieces


def chunk_spans(text: str) -> list[tuple[int, int]]:
    """Spans in document order, none empty, none longer than ``MAX_CHARS``; a piece is merged
    with the next while the chunk is shorter than ``MIN_CHARS`` and stays within ``MAX_CHARS``."""
    chunks: list[tuple[int, int]] = []
    for start, end in _pieces(text):
        if chunks:
            last_start, last_end = chunks[-1]
            if last_end - last_start < MIN_CHARS and end - last_start <= MAX_CHARS:
                chunks[-1] = (last_start, end)
                continue
        chunks.append((start, end))
    return chunks
