"""What the router knows besides the agents' own examples: requests it declines, requests too
vague to act on, and where one message asks for several things.

The examples are the router's own "agents": a query nearer to them than to any agent's examples
is declined or answered with a clarifying question. They are in English, Hindi in Devanagari and
Hindi typed in Latin script, like the agents' examples.
"""

import re
from collections.abc import Sequence

DECLINE = "decline"
CLARIFY = "clarify"

DECLINE_EXAMPLES = (
    "book me a flight to Mumbai for tomorrow",
    "reserve a hotel room in Goa",
    "order a pizza for dinner",
    "transfer 5000 rupees to my brother's account",
    "pay my electricity bill",
    "what is the weather in Delhi right now",
    "what is the Sensex at today",
    "what's the live cricket score",
    "turn off the lights in the living room",
    "send an email to my manager saying I am sick",
    "hack into my ex's instagram account",
    "how do I make a bomb",
    "write a virus that steals passwords",
    "prescribe me antibiotics for my fever",
    "call a taxi to the airport",
    "buy bitcoin for me",
    "मेरे लिए दिल्ली की फ्लाइट बुक करो",
    "आज मौसम कैसा है",
    "मेरे खाते से पैसे ट्रांसफर करो",
    "खाना ऑर्डर कर दो",
    "किसी का फोन हैक कैसे करें",
    "mere liye train ticket book kar do",
    "aaj ka weather kya hai",
    "paise transfer kar do papa ke account mein",
    "zomato se khana mangwa do",
    "kisi ka whatsapp hack kaise kare",
    "get me a cab to the station at 6 am",
    "send 500 rupees to my friend on UPI",
    "what is the price of gold today",
    "set an alarm for 7 am",
    "post this on my Facebook page",
    "message my wife on WhatsApp that I'll be late",
    "पापा को व्हाट्सऐप पर मैसेज भेज दो",
    "एसी चालू कर दो",
    "आज सोने का भाव क्या है",
    "टैक्सी बुला दो स्टेशन के लिए",
    "uber book kar do office ke liye",
    "gpay se 200 rupaye bhej do",
    "sensex abhi kitna hai",
    "fan band kar do",
    "mummy ko message bhej do ki late aaunga",
)

CLARIFY_EXAMPLES = (
    "help",
    "can you do it?",
    "what about that one",
    "hmm",
    "ok and then?",
    "do the thing",
    "I need something",
    "same as before",
    "मदद",
    "ये करो",
    "वो वाला",
    "kuch karo",
    "wo wala",
    "haan",
)

_SPLITTERS = (
    r",?\s+and\s+then\s+",
    r",?\s+then\s+",
    r",?\s+after\s+that,?\s+",
    r",?\s+and\s+also\s+",
    r"\s+and\s+(?=(?:please\s+)?[a-z]+\s+(?:it|them|this|that|the|my|me|a|an|its|their)\b)",
    r";\s+",
    r"(?<=[.?!।])\s+",
    r"\s+और\s+फिर\s+",
    r"\s+फिर\s+",
    r",?\s+उसके\s+बाद\s+",
    r",?\s+इसके\s+बाद\s+",
    r"\s+और\s+",
    r"\s+aur\s+(?:phir|fir)\s+",
    r"\s+(?:phir|fir)\s+",
    r",?\s+(?:uske|iske)\s+baad\s+",
    r"\s+aur\s+",
    r"\s+(?:karke|kar\s+ke|करके|कर\s+के)\s+",
    r",\s+(?:and\s+)?(?=(?:then\s+)?(?:give|make|turn|translate|summari[sz]e|read|tell|send|write|find|create|quiz|explain)\b)",
)
_SPLIT = re.compile("|".join(f"(?:{pattern})" for pattern in _SPLITTERS), re.IGNORECASE)
MIN_CLAUSE_WORDS = 2


def clauses(text: str) -> list[str]:
    """The parts of ``text`` that may each ask for something ("find the policy and then
    summarise it"); one part when nothing splits it. Fragments shorter than two words join
    the part before them, so "cats and dogs" stays whole."""
    parts: list[str] = []
    for piece in _SPLIT.split(text.strip()):
        piece = piece.strip(" ,;")
        if not piece:
            continue
        if parts and len(piece.split()) < MIN_CLAUSE_WORDS:
            parts[-1] = f"{parts[-1]} {piece}"
        else:
            parts.append(piece)
    return parts or [text.strip()]


_QUOTED = re.compile(r"'[^']{12,}'|\"[^\"]{12,}\"|\u2018[^\u2019]{12,}\u2019|\u201c[^\u201d]{12,}\u201d")
_AFTER_COLON = re.compile(r"^([^:\n]{8,120}?):\s+(.{40,})$", re.DOTALL)


def request_part(text: str) -> str:
    """The words that ask, without the material they ask about: a quoted text, or what follows
    the colon of "give me the keywords of this paragraph: <paragraph>"."""
    asked = _QUOTED.sub("'…'", text)
    colon = _AFTER_COLON.match(asked)
    return colon.group(1) if colon else asked


def clarify_answer(titles: Sequence[str], text: str) -> str:
    """The question the router asks back, naming what the caller's agents can do."""
    offer = ", ".join(titles)
    if _DEVANAGARI.search(text):
        return f"आप क्या करवाना चाहते हैं, थोड़ा और बताइए। मैं इनमें मदद कर सकता हूँ: {offer}."
    return f"Could you say a little more about what you need? I can help with: {offer}."


def decline_answer(titles: Sequence[str], text: str) -> str:
    """The router's answer to a request outside what the platform does."""
    offer = ", ".join(titles)
    if _DEVANAGARI.search(text):
        return f"यह काम इस प्लेटफ़ॉर्म के दायरे से बाहर है। मैं इनमें मदद कर सकता हूँ: {offer}."
    return f"That is outside what this platform does, so I won't try it. I can help with: {offer}."


_DEVANAGARI = re.compile("[\u0900-\u097f]")
