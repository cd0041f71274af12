"""Sentiment of English text with VADER, a lexicon and rules tuned to short, informal text."""

from functools import cache

import msgspec
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

POSITIVE_FROM = 0.05
NEGATIVE_BELOW = -0.05
"""VADER's own recommended cut-offs on the compound score."""


class Sentiment(msgspec.Struct, frozen=True, kw_only=True):
    label: str
    """``positive``, ``negative`` or ``neutral``."""
    compound: float
    """-1 (most negative) to 1 (most positive)."""
    engine: str = "vader"


@cache
def _analyzer() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()  # reads its lexicon file once


def sentiment(text: str) -> Sentiment:
    compound = float(_analyzer().polarity_scores(text)["compound"])
    label = (
        "positive" if compound >= POSITIVE_FROM else "negative" if compound <= NEGATIVE_BELOW else "neutral"
    )
    return Sentiment(label=label, compound=round(compound, 3))
