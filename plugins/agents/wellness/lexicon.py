"""What a message to the Wellness agent is about, by a small lexicon in three forms: English,
Hindi in Devanagari, and Hindi typed in Latin script (several spellings each).

Matching runs on ``crisis.normalise``'s text (lower case, Devanagari without nukta, chandrabindu as
anusvara), so the Devanagari entries below are written that way. Latin entries match whole words
(a pattern may allow endings); Devanagari ones match anywhere, since a vowel sign is not a word
character to a regex.
"""

import re
from typing import Literal

from core.domain.agents.crisis import normalise

Concern = Literal["stress", "sleep", "anxiety", "low_mood", "loneliness", "pressure", "anger", "grief"]

_CONCERNS: dict[Concern, tuple[str, ...]] = {
    "stress": (
        r"stress(ed|ful)?",
        r"overwhelm(ed|ing)?",
        r"tense",
        r"tension",
        r"burn(ed|t)?\s?out",
        r"too much (on my plate|to handle)",
        r"killing me",
        r"tanav",
        r"pareshan(i)?",
        "तनाव",
        "टेंशन",
        "परेशान",
    ),
    "sleep": (
        r"(can'?t|cannot|couldn'?t|unable to|not able to) sleep",
        r"sleep(ing)?",
        r"slept",
        r"insomnia",
        r"awake (all|at) night",
        r"nightmares?",
        r"neend",
        r"nind",
        r"so nahi? pa",
        "नींद",
        "सो नहीं",
        "अनिद्रा",
    ),
    "anxiety": (
        r"anxi(ety|ous)",
        r"worr(y|ied|ies|ying)",
        r"panic(king|ky)?",
        r"nervous",
        r"restless",
        r"on edge",
        r"chinta",
        r"ghabra(hat|ta|ti|na)?",
        r"bechain(i)?",
        r"dar lag(ta|ti|na)",
        "चिंता",
        "घबरा",
        "बेचैन",
        "डर लग",
    ),
    "low_mood": (
        r"sad(ness)?",
        r"(feel(ing)?|so|very|really) (low|down|empty|depressed|hopeless)",
        r"unmotivated",
        r"no motivation",
        r"(keep|been) crying",
        r"nothing makes me happy",
        r"udaa?s(i)?",
        r"dukhi",
        r"(mann?|dil) nahi?n? lag(ta|ti)",
        r"(mann?|dil) (bhari|udaas|udas|kharab)",
        "उदास",
        "दुखी",
        "मन नहीं लगता",
        "दिल नहीं लगता",
        "निराश",
    ),
    "loneliness": (
        r"lonely",
        r"loneliness",
        r"(feel|feeling|so|all) alone",
        r"isolated",
        r"no (one|body) to talk( to)?",
        r"no friends",
        r"akel(a|i|apan|aapan)",
        "अकेला",
        "अकेली",
        "अकेलापन",
    ),
    "pressure": (
        r"exams?",
        r"board exams?",
        r"deadlines?",
        r"workload",
        r"(my )?boss",
        r"office",
        r"assignments?",
        r"results?",
        r"marks",
        r"studies",
        r"studying",
        r"interviews?",
        r"pariksha",
        r"padhai",
        r"naukri",
        r"kaam ka (bojh|pressure|load)",
        "परीक्षा",
        "इम्तिहान",
        "पढाई",
        "नौकरी",
        "ऑफिस",
        "दफ्तर",
        "काम का बोझ",
    ),
    "anger": (
        r"angry",
        r"anger",
        r"furious",
        r"irritat(ed|ing|ion)",
        r"rage",
        r"(lose|losing|lost) my temper",
        r"frustrat(ed|ing|ion)",
        r"gh?ussa",
        r"chidchid(a|i|apan)",
        "गुस्सा",
        "क्रोध",
        "चिडचिड",
    ),
    "grief": (
        r"grie(f|ving|ve)",
        r"passed away",
        r"(died|death|funeral)",
        r"lost my (mother|father|mom|mum|dad|brother|sister|wife|husband|friend|son|daughter|grand\w+|pet)",
        r"miss (him|her|them) so much",
        r"(guzar|gujar) (gaye|gayi|gaya|gae)",
        r"nidhan",
        r"maut",
        "गुजर गए",
        "गुजर गई",
        "निधन",
        "मौत",
        "शोक",
    ),
}
"""In the order a reply lists them when a message names several (the more specific first)."""

# Asking for a diagnosis or for medicine. Drug names are here only to recognise the request: an
# answer never repeats them.
_MEDICAL = (
    r"\b(which|what|any|some|a|good|best|suggest|recommend|prescribe)\s+(\w+\s+)?"
    r"(medicines?|medications?|meds|pills?|tablets?|drugs?|antidepressants?)\b",
    r"\b(medicines?|medications?|meds|pills?|tablets?|antidepressants?)\s+(for|to)\b",
    r"\bsleeping\s+(pills?|tablets?)\b",
    r"\b(dose|dosage|prescription|prescribe)\b",
    r"\b(diagnose|diagnosis)\b",
    r"\b(do|could|might)\s+i\s+have\s+(depression|anxiety|adhd|ocd|ptsd|bipolar|insomnia|"
    r"a\s+(mental|anxiety|panic|sleep|personality)\s+(illness|disorder))\b",
    r"\bam\s+i\s+(depressed|bipolar|mentally ill|clinically)\b",
    r"\b(is\s+it|is\s+this)\s+(depression|bipolar|adhd|ocd|ptsd|an?\s+\w+\s+disorder)\b",
    r"\b(xanax|alprazolam|clonazepam|lorazepam|diazepam|valium|ativan|zolpidem|sertraline|zoloft|"
    r"fluoxetine|prozac|escitalopram|lexapro|melatonin)\b",
    r"\b(dawai|dawa|dava|davai|dawaai)\b",
    r"\b(neend|nind|sone)\s+ki\s+(goli|golia|goliyan|dawai|dawa)\b",
    r"\bgoli(yan|yaan)?\b",
    r"\bkya\s+mujhe\s+(depression|anxiety|bipolar|adhd|ocd|koi\s+(bimari|bimaari|rog))\s+(hai|h)\b",
    r"दवा",
    r"दवाई",
    r"गोली",
    r"क्या\s+मुझे\s+(डिप्रेशन|अवसाद|एंग्जायटी|कोई\s+(बीमारी|रोग)|बाइपोलर)",
)
_LATIN_HINDI = re.compile(
    r"\b(hai|hain|hoon|hun|mujhe|mera|meri|mere|nahi|nahin|nai|bahut|bohot|kya|kyun|kaise|lagta|"
    r"lagti|raha|rahi|karu|karun|kar|yaar|aur|par|se|ko|ki|ka|ke|chahiye|chahie|aati|aata|hota|hoti|"
    r"kuch|koi|bhi|main|mai|hum|tum|aap|raat|din)\b"
)
_DEVANAGARI = re.compile(r"[\u0900-\u097f]")


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern if _DEVANAGARI.search(pattern) else rf"\b(?:{pattern})\b")


_COMPILED = {concern: [_compile(p) for p in patterns] for concern, patterns in _CONCERNS.items()}
_MEDICAL_COMPILED = [re.compile(p) for p in _MEDICAL]


def concerns(text: str) -> list[Concern]:
    """The concerns the message names, most matches first (ties in lexicon order)."""
    clean = normalise(text)
    counts = {c: sum(bool(p.search(clean)) for p in patterns) for c, patterns in _COMPILED.items()}
    order = list(_COMPILED)
    return sorted((c for c, n in counts.items() if n), key=lambda c: (-counts[c], order.index(c)))


def asks_for_medical_advice(text: str) -> bool:
    """A request for a diagnosis or for medicine, which the agent declines."""
    clean = normalise(text)
    return any(p.search(clean) for p in _MEDICAL_COMPILED)


def mentions_medicine(text: str) -> bool:
    """Used to keep knowledge-base sentences that talk about medicine out of an answer."""
    return asks_for_medical_advice(text) or bool(
        re.search(r"\b(medicines?|medications?|drugs?|pills?|tablets?|mg)\b", normalise(text))
    )


def script(text: str) -> Literal["devanagari", "latin-hindi", "english"]:
    if _DEVANAGARI.search(text):
        return "devanagari"
    return "latin-hindi" if len(_LATIN_HINDI.findall(normalise(text))) >= 2 else "english"
