"""The token estimate providers fall back on when no usage is reported."""

from core.domain.llm.tokens import (
    TOKENS_PER_MESSAGE,
    TOKENS_TO_PRIME_REPLY,
    estimate_chat_tokens,
    estimate_tokens,
)


def test_nothing_costs_nothing() -> None:
    assert estimate_tokens("") == 0


def test_latin_text_costs_a_token_per_four_characters_rounded_up() -> None:
    assert estimate_tokens("abcd") == 1
    assert estimate_tokens("abcde") == 2
    assert estimate_tokens("The truck reaches Delhi tomorrow.") == 9  # 33 characters


def test_devanagari_costs_a_token_per_character_signs_included() -> None:
    assert estimate_tokens("राम") == 3  # र, ा, म
    assert estimate_tokens("घर गया") == 6  # the space is a Latin run of one character


def test_mixed_scripts_add_up_run_by_run() -> None:
    assert estimate_tokens("order 42 राम") == estimate_tokens("order 42 ") + estimate_tokens("राम")


def test_a_longer_text_never_costs_less() -> None:
    text = "Sales grew by ten percent. इस महीने बिक्री दस प्रतिशत बढ़ी।"
    costs = [estimate_tokens(text[:end]) for end in range(len(text) + 1)]
    assert costs == sorted(costs)


def test_a_chat_adds_a_fixed_cost_per_message_and_for_the_reply() -> None:
    contents = ["You answer from the passage.", None, "Where is the truck?"]
    expected = TOKENS_TO_PRIME_REPLY + 3 * TOKENS_PER_MESSAGE
    expected += estimate_tokens(contents[0] or "") + estimate_tokens(contents[2] or "")
    assert estimate_chat_tokens(contents) == expected
