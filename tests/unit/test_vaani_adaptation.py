"""Adapting a text to twitter, instagram, linkedin, youtube and whatsapp: limits as each platform
counts them, a numbered thread at sentence boundaries, tones, hashtags, and the list of what was cut."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from core.domain.vaani.adaptation import RULES, Cut, Platform, adapt, hashtag, platform_length

TWITTER = RULES["twitter"]
SENTENCES = [
    "The monsoon reached Kerala three days early this year.",
    "Farmers in Maharashtra are preparing their fields for sowing.",
    "Reservoir levels across the state remain below last year's average.",
    "The weather office expects normal rainfall through September.",
    "Officials urged citizens to conserve water until the rains arrive in full.",
    "Local markets report steady prices for vegetables and grains.",
]


def test_a_short_text_is_one_post_without_numbering() -> None:
    adaptation = adapt("Stock arrived at the Pune warehouse.", "twitter")

    assert adaptation.posts == ("Stock arrived at the Pune warehouse.",)
    assert adaptation.cut == ()


def test_a_long_text_becomes_a_numbered_thread_split_between_sentences() -> None:
    text = " ".join(SENTENCES * 2)

    posts = adapt(text, "twitter").posts

    assert len(posts) >= 3
    for number, post in enumerate(posts, 1):
        assert post.endswith(f" {number}/{len(posts)}")
        assert len(post) <= 280
        body = post.rsplit(" ", 1)[0]
        assert body.endswith("."), "every post ends where a sentence ends"
    assert " ".join(p.rsplit(" ", 1)[0] for p in posts) == text


def test_links_count_as_23_characters_on_twitter_however_long_they_are() -> None:
    link = "https://example.com/" + "a" * 300
    text = f"Read the full monsoon report here: {link} and share it."

    [post] = adapt(text, "twitter").posts

    assert post == text
    assert platform_length(post, TWITTER) == len(text) - len(link) + 23


def test_a_sentence_longer_than_a_tweet_is_split_between_words() -> None:
    sentence = " ".join(["monsoon"] * 80) + "."

    posts = adapt(sentence, "twitter").posts

    assert len(posts) == 3
    assert all(len(post) <= 280 for post in posts)
    assert all(not post.rsplit(" ", 1)[0].endswith("monsoo") for post in posts)


def test_numbering_makes_room_for_two_digit_counts() -> None:
    posts = adapt(" ".join(SENTENCES * 10), "twitter").posts

    assert len(posts) >= 10
    assert posts[-1].endswith(f" {len(posts)}/{len(posts)}")
    assert all(len(post) <= 280 for post in posts)


def test_instagram_keeps_thirty_hashtags_and_reports_the_rest_as_cut() -> None:
    keywords = [f"topic {i}" for i in range(35)]

    adaptation = adapt("A day at the ghats of Varanasi.", "instagram", keywords=keywords)

    assert len(adaptation.hashtags) == 30
    assert adaptation.hashtags[0] == "#Topic0"
    assert adaptation.posts[0].endswith(" ".join(adaptation.hashtags))
    assert [c for c in adaptation.cut if c.kind == "hashtag"] == [
        Cut("hashtag", f"#Topic{i}") for i in range(30, 35)
    ]


def test_a_text_past_the_limit_is_cut_at_a_word_and_the_cut_is_reported() -> None:
    text = "word " * 1_000

    adaptation = adapt(text, "instagram")

    [post] = adaptation.posts
    assert len(post) <= 2_200
    assert post.endswith("word…")
    [cut] = adaptation.cut
    assert cut.kind == "text"
    assert len(post) - 1 + 1 + len(cut.content) == len(" ".join(text.split()))


def test_linkedin_formal_uses_the_professional_template() -> None:
    post = adapt("our quarterly logistics review is out", "linkedin", tone="formal").posts[0]

    assert post.startswith("Our quarterly logistics review is out.")
    assert "I would welcome your thoughts" in post


def test_tones_frame_the_text() -> None:
    assert adapt("Jai Shri Ram", "whatsapp", tone="devotional").posts == ("🙏 Jai Shri Ram 🙏",)
    assert adapt("We did it", "youtube", tone="uplifting").posts == ("✨ We did it ✨",)
    assert adapt("See you soon", "whatsapp", tone="casual").posts == ("See you soon 🙂",)


def test_hashtags_keep_devanagari_vowel_signs_and_join_words() -> None:
    assert hashtag("गंगा आरती") == "#गंगाआरती"
    assert hashtag("stock ledger") == "#StockLedger"
    assert hashtag("!!!") is None


def test_whatsapp_takes_no_hashtags() -> None:
    adaptation = adapt("Meeting at five.", "whatsapp", keywords=["meeting"])

    assert adaptation.posts == ("Meeting at five.",)
    assert adaptation.hashtags == ()


words = st.one_of(
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Zs", "Cc")), min_size=1, max_size=30
    ),
    st.sampled_from(["धर्मक्षेत्रे", "कुरुक्षेत्रे", "नमस्ते", "🙏", "👨‍👩‍👧", "✨", "end.", "।", "॥"]),
    st.builds(lambda path: f"https://example.com/{path}", st.text(alphabet="abc/?=&", max_size=400)),
    st.text(alphabet="abcdefghij", min_size=250, max_size=900),
)
texts = st.lists(words, max_size=120).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(
    text=texts,
    platform=st.sampled_from(list(RULES)),
    tone=st.sampled_from(["formal", "casual", "devotional", "neutral", "uplifting"]),
    keywords=st.lists(st.text(min_size=1, max_size=40), max_size=40),
)
def test_no_post_ever_exceeds_its_platforms_limit(
    text: str, platform: Platform, tone: str, keywords: list[str]
) -> None:
    rules = RULES[platform]

    adaptation = adapt(text, platform, tone, keywords)  # type: ignore[arg-type]

    assert adaptation.posts
    for post in adaptation.posts:
        assert platform_length(post, rules) <= rules.limit
    assert len(adaptation.hashtags) <= rules.max_hashtags


@settings(max_examples=200, deadline=None)
@given(text=texts)
def test_a_thread_loses_no_word(text: str) -> None:
    posts = adapt(text, "twitter").posts

    if len(posts) > 1:
        bodies = [re.sub(r" \d+/\d+$", "", post) for post in posts]
        assert "".join("".join(bodies).split()) == "".join(text.split())


def test_hashtags_close_the_last_post_of_a_thread_before_its_number_while_they_fit() -> None:
    adaptation = adapt(" ".join(SENTENCES * 2), "twitter", keywords=["monsoon", "rainfall outlook"])

    posts = adaptation.posts
    assert posts[-1].endswith(f"grains. #Monsoon {len(posts)}/{len(posts)}")
    assert adaptation.hashtags == ("#Monsoon",)
    assert adaptation.cut == (Cut("hashtag", "#RainfallOutlook"),)
