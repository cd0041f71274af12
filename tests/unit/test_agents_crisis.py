"""The crisis screen errs towards escalation in English, Hindi and Hindi typed in Latin script,
and leaves the everyday language of stress alone."""

import pytest

from core.domain.agents.crisis import (
    DEFAULT_HELPLINES,
    METHOD,
    SELF_HARM,
    SUICIDAL_INTENT,
    crisis_answer,
    screen,
)

CRISES = [
    ("I want to end my life", SUICIDAL_INTENT),
    ("i dont want to live anymore", SUICIDAL_INTENT),
    ("I've been thinking about suicide", SUICIDAL_INTENT),
    ("everyone would be better off dead without me... I mean I'd be better off dead", SUICIDAL_INTENT),
    ("I keep cutting myself", SELF_HARM),
    ("how many pills to die", METHOD),
    ("I will jump off the bridge tonight", METHOD),
    ("मैं मरना चाहता हूँ", SUICIDAL_INTENT),
    ("मैं मरना चाहती हूं", SUICIDAL_INTENT),
    ("अब जीना नहीं है", SUICIDAL_INTENT),
    ("आत्महत्या के बारे में सोच रहा हूँ", SUICIDAL_INTENT),
    ("ज़हर खा लूँगा", METHOD),
    ("mujhe jeena nahi hai", SUICIDAL_INTENT),
    ("main marna chahta hoon", SUICIDAL_INTENT),
    ("aatmhatya kar lunga", SUICIDAL_INTENT),
    ("khud ko nuksan pahunchana chahti hu", SELF_HARM),
]
ORDINARY = [
    "this deadline is killing me",
    "I'm dying to see the movie",
    "I'm so stressed about exams",
    "my phone battery died",
    "that joke killed me",
    "kal exam hai, bahut tension hai",
    "How much stock is left in the warehouse?",
    "मुझे यह फिल्म देखनी है",
]


@pytest.mark.parametrize(("text", "category"), CRISES)
def test_a_crisis_is_recognised(text: str, category: str) -> None:
    finding = screen(text)
    assert finding is not None, text
    assert category in finding.categories


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_stress_is_not_a_crisis(text: str) -> None:
    assert screen(text) is None


def test_devanagari_is_answered_in_hindi_first_and_always_in_english_with_the_helplines() -> None:
    finding = screen("मैं मरना चाहता हूँ")
    assert finding is not None
    assert finding.language == "hi"
    answer = crisis_answer(DEFAULT_HELPLINES, finding.language)
    assert answer.index("कृपया") < answer.index("Please")
    assert "14416" in answer
    assert "1800-599-0019" in answer


HIDDEN = [
    "I want to kil\u200bl myself",  # zero-width space
    "I want to k\u200dill myself",  # zero-width joiner
    "आत्म\u200dहत्या करना चाहता हूँ",
    "\uff4b\uff49\uff4c\uff4c \uff4d\uff59\uff53\uff45\uff4c\uff46",  # fullwidth
    "I will \U0001d424\U0001d422\U0001d425\U0001d425 myself",  # mathematical bold
    "I want to kill\u0301 myself",  # a combining accent
    "k\u0456ll myself",  # Cyrillic i
    "I will k\u0130ll myself",  # Turkish dotted capital I
    "I will k.i.l.l myself",
]
UNLISTED_BEFORE = [
    "मुझे मरना है",
    "mujhe marna hai",
    "main mar jaana chahta hoon",
    "I don't wanna live anymore",
    "there is no reason for me to live anymore",
    "I'm going to end it tonight",
    "kms",
    "I want to unalive myself",
]


@pytest.mark.parametrize("text", HIDDEN + UNLISTED_BEFORE)
def test_words_hidden_by_look_alike_or_invisible_characters_and_common_phrasings_are_caught(
    text: str,
) -> None:
    assert screen(text) is not None


@pytest.mark.parametrize(
    "text", ["the k.p.i. report is due", "a U.S.A. trip", "café time", "end it with a smile"]
)
def test_the_normalisation_leaves_ordinary_words_alone(text: str) -> None:
    assert screen(text) is None
