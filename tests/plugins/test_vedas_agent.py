"""The Vedas agent quotes the Gita's Sanskrit with its reference, Devanagari and IAST side by
side, finds verses by reference or by words, says when there is no such verse, and recites."""

import pytest

from adapters.vaani.espeak import EspeakSpeechSynthesizer
from adapters.vaani.settings import VaaniSettings
from core.ports.agents import AgentTask
from core.ports.vaani import Capability, Speech, SpeechRequest, SpeechSynthesizer
from plugins.agents.vedas import VedasAgent
from plugins.agents.vedas.corpus import verses
from plugins.testing import FakeContext, MemoryFileStore
from tests.plugins.conftest import MakeContext, real_ports

KARMANY = "कर्मण्येवाधिकारस्ते मा फलेषु कदाचन | मा कर्मफलहेतुर्भूर्मा ते सङ्गोऽस्त्वकर्मणि ||"
KARMANY_IAST = "karmaṇyevādhikāraste mā phaleṣu kadācana | mā karmaphalaheturbhūrmā te saṅgo'stvakarmaṇi ||"


@pytest.mark.parametrize("question", ["Bhagavad Gita 2.47", "chapter 2 verse 47 of the Gita", "गीता २.४७"])
async def test_quotes_a_verse_by_reference_in_devanagari_and_iast(
    question: str, make_context: MakeContext
) -> None:
    result = await VedasAgent().run(AgentTask(text=question), make_context())

    assert result.answer.startswith("Bhagavad Gita 2.47\nकर्मण्येवाधिकारस्ते")
    assert KARMANY in result.answer
    assert "karmaṇyevādhikāraste mā phaleṣu kadācana" in result.answer
    assert [(s.kind, s.id, s.reference) for s in result.sources] == [
        ("verse", "BG2.47", "Bhagavad Gita 2.47")
    ]
    assert result.data is not None
    verse = result.data["verses"][0]
    assert (verse["text"], verse["chapter"], verse["verse"], verse["devanagari"]) == (
        "Bhagavad Gita",
        2,
        47,
        KARMANY,
    )
    assert result.confidence > 0.9


async def test_iast_comes_from_the_transliterator_port() -> None:
    result = await VedasAgent().run(AgentTask(text="Gita 2.47"), FakeContext(ports=real_ports()))

    assert result.data is not None
    assert result.data["verses"][0]["iast"] == KARMANY_IAST


async def test_says_when_the_gita_has_no_such_verse_or_no_verse_holds_the_words() -> None:
    past_the_end = await VedasAgent().run(AgentTask(text="Bhagavad Gita 2.99"), FakeContext())
    no_chapter = await VedasAgent().run(AgentTask(text="Gita chapter 19 verse 1"), FakeContext())
    no_words = await VedasAgent().run(AgentTask(text="Gita verse about xylophones"), FakeContext())

    assert past_the_end.answer == "The Bhagavad Gita has no verse 2.99: chapter 2 has 72 verses."
    assert no_chapter.answer == "The Bhagavad Gita has no chapter 19: it has 18 chapters."
    assert "No verse" in no_words.answer
    assert past_the_end.sources == no_chapter.sources == no_words.sources == ()
    assert max(r.confidence for r in (past_the_end, no_chapter, no_words)) <= 0.1


async def test_finds_verses_by_their_words_in_transliteration_or_devanagari() -> None:
    roman = await VedasAgent().run(
        AgentTask(text="Which Gita verse says karmanyevadhikaraste?"), FakeContext()
    )
    indic = await VedasAgent().run(AgentTask(text="गीता में कर्मण्येवाधिकारस्ते वाला श्लोक"), FakeContext())

    assert roman.sources[0].id == indic.sources[0].id == "BG2.47"


def test_the_corpus_holds_the_sanskrit_only() -> None:
    corpus = verses()

    # 700, and the edition numbers Arjuna's question (prakṛtiṃ puruṣaṃ caiva...) as 13.1
    assert len(corpus) == 701
    assert all(not hasattr(verse, "translations") for verse in corpus.values())
    assert (1, 48) not in corpus  # the chapters' colophons are not verses
    assert (15, 21) not in corpus


class FakeSynthesizer(SpeechSynthesizer):
    def __init__(self) -> None:
        self.requests: list[SpeechRequest] = []

    async def capabilities(self) -> list[Capability]:
        return [Capability(name="speech_synthesis", engine="fake", available=True)]

    async def synthesize(self, request: SpeechRequest) -> Speech:
        self.requests.append(request)
        return Speech(
            audio=b"RIFF fake",
            format="wav",
            content_type="audio/wav",
            engine="fake",
            voice="hi",
            language=request.language,
            duration_s=1.0,
            sample_rate=22050,
        )


async def test_recites_the_verse_into_an_attachment_in_the_callers_files() -> None:
    synthesizer = FakeSynthesizer()
    files = MemoryFileStore(allowed_types=("audio/wav",))
    context = FakeContext(files=files, ports={SpeechSynthesizer: synthesizer})

    result = await VedasAgent().run(AgentTask(text="Gita 2.47", inputs={"recite": True}), context)
    silent = await VedasAgent().run(AgentTask(text="Gita 2.47", inputs={"recite": True}), FakeContext())

    assert len(result.attachments) == 1
    stored = await files.get(result.attachments[0])
    assert (stored.data, stored.file.owner) == (b"RIFF fake", "tester")
    assert synthesizer.requests[0].language == "sa"
    assert synthesizer.requests[0].text.startswith("कर्मण्येवाधिकारस्ते")
    assert silent.attachments == ()
    assert silent.data is not None
    assert silent.data["recitation"]["available"] is False


@pytest.mark.media
async def test_recites_through_espeak() -> None:
    files = MemoryFileStore(allowed_types=("audio/wav",))
    context = FakeContext(files=files, ports={SpeechSynthesizer: EspeakSpeechSynthesizer(VaaniSettings())})

    result = await VedasAgent().run(AgentTask(text="Gita 2.47", inputs={"recite": True}), context)

    stored = await files.get(result.attachments[0])
    assert stored.data.startswith(b"RIFF")
    assert stored.file.content_type == "audio/wav"
