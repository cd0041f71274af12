"""Documents are cut by paragraph, then sentence, then word into chunks of about 500 to 1000
characters that are exact spans of the text; ranks of two searches are fused, not their scores."""

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from core.domain.knowledge.chunking import MAX_CHARS, MIN_CHARS, chunk_spans
from core.domain.knowledge.ranking import fuse
from core.ports.knowledge import ChunkMatch


def test_short_paragraphs_are_merged_and_a_chunk_ends_at_a_paragraph_when_it_can() -> None:
    paragraph = "A sentence of the handbook that says something useful. " * 5  # ~280 characters
    text = "\n\n".join([paragraph.strip()] * 6)

    spans = chunk_spans(text)

    assert len(spans) == 3
    assert all(MIN_CHARS <= end - start <= MAX_CHARS for start, end in spans)
    assert all(text[end:].startswith("\n\n") or end == len(text) for _, end in spans)


def test_a_long_paragraph_is_cut_between_sentences_hindi_ones_too() -> None:
    text = ("यह गोदाम का नियम है जो हर दिन लागू होता है। " * 60).strip()

    spans = chunk_spans(text)

    assert len(spans) > 1
    assert all(text[start:end].endswith("।") for start, end in spans)


def test_a_run_without_spaces_or_stops_is_still_cut_within_the_limit() -> None:
    spans = chunk_spans("x" * 2500)

    assert [end - start for start, end in spans] == [1000, 1000, 500]


@given(st.text(alphabet=st.sampled_from("ab .\n।"), max_size=4000))
def test_chunks_are_ordered_non_empty_spans_within_the_limit_covering_every_word(text: str) -> None:
    spans = chunk_spans(text)

    assert all(0 <= start < end <= len(text) and end - start <= MAX_CHARS for start, end in spans)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in pairwise(spans))
    covered = "".join(text[start:end] for start, end in spans)
    assert "".join(covered.split()) == "".join(text.split())


def match(chunk_id: str) -> ChunkMatch:
    return ChunkMatch(chunk_id=chunk_id, document_id="d", title="t", text="x", start=0, end=1, strength=9)


def test_a_chunk_found_by_both_words_and_meaning_outranks_one_found_first_by_either() -> None:
    hits = fuse([match("a"), match("both")], [match("b"), match("both")], limit=3)

    assert [hit.chunk_id for hit in hits] == ["both", "a", "b"]
    assert fuse([match("a")], [match("a")], limit=1)[0].score == 1.0
