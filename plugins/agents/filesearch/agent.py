"""The FileSearch agent: finds the caller's files in the platform's file store.

It lists what ``context.files`` holds for the caller (``FileStore.owned``; the context's store
is bound to the caller, so nobody else's file is ever seen) and never touches the server's own
file system. Stored files have no client-given names: a file's name is its id. A file matches
when the question's content words occur in its id, its content type or, for text files (text/*
and JSON), its decoded text; a question with no content words ("list my files") matches every
file the filters let through. The inputs filter by content type (``text/plain``, or a prefix such
as ``text/`` or ``image``) and by a substring of the name.
"""

import re
from typing import ClassVar

import msgspec

from core.ports.agents import Agent, AgentContext, AgentResult, AgentTask, Source
from core.ports.files import FileNotFound, StoredFile
from plugins.inputs import read_inputs
from plugins.text import content_words

SCANNED = 500
"""At most this many of the caller's newest files are looked at."""
TEXT_BYTES = 1_000_000
"""Only the first megabyte of a text file is searched."""
EXCERPT = 160
NOTHING = "No file of yours matches this."
NO_FILES = "You have no stored files to search."
# Words of the request itself, as ``content_words`` gives them (plurals folded).
_FILLER = frozenset(
    {
        "file",
        "find",
        "search",
        "list",
        "show",
        "my",
        "me",
        "all",
        "named",
        "called",
        "containing",
        "contain",
        "mention",
        "mentioning",
        "about",
        "with",
        "which",
        "document",
        "stored",
        "uploaded",
        "word",
        "फ़ाइलों",
        "फ़ाइल",
        "फाइल",
        "फाइलों",
        "खोजो",
        "खोजें",
        "दिखाओ",
        "मेरी",
    }
)


class FileSearchOptions(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    content_type: str | None = None
    """``text/plain`` exactly, or a prefix: ``text/``, ``image``."""
    name_contains: str | None = None
    """A substring of the file's name (its id), any case."""
    limit: int = msgspec.field(default=10)
    """How many matches to list, best first (1-50)."""


class _Match(msgspec.Struct, frozen=True, kw_only=True):
    file: StoredFile
    score: float
    where: tuple[str, ...]
    excerpt: str | None


class FileSearchAgent(Agent):
    name = "filesearch"
    title = "File search"
    description = (
        "Searches your stored files (only yours) by name, content type and, for text files, their "
        "text; filters by content type and name; lists what matched, each file as a source."
    )
    version = "0.1.0"
    examples = (
        "Find my files that mention invoices",
        "Search my uploaded files for the word budget",
        "List my text files",
        "Which of my files contain the meeting notes?",
        "where is the PDF I uploaded last week",
        "show me all the spreadsheets I've uploaded",
        "do I have any uploaded file about the vendor contract",
        "look through my documents for anything mentioning GST",
        "मेरी फ़ाइलों में बजट खोजो",
        "मैंने जो फ़ाइलें अपलोड की थीं उनमें किराये का अनुबंध कौन सा है",
        "मेरी सारी पीडीएफ़ फ़ाइलें दिखाओ",
        "पिछले महीने अपलोड की गई फ़ोटो कहाँ है",
        "meri uploaded files me invoice wali file dhundo",
        "maine jo pdf upload kiya tha wo kahan hai",
        "meri saari excel files ki list do",
        "kaunsi file me rent agreement ka zikr hai",
        "find the photos I uploaded from my trip",
        "which of my uploaded documents mention the marketing campaign",
        "kal jo file upload ki thi wo dikhao",
        "मेरी अपलोड की हुई तस्वीरें कहाँ हैं",
    )
    keywords: ClassVar[tuple[str, ...]] = ("file", "files", "search", "find", "uploaded", "फ़ाइल")
    input_schema = FileSearchOptions

    async def run(self, task: AgentTask, context: AgentContext) -> AgentResult:
        options = read_inputs(task, FileSearchOptions)
        limit = min(max(options.limit, 1), 50)
        wanted = content_words(task.text) - _FILLER
        files = await context.files.owned(context.caller.subject, limit=SCANNED)
        filtered = [file for file in files if _passes(file, options)]
        matches: list[_Match] = []
        for file in filtered:
            match = await _match(file, wanted, context)
            if match is not None:
                matches.append(match)
        matches.sort(key=lambda match: (-match.score, -match.file.created_at.timestamp()))
        shown = matches[:limit]
        data = {
            "scanned": len(files),
            "filtered": len(filtered),
            "matched": len(matches),
            "terms": sorted(wanted),
        }
        if not shown:
            return AgentResult(
                answer=NO_FILES if not files else NOTHING,
                engine="rules",
                confidence=0.1,
                data=data,
                language=task.language,
            )
        return AgentResult(
            answer=_answer(shown, len(matches)),
            engine="rules",
            confidence=round(max(0.3, min(0.95, shown[0].score)), 2),
            sources=tuple(_source(match) for match in shown),
            data=data,
            language=task.language,
        )


def _passes(file: StoredFile, options: FileSearchOptions) -> bool:
    if options.content_type:
        wanted = options.content_type.split(";", 1)[0].strip().lower()
        if not file.content_type.lower().startswith(wanted):
            return False
    return not options.name_contains or options.name_contains.lower() in file.id.lower()


def _is_text(content_type: str) -> bool:
    return content_type.startswith("text/") or content_type in {"application/json", "application/xml"}


async def _match(file: StoredFile, wanted: set[str], context: AgentContext) -> _Match | None:
    if not wanted:
        return _Match(file=file, score=0.5, where=("listing",), excerpt=None)
    found: dict[str, set[str]] = {
        "name": wanted & content_words(file.id.replace("-", " "))
        | {w for w in wanted if w in file.id.lower()},
        "content type": wanted & content_words(file.content_type.replace("/", " ")),
    }
    excerpt = None
    if _is_text(file.content_type):
        try:
            content = await context.files.get(file.id)
        except FileNotFound:  # deleted since it was listed
            return None
        text = content.data[:TEXT_BYTES].decode("utf-8", errors="replace")
        found["text"] = wanted & content_words(text)
        if found["text"]:
            excerpt = _excerpt(text, found["text"])
    hit = set().union(*found.values())
    if not hit:
        return None
    return _Match(
        file=file,
        score=round(len(hit) / len(wanted), 2),
        where=tuple(where for where, words in found.items() if words),
        excerpt=excerpt,
    )


def _excerpt(text: str, words: set[str]) -> str:
    """The text around the first place one of ``words`` occurs (as a whole word, any case)."""
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(words))) + r")", re.IGNORECASE)
    found = pattern.search(text)
    start = max(0, found.start() - EXCERPT // 3) if found else 0
    snippet = " ".join(text[start : start + EXCERPT].split())
    return ("…" if start else "") + snippet + ("…" if start + EXCERPT < len(text) else "")


def _answer(shown: list[_Match], total: int) -> str:
    head = f"{total} of your files match" if total != 1 else "1 of your files matches"
    more = f" (the best {len(shown)} listed)" if total > len(shown) else ""
    lines = [f"{head}{more}:"]
    for match in shown:
        file = match.file
        line = f"- {file.id} ({file.content_type}, {file.size} bytes, {file.created_at:%Y-%m-%d})"
        if match.where != ("listing",):
            line += f", matched in {', '.join(match.where)}"
        if match.excerpt:
            line += f": {match.excerpt}"
        lines.append(line)
    return "\n".join(lines)


def _source(match: _Match) -> Source:
    file = match.file
    return Source(
        kind="file",
        id=file.id,
        title=file.id,
        excerpt=match.excerpt,
        reference=f"{file.content_type}, {file.size} bytes, stored {file.created_at:%Y-%m-%d %H:%M}",
    )
