"""How the extractive engine cuts text into sentences and terms, English and Hindi."""

from adapters.llm.sentences import is_hindi, split_sentences, terms, words


def test_sentences_split_at_the_danda_as_well_as_the_full_stop() -> None:
    text = "The truck left Pune. राम घर गया। सीता बाज़ार गई। क्या वह आएगी?"

    assert split_sentences(text) == ["The truck left Pune.", "राम घर गया।", "सीता बाज़ार गई।", "क्या वह आएगी?"]


def test_abbreviations_do_not_end_a_sentence() -> None:
    assert split_sentences("Dr. Rao signed the order. It ships today.") == [
        "Dr. Rao signed the order.",
        "It ships today.",
    ]


def test_a_hard_wrapped_sentence_is_joined_and_list_items_stay_apart() -> None:
    text = "The second line is\nwrapped here.\n- rice\n- wheat"

    assert split_sentences(text) == ["The second line is wrapped here.", "- rice", "- wheat"]


def test_hindi_words_keep_their_vowel_signs() -> None:
    assert words("ताज़ी सब्ज़ियाँ खरीदीं।") == ["ताज़ी", "सब्ज़ियाँ", "खरीदीं"]


def test_terms_drop_stop_words_and_meet_across_inflections() -> None:
    assert terms("When will the deliveries reach Delhi?") == terms("delivery reaches delhi")
    assert terms("किताबों") == terms("किताबें")
    assert terms("पुस्तकालय में हिंदी की किताबें हैं") == terms("पुस्तकालय हिंदी किताबें")


def test_hindi_is_text_with_more_devanagari_than_latin_letters() -> None:
    assert is_hindi("दिल्ली का ट्रक कब निकलता है?")
    assert not is_hindi("When does the truck leave?")
