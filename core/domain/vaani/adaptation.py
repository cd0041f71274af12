"""Adapting one text to the platforms it is posted on: their length limits, counted as each
platform counts, a tone, hashtags, and a numbered thread where the platform has threads.

Lengths are Unicode code points; on twitter a URL counts as 23 whatever its length (t.co).
Nothing is cut silently: the adaptation lists every piece of text and every hashtag it dropped.
"""

import re
import unicodedata
from collections.abc import Sequence
from typing import Final, Literal

import msgspec

Platform = Literal["twitter", "instagram", "linkedin", "youtube", "whatsapp"]
Tone = Literal["formal", "casual", "devotional", "neutral", "uplifting"]


class PlatformRules(msgspec.Struct, frozen=True, kw_only=True):
    limit: int
    """Code points one post may hold."""
    max_hashtags: int
    url_length: int | None = None
    """What a URL counts for, whatever its length; None: its own length."""
    threads: bool = False


RULES: Final[dict[Platform, PlatformRules]] = {
    "twitter": PlatformRules(limit=280, max_hashtags=3, url_length=23, threads=True),
    "instagram": PlatformRules(limit=2_200, max_hashtags=30),
    "linkedin": PlatformRules(limit=3_000, max_hashtags=5),
    "youtube": PlatformRules(limit=5_000, max_hashtags=15),
    # WhatsApp documents no limit for a message; 65,536 is the size its clients accept.
    "whatsapp": PlatformRules(limit=65_536, max_hashtags=0),
}

TONES: Final[dict[Tone, tuple[str, str]]] = {
    "neutral": ("", ""),
    "formal": ("", ""),
    "casual": ("", " 🙂"),
    "devotional": ("🙏 ", " 🙏"),
    "uplifting": ("✨ ", " ✨"),
}
"""What each tone puts before and after the text; formal also capitalises and ends a sentence."""
PROFESSIONAL_CLOSING: Final = "\n\nI would welcome your thoughts in the comments."
"""LinkedIn's template: a formal text with an invitation to discuss."""

ELLIPSIS: Final = "…"
_URL: Final = re.compile(r"https?://\S+")
_SENTENCE_END: Final = re.compile(r"(?<=[.!?।॥])\s+")


class Cut(msgspec.Struct, frozen=True):
    kind: Literal["text", "hashtag"]
    content: str


class Adaptation(msgspec.Struct, frozen=True, kw_only=True):
    platform: Platform
    tone: Tone
    posts: tuple[str, ...]
    hashtags: tuple[str, ...]
    """The hashtags that made it into the posts."""
    cut: tuple[Cut, ...]


def platform_length(text: str, rules: PlatformRules) -> int:
    if rules.url_length is None:
        return len(text)
    urls = _URL.findall(text)
    return len(text) - sum(map(len, urls)) + rules.url_length * len(urls)


def hashtag(keyword: str) -> str | None:
    """``stock ledger`` -> ``#StockLedger``; letters, marks (Devanagari vowel signs) and digits kept."""
    words = ["".join(c for c in word if unicodedata.category(c)[0] in "LMN") for word in keyword.split()]
    joined = "".join(word[:1].upper() + word[1:] for word in words if word)
    return f"#{joined}" if joined else None


def apply_tone(text: str, tone: Tone, platform: Platform) -> str:
    text = " ".join(text.split())
    if tone == "formal" and text:
        text = text[0].upper() + text[1:]
        text = text if text[-1] in ".!?।॥" else text + "."
    before, after = TONES[tone]
    toned = f"{before}{text}{after}"
    return toned + PROFESSIONAL_CLOSING if platform == "linkedin" and tone == "formal" else toned


def adapt(text: str, platform: Platform, tone: Tone = "neutral", keywords: Sequence[str] = ()) -> Adaptation:
    """``text`` as posts for ``platform``; ``keywords`` (most relevant first) become hashtags."""
    rules = RULES[platform]
    body = apply_tone(text, tone, platform)
    tags = list(dict.fromkeys(t for t in map(hashtag, keywords) if t and t.lower() not in body.lower()))
    cut = [Cut("hashtag", t) for t in tags[rules.max_hashtags :]]
    tags = tags[: rules.max_hashtags]
    if rules.threads:
        posts, kept = _thread(body, tags, rules)
    else:
        posts, kept, text_cut = _single(body, tags, rules)
        cut += text_cut
    cut += [Cut("hashtag", t) for t in tags if t not in kept]
    return Adaptation(platform=platform, tone=tone, posts=tuple(posts), hashtags=tuple(kept), cut=tuple(cut))


def _single(body: str, tags: list[str], rules: PlatformRules) -> tuple[list[str], list[str], list[Cut]]:
    if platform_length(body, rules) > rules.limit:
        kept_text = _truncate(body, rules.limit - len(ELLIPSIS), rules)
        return [kept_text + ELLIPSIS], [], [Cut("text", body[len(kept_text) :].strip())]
    post, kept = body, list[str]()
    for tag in tags:
        candidate = f"{post}{' ' if kept else chr(10) * 2}{tag}"
        if platform_length(candidate, rules) <= rules.limit:
            post, kept = candidate, [*kept, tag]
    return [post], kept, []


def _truncate(text: str, budget: int, rules: PlatformRules) -> str:
    """The longest start of ``text`` within ``budget``, ended at a word boundary when there is one."""
    end = min(len(text), budget)
    while platform_length(text[:end], rules) > budget:
        end -= 1
    space = text.rfind(" ", 0, end + 1)
    return text[:space].rstrip() if space > 0 and end < len(text) else text[:end]


def _thread(body: str, tags: list[str], rules: PlatformRules) -> tuple[list[str], list[str]]:
    budget = rules.limit
    chunks = [body]
    if platform_length(body, rules) > rules.limit:
        digits = 1
        while True:
            # " k/n" with k and n at most `digits` long counts toward every post's limit.
            budget = rules.limit - (2 * digits + 2)
            chunks = _pack(body, budget, rules)
            if len(str(len(chunks))) <= digits:
                break
            digits += 1
    kept: list[str] = []
    for tag in tags:
        candidate = f"{chunks[-1]} {tag}"
        if platform_length(candidate, rules) <= budget:
            chunks[-1], kept = candidate, [*kept, tag]
    count = len(chunks)
    return [f"{chunk} {i}/{count}" if count > 1 else chunk for i, chunk in enumerate(chunks, 1)], kept


def _pack(body: str, budget: int, rules: PlatformRules) -> list[str]:
    """Sentences packed greedily into chunks within ``budget``; a sentence too long for one chunk
    is packed word by word, and a word too long for one, piece by piece."""
    chunks: list[str] = []
    for sentence in _SENTENCE_END.split(body):
        if platform_length(sentence, rules) > budget:
            units = [piece for word in sentence.split() for piece in _pieces(word, budget, rules)]
        else:
            units = [sentence]
        for unit in units:
            joined = f"{chunks[-1]} {unit}" if chunks else unit
            if chunks and platform_length(joined, rules) <= budget:
                chunks[-1] = joined
            else:
                chunks.append(unit)
    return chunks


def _pieces(word: str, budget: int, rules: PlatformRules) -> list[str]:
    """``word`` in pieces within ``budget``; a URL in it is never split (it counts as one)."""
    if platform_length(word, rules) <= budget:
        return [word]
    atoms = [part for part in re.split(f"({_URL.pattern})", word) if part]
    units: list[str] = []
    for atom in atoms:
        units += [atom] if _URL.fullmatch(atom) and rules.url_length else list(atom)
    pieces = [""]
    for unit in units:
        if pieces[-1] and platform_length(pieces[-1] + unit, rules) > budget:
            pieces.append("")
        pieces[-1] += unit
    return pieces
