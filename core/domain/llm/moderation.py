"""The rule-based moderator: precise patterns for requests and answers no caller should get.

Rules look for *intent* (how to make, write, do) next to a harmful object, not for scary words:
"how does ransomware work", "Assassin's Creed trivia", "how to kill a stuck process", "how do I
prevent SQL injection" and "sex education for children" all pass, while "how do I build a pipe
bomb" and "write me a keylogger" do not. Some tempting rules are left out on purpose because
they refuse ordinary text: "how to get away with murder" (a TV series), the slurs that are also
everyday words ("chink in the armour", "Spic and Span"), "CSAM" (trust-and-safety work talks
about it). A rule-based moderator catches the plain phrasings; a model-based ``Moderator`` can
sit behind the same port for the rest.

Matching runs on NFKC-normalised, case-folded text with invisible characters removed (every
format character, zero-width and direction marks among them, and variation selectors),
typographic apostrophes made plain and Cyrillic and Greek look-alikes read as the Latin letters
they imitate (so full-width letters, a bomb with a zero-width space or a left-to-right mark in it,
and a bomb spelt with a Cyrillic o match too), with word boundaries that also treat Devanagari
vowel signs as part of a word.
"""

import re
import unicodedata
from collections.abc import Iterable
from enum import StrEnum

import msgspec

from core.domain.errors import RuleViolated
from core.ports.moderation import ALLOWED, ModerationStage, ModerationVerdict, Moderator


class Category(StrEnum):
    VIOLENT_THREATS = "violent_threats"
    SELF_HARM_INSTRUCTIONS = "self_harm_instructions"
    SEXUAL_MINORS = "sexual_minors"
    HATE = "hate"
    WEAPONS_EXPLOSIVES = "weapons_explosives"
    MALWARE_CREATION = "malware_creation"


class Rule(msgspec.Struct, frozen=True):
    id: str
    category: Category
    pattern: str
    """A regular expression over normalised text; word boundaries are added around it."""


class ModerationSettings(msgspec.Struct, frozen=True, kw_only=True):
    """Which flagged categories refuse a text, per caller role (others get ``refused``)."""

    refused: frozenset[Category] = frozenset(Category)
    refused_by_role: dict[str, frozenset[Category]] = msgspec.field(default_factory=dict)

    def refused_for(self, role: str) -> frozenset[Category]:
        return self.refused_by_role.get(role, self.refused)


class ContentRefused(RuleViolated):
    """The moderator refused a prompt or an answer; the verdict names why, never the text."""

    code = "content_refused"

    def __init__(self, verdict: ModerationVerdict, stage: ModerationStage) -> None:
        super().__init__(
            f"the {stage} was refused by the content policy ({', '.join(verdict.categories)})",
            categories=list(verdict.categories),
        )
        self.verdict = verdict
        self.stage = stage


_HOW_TO = (
    r"(?:how\s+(?:do\s+i|to|can\s+i|would\s+i|should\s+i|does\s+one)|steps?\s+to|"
    r"instructions?\s+(?:for|to|on)|guide\s+to|tutorial\s+(?:for|on)|teach\s+me\s+(?:how\s+)?to|"
    r"help\s+me|tell\s+me\s+how\s+to|ways?\s+to)"
)
_MAKE = r"(?:build|make|assemble|construct|create|manufacture|put\s+together|cook)"
_PERSON = (
    r"(?:neighbou?rs?|wife|husband|boss|teacher|mother|father|mom|mum|dad|brother|sister|friend|"
    r"co-?workers?|colleagues?|ex|girlfriend|boyfriend|child|kids?|baby|son|daughter|person|"
    r"someone|somebody|people|family|classmates?|landlord)"
)
_SOFTWARE_THING = (
    r"(?:process(?:es)?|threads?|tasks?|jobs?|pids?|nodes?|pods?|containers?|workers?|sessions?|"
    r"windows?|widgets?|elements?|components?|branch(?:es)?)"
)
"""What "child", "parent" or "ex" name in a programmer's question."""
_GROUP = (
    r"(?:jews|muslims|christians|hindus|sikhs|buddhists|blacks|whites|asians|immigrants|refugees|"
    r"gays|lesbians|trans\s+people|arabs|mexicans|africans|indians|pakistanis|dalits|women|roma)"
)
_MINOR = (
    r"(?:an?\s+)?(?:child|children|kids?|minors?|underage\s+\w+|preteens?|toddlers?|"
    r"(?:[1-9]|1[0-7])[\s-]*(?:yo|y/o|years?[\s-]*old)s?(?:\s+(?:girls?|boys?|kids?))?)"
)

RULES: tuple[Rule, ...] = (
    Rule(
        id="weapons.explosive-device-howto",
        category=Category.WEAPONS_EXPLOSIVES,
        pattern=rf"{_HOW_TO}\s+(?:\w+\s+){{0,2}}?{_MAKE}\s+(?:an?\s+|my\s+own\s+|the\s+|some\s+)?"
        r"(?:homemade\s+)?(?:pipe[\s-]*bombs?|bombs?|ieds?|improvised\s+explosives?(?:\s+devices?)?|"
        r"molotov(?:\s+cocktails?)?|explosives|explosive\s+(?:devices?|charges?|vests?)|detonators?|"
        r"grenades?|napalm|car\s+bombs?|nail\s+bombs?)"
        # "a bomb-proof shelter", "a grenade launcher for airsoft" name other things.
        r"(?!-|\s+(?:launchers?|shelters?|squads?|disposal|detectors?|sniffing)\b)",
    ),
    Rule(
        id="weapons.explosive-synthesis",
        category=Category.WEAPONS_EXPLOSIVES,
        pattern=rf"(?:{_MAKE}|making|synthesi[sz]e|synthesi[sz]ing|recipe\s+for)\s+"
        r"(?:tatp|hmtd|nitroglycerine?|semtex|rdx|petn|ammonium\s+nitrate\s+bombs?)",
    ),
    Rule(
        id="weapons.untraceable-or-automatic-gun",
        category=Category.WEAPONS_EXPLOSIVES,
        pattern=r"(?:(?:3d[\s-]*print|build|make|manufacture)\s+(?:an?\s+)?(?:untraceable|ghost)\s+guns?|"
        r"(?:convert|modify)\s+(?:my\s+|an?\s+|the\s+)?[\w-]+(?:\s+rifle)?\s+(?:to|into)\s+"
        r"(?:full[\s-]*auto|fully\s+automatic))",
    ),
    Rule(
        id="weapons.hindi-bomb-howto",
        category=Category.WEAPONS_EXPLOSIVES,
        pattern=r"(?:पाइप\s+)?बम\s+(?:कैसे\s+बना(?:एं|एँ|ऊं|ऊँ|ते|ना|ये|ए)|बनाने\s+(?:का|की)\s+(?:तरीका|विधि))",
    ),
    Rule(
        id="violence.harm-a-person-howto",
        category=Category.VIOLENT_THREATS,
        # Not "shoot": "how to shoot my friend's portrait". Not a possessive: "my neighbour's weeds".
        # Not software: "how do I kill the child process", "how to kill a child thread".
        pattern=rf"{_HOW_TO}\s+(?:kill|murder|poison|strangle|stab|behead)\s+"
        rf"(?:my|a|the|his|her|our|their|this)\s+(?:\w+\s+)?{_PERSON}(?!'|\s+{_SOFTWARE_THING}\b)",
    ),
    Rule(
        id="violence.first-person-threat",
        category=Category.VIOLENT_THREATS,
        pattern=r"(?:i(?:'m|\s+am)\s+(?:going\s+to|gonna)|i\s+(?:will|shall|gonna)|i'll)\s+(?:kill|murder|shoot|stab|behead|"
        r"slaughter)\s+(?:you|him|her|them|everyone|every\s*one|all\s+of\s+you|your\s+family|my\s+\w+)",
    ),
    Rule(
        id="self-harm.method-howto",
        category=Category.SELF_HARM_INSTRUCTIONS,
        pattern=r"(?:how|(?:best|easiest|quickest|fastest|painless|surest)\s+ways?)\s+(?:do\s+i\s+|to\s+|"
        r"can\s+i\s+|should\s+i\s+)?(?:kill\s+myself|commit\s+suicide|end\s+my\s+(?:own\s+)?life|"
        r"hang\s+myself|slit\s+my\s+wrists?|cut\s+myself)",
    ),
    Rule(
        id="self-harm.lethal-amount",
        category=Category.SELF_HARM_INSTRUCTIONS,
        # Named to medicines: "how many calories to die of hunger" is a nutrition question.
        pattern=r"how\s+(?:many|much)\s+(?:of\s+)?(?:my\s+|\w+\s+)?(?:pills|tablets|mg|milligrams|"
        r"grams|paracetamol|tylenol|acetaminophen|insulin|ibuprofen|aspirin)\s+(?:\w+\s+){0,4}?"
        r"(?:kill\s+(?:me|myself)|end\s+my\s+life|die|overdose)",
    ),
    Rule(
        id="minors.sexual-material",
        category=Category.SEXUAL_MINORS,
        pattern=r"(?:child|underage|preteen|kiddie|loli)\s+(?:porn|pornography|nudes|erotica|sex\s+videos?)",
    ),
    Rule(
        id="minors.sexual-request",
        category=Category.SEXUAL_MINORS,
        pattern=r"(?:nude|naked|explicit|erotic|sexual|sexy|lewd)\s+(?:photos?|pictures?|images?|pics|"
        rf"videos?|stor(?:y|ies)|roleplay|role-play|content|scenes?)\s+(?:of|with|about|involving)\s+{_MINOR}",
    ),
    Rule(
        id="hate.slur",
        category=Category.HATE,
        # Kept short on purpose: only slurs with no everyday meaning (see the module's docstring).
        pattern=r"(?:n[i1!]gg(?:er|ers|a|as|ah|az)|k[i1]kes?|f[a@]gg[o0]ts?)",
    ),
    Rule(
        id="hate.call-for-extermination",
        category=Category.HATE,
        pattern=rf"(?:all|every|the)\s+(?:\w+\s+){{0,2}}?{_GROUP}\s+(?:should|must|deserve\s+to|need\s+to|"
        r"ought\s+to|have\s+to)\s+(?:all\s+)?(?:be\s+)?(?:die|killed|exterminated|gassed|wiped\s+out|"
        r"eradicated|burned|hanged|lynched)",
    ),
    Rule(
        id="malware.write-malware",
        category=Category.MALWARE_CREATION,
        pattern=r"(?:write|create|code|build|make|develop|generate|give\s+me|program)\s+(?:me\s+)?"
        r"(?:an?\s+|some\s+|the\s+)?(?:(?:working|undetectable|fud|new|simple|python|c\+\+|"
        r"powershell|custom)\s+)*(?:ransomware|keyloggers?|rootkits?|botnets?|trojans?|info[\s-]*stealers?|"
        r"credential[\s-]*stealers?|cryptojackers?|self[\s-]*spreading\s+worms?|polymorphic\s+virus|"
        r"computer\s+virus)"
        # Defenders build "a keylogger detector" and "a botnet detection model".
        r"(?![\s-]+(?:detect\w*|scanners?|removal|remover|protection|defen[cs]es?|analy[sz]\w*|"
        r"classifiers?|signatures?|rules?|reports?|trends?|models?))",
    ),
    Rule(
        id="malware.evade-detection",
        category=Category.MALWARE_CREATION,
        pattern=r"(?:(?:bypass|evade|disable|get\s+past)\s+(?:\w+\s+){0,2}?(?:antivirus|anti-virus|edr|"
        r"windows\s+defender|av\s+detection)(?!\s+false\s+positives?)|(?:undetectable|fud)\s+(?:payloads?|malware|backdoors?|"
        r"crypters?))",
    ),
)

_LETTER = r"[\w\u0900-\u0dff]"  # \w misses Indic vowel signs, which sit inside words
_FORMAT_CHARACTERS = (  # Unicode's category Cf (14.0): invisible, they only steer rendering
    (0x00AD, 0x00AD), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD), (0x070F, 0x070F),
    (0x0890, 0x0891), (0x08E2, 0x08E2), (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E),
    (0x2060, 0x2064), (0x2066, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD),
    (0x110CD, 0x110CD), (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001), (0xE0020, 0xE007F),
)  # fmt: skip
_ALSO_INVISIBLE = (
    (0x034F, 0x034F),  # the combining grapheme joiner
    (0xFE00, 0xFE0F),  # variation selectors
    (0xE0100, 0xE01EF),
)
_BLANK_LETTERS = "\u115f\u1160\u3164\uffa0"
"""Hangul fillers: letters by category, blanks to the eye."""
_INVISIBLE_AND_QUOTES = {
    **{code: None for first, last in _FORMAT_CHARACTERS + _ALSO_INVISIBLE for code in range(first, last + 1)},
    **dict.fromkeys(map(ord, _BLANK_LETTERS), " "),
    ord("\u2019"): "'",
}
_LOOKALIKES = str.maketrans(
    # Cyrillic and Greek letters drawn as Latin ones (after case folding), as in "b\u043emb".
    "\u0430\u0435\u0456\u0458\u043e\u0440\u0441\u0443\u0445\u0455\u0501\u04bb\u051b\u051d\u04cf\u043a"
    "\u03b1\u03bf\u03c1\u03bd\u03b9\u03ba\u03c4\u03c5\u03c7",
    "aeijopcyxsdhqwlkaopviktux",
)


def normalise(text: str) -> str:
    plain = unicodedata.normalize("NFKC", text).translate(_INVISIBLE_AND_QUOTES).casefold()
    return plain.translate(_LOOKALIKES)


class RuleBasedModerator(Moderator):
    def __init__(self, settings: ModerationSettings | None = None, rules: Iterable[Rule] = RULES) -> None:
        self._settings = settings or ModerationSettings()
        self._rules = [
            (rule, re.compile(rf"(?<!{_LETTER})(?:{rule.pattern})(?!{_LETTER})")) for rule in rules
        ]

    async def check(self, text: str, *, role: str, stage: ModerationStage) -> ModerationVerdict:
        return self.verdict(text, role=role)

    def verdict(self, text: str, *, role: str) -> ModerationVerdict:
        """The same rules for prompts and answers: what may not be asked may not be answered."""
        plain = normalise(text)
        matched = [rule for rule, pattern in self._rules if pattern.search(plain)]
        if not matched:
            return ALLOWED
        categories = tuple(dict.fromkeys(rule.category.value for rule in matched))
        refused = self._settings.refused_for(role)
        return ModerationVerdict(
            allowed=not any(rule.category in refused for rule in matched),
            categories=categories,
            rule_ids=tuple(rule.id for rule in matched),
        )
