"""The crisis screen: every query and agent run passes it first, whatever agent is named.

It errs towards escalation: a message that may speak of ending one's life or harming oneself
gets the helplines, even if it was meant otherwise; the everyday figures of speech of stress
("this deadline is killing me", "I'm dying to see it") are not in the lexicon. It reads English,
Hindi in Devanagari, and Hindi typed in Latin script as people type it (several spellings).
The answer is a fixed, reviewed text; only the helplines come from settings.
"""

import re
import unicodedata

import msgspec

SUICIDAL_INTENT = "suicidal_intent"
SELF_HARM = "self_harm"
METHOD = "method"

_EN_INTENT = (
    r"\b(kill|killing|hang|hanging|shoot|shooting|drown|drowning)\s+my\s?self\b",
    r"\bend(ing)?\s+(my|it)\s+(own\s+)?(life|all)\b",
    r"\btake\s+my\s+(own\s+)?life\b",
    r"\b(want|wanna|wish|going|gonna|plan|planning|ready|deserve)\s+(to\s+)?(die|be\s+dead)\b",
    r"\bsuicid(e|al)\b(?!\s+squad)",
    r"\bbetter\s+off\s+dead\b",
    r"\b(don'?t|do\s+not|no\s+longer)\s+want\s+to\s+(live|be\s+alive|exist|wake\s+up)\b",
    r"\b(no|nothing)\s+(reason|point)\s+(to|in)\s+(live|living|going\s+on)\b",
    r"\b(life|living)\s+(is\s+)?not\s+worth\s+(it|living)\b",
    r"\bnot\s+worth\s+living\b",
    r"\b(don'?t|do\s+not)\s+(want|wanna)\s+to\s+(live|be\s+alive|exist)\b",
    r"\b(dont|don'?t)\s+wanna\s+(live|be\s+alive|exist)\b",
    r"\bno\s+(reason|point)\s+(for\s+me\s+)?(to|in)\s+(live|living|go\s+on|going\s+on)\b",
    r"\b(going|gonna|want|wanna|plan|planning)\s+(to\s+)?end\s+it\s+(all|tonight|today|now)\b",
    r"\bkms\b",
    r"\bunalive\s+(my\s?self|me)\b",
)
_EN_SELF_HARM = (
    r"\b(cut|cutting|hurt|hurting|harm|harming|burn|burning|starve|starving)\s+my\s?self\b",
    r"\bself[-\s]?harm",
)
_EN_METHOD = (
    r"\boverdos(e|ing)\b",
    r"\bslit\s+my\s+(wrist|wrists|throat)\b",
    r"\bjump(ing)?\s+(off|from)\s+(a|the|this)\s+(bridge|building|roof|terrace|cliff)\b",
    r"\b(pills|tablets)\s+(to|that\s+will)\s+(die|kill)\b",
    r"\b(drink|drinking|eat|eating|take|taking)\s+(poison|pesticide|rat\s+poison|bleach)\b",
    r"\bpoison\s+my\s?self\b",
    r"\bnoose\b",
)
# Devanagari, after normalisation (no nukta, chandrabindu as anusvara): see ``normalise``.
_HI_INTENT = (
    r"मरना\s+चाहत[ाीे]",
    r"मर\s+जाना\s+चाहत[ाीे]",
    r"मर\s+जाऊं",
    r"मरना\s+है",
    r"मर\s+जाना\s+है",
    r"आत्महत्या",
    r"खुदकुशी",
    r"जीना\s+नहीं",
    r"जीने\s+(का\s+मन|की\s+इच्छा)\s+नहीं",
    r"(अपनी\s+)?जान\s+(दे|ले)\s+(दूं|दूंगा|दूंगी|लूं|लूंगा|लूंगी|दू|लू)",
    r"अपनी\s+जान\s+(देना|लेना)",
    r"जिंदगी\s+खत्म",
)
_HI_SELF_HARM = (r"(खुद|अपने\s+आप)\s+को\s+(मार|नुकसान|चोट|काट)",)
_HI_METHOD = (r"जहर\s+(खा|पी)", r"फांसी\s+(लगा|लगाना)")
_LATIN_HI_INTENT = (
    r"\bmarn[ae]\s+(chah?ta|chah?ti|chah?te)\b",
    r"\bmar\s+ja+na\s+(chah?ta|chah?ti|chah?te|hai)\b",
    r"\bmarna\s+hai\b",
    r"\bmar\s+ja(u|un|oon|unga|ungi)\b",
    r"\b(jeena|jina|jeene|jine)\s+(nahi|nahin|nai)\b",
    r"\b(jeene|jine)\s+ka\s+(mann?|man)\s+(nahi|nahin|nai)\b",
    r"\ba+tm(a)?hatya\b",
    r"\bkhud\s?k(h)?ushi\b",
    r"\bjaan\s+(de|le)\s+(du|dun|doon|dunga|dungi|lu|lun|loon|lunga|lungi)\b",
    r"\bapni\s+jaan\s+(dena|lena|de|le)\b",
    r"\bzindagi\s+(khatam|khatm)\b",
)
_LATIN_HI_SELF_HARM = (r"\b(khud|apne\s+aap)\s+ko\s+(maar|mar|nuksan|nuksaan|chot|kaat|kat)\b",)
_LATIN_HI_METHOD = (r"\b(zeher|zehar|jeher|jahar|zahar)\s+(kha|pi|pee)", r"\b(fansi|phansi|faansi|phaansi)\b")

LEXICON: dict[str, tuple[str, ...]] = {
    SUICIDAL_INTENT: _EN_INTENT + _HI_INTENT + _LATIN_HI_INTENT,
    SELF_HARM: _EN_SELF_HARM + _HI_SELF_HARM + _LATIN_HI_SELF_HARM,
    METHOD: _EN_METHOD + _HI_METHOD + _LATIN_HI_METHOD,
}
_COMPILED = {category: [re.compile(p) for p in patterns] for category, patterns in LEXICON.items()}
_DEVANAGARI = re.compile(r"[\u0900-\u097F]")


class CrisisFinding(msgspec.Struct, frozen=True, kw_only=True):
    categories: list[str]
    """What matched, never the words themselves."""
    language: str | None


def normalise(text: str) -> str:
    """Lower case, one space between words, curly apostrophes straight, Devanagari without
    nukta and with chandrabindu read as anusvara (people type both ways). What hides words from
    a pattern goes first: compatibility forms (fullwidth, mathematical letters) become plain
    ones, invisible format characters and Latin accents are dropped, Cyrillic and Greek letters
    that look Latin read as Latin, and letters spelt out one by one ("k.i.l.l") join up."""
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = unicodedata.normalize("NFD", text.lower())
    # Latin letters lose their accents; Devanagari keeps its vowel signs but not the nukta.
    text = "".join(ch for ch in text if not (unicodedata.combining(ch) and ch < "\u0900") and ch != "\u093c")
    text = unicodedata.normalize("NFC", text.translate(_LOOKALIKES)).replace("\u0901", "\u0902")
    text = _SPELT_OUT.sub(lambda m: re.sub(r"[.\-_* ]", "", m.group(0)), text)
    return " ".join(re.sub(r"[^\w\s'\u0900-\u097F-]", " ", text).split())


# Cyrillic and Greek letters that pass for Latin ones (Unicode's confusables, the lower-case few).
_LOOKALIKES = str.maketrans("аеіјорсухѕԁɡνοτκмнвιαρх", "aeijopcyxsdgvotkmhbiapx")
_SPELT_OUT = re.compile(r"\b(?:[a-z][.\-_* ]){2,}[a-z]\b")


def screen(text: str, language: str | None = None) -> CrisisFinding | None:
    """The categories ``text`` matches, or None for a message with no sign of crisis."""
    clean = normalise(text)
    categories = [name for name, patterns in _COMPILED.items() if any(p.search(clean) for p in patterns)]
    if not categories:
        return None
    seen = "hi" if _DEVANAGARI.search(clean) else None
    return CrisisFinding(categories=categories, language=language or seen)


class Helpline(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    number: str
    note: str = ""


DEFAULT_HELPLINES = (
    Helpline(name="Tele-MANAS", number="14416", note="free, 24x7, in many Indian languages"),
    Helpline(name="KIRAN", number="1800-599-0019", note="free, 24x7"),
    Helpline(name="Emergency", number="112", note="if you are in immediate danger"),
)

_ENGLISH = (
    "It sounds like you are going through something very painful, and I am glad you said it. "
    "You do not have to face this alone. Please talk to someone who can help, right now:\n"
    "{lines}\n"
    "If you can, also tell someone you trust how you are feeling, and stay with them."
)
_HINDI = (
    "लगता है आप बहुत कठिन समय से गुज़र रहे हैं, और अच्छा किया कि आपने यह कहा। आप अकेले नहीं हैं। "
    "कृपया अभी किसी से बात करें जो मदद कर सकता है:\n"
    "{lines}\n"
    "हो सके तो किसी भरोसेमंद व्यक्ति को बताएँ कि आप कैसा महसूस कर रहे हैं, और उनके साथ रहें।"
)


def crisis_answer(helplines: tuple[Helpline, ...], language: str | None) -> str:
    """The reviewed Wellness template: Hindi first for a Hindi speaker, English always."""
    lines = "\n".join(f"- {h.name}: {h.number}" + (f" ({h.note})" if h.note else "") for h in helplines)
    english = _ENGLISH.format(lines=lines)
    return f"{_HINDI.format(lines=lines)}\n\n{english}" if language == "hi" else english
