"""Every agent, asked through the gateway of a real ``bhiv up --demo`` with a real sign-in, on the
embedded default (extractive LLM, local embedder): each test says what a right answer holds (the
verse, the document, a quiz whose key is right, a summary of the source's own sentences, the
crisis template) rather than only that one came back. And a customer's private document stays
theirs: another user's search and agents never show it."""

import io
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from PIL import Image, ImageDraw, ImageFont

from tests.contracts.vaani_kit import LATIN_FONT, needs_binary, needs_font, needs_tesseract_data
from tests.support.demo import seeded_logins, signed_in
from tests.support.processes import bhiv_up

QUERY = "/api/orchestration/v1/query"
FILES = "/api/orchestration/v1/files"
DOCUMENTS = "/api/orchestration/v1/kb/documents"
SEARCH = "/api/orchestration/v1/kb/search"
ANSWER_TIMEOUT = 120.0
"""The embedder loads on first use, and media engines run as processes: seconds, on two cores."""

Answer = dict[str, Any]


@dataclass(frozen=True)
class Demo:
    customer: httpx.Client
    support: httpx.Client
    sales: httpx.Client


def _signed_in(base: int, login: dict[str, str]) -> httpx.Client:
    client = httpx.Client(base_url=f"http://127.0.0.1:{base}", timeout=ANSWER_TIMEOUT)
    return signed_in(client, login["email"], login["password"])


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    data_dir = tmp_path_factory.mktemp("agents") / "data"
    with bhiv_up(data_dir, 6, "--demo") as base:
        logins = seeded_logins(data_dir)
        clients = Demo(
            customer=_signed_in(base, logins["customer"]),
            support=_signed_in(base, logins["support"]),
            sales=_signed_in(base, logins["sales"]),
        )
        try:
            yield clients
        finally:
            for client in (clients.customer, clients.support, clients.sales):
                client.close()


def ask(client: httpx.Client, text: str, agent: str | None = None, session_id: str | None = None) -> Answer:
    body: dict[str, Any] = {"text": text}
    if agent is not None:
        body["agent"] = agent
    if session_id is not None:
        body["session_id"] = session_id
    answer = client.post(QUERY, json=body)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def run(client: httpx.Client, agent: str, text: str, inputs: dict[str, Any]) -> Answer:
    """``/agents/{name}/run``: the route that carries an agent's structured ``inputs``."""
    answer = client.post(f"/api/orchestration/v1/agents/{agent}/run", json={"text": text, "inputs": inputs})
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def upload_document(client: httpx.Client, title: str, text: str, visibility: str = "private") -> str:
    form = {"title": title, "visibility": visibility}
    files = {"file": (f"{title}.txt", text.encode(), "text/plain")}
    answer = client.post(DOCUMENTS, files=files, data=form)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def upload_file(client: httpx.Client, name: str, content: bytes, content_type: str) -> str:
    answer = client.post(FILES, files={"file": (name, content, content_type)})
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def sentences_of(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]


# --- vedas ------------------------------------------------------------------------------------


def test_vedas_quotes_gita_2_47_in_devanagari_and_iast_with_its_reference(demo: Demo) -> None:
    answer = ask(demo.customer, "Bhagavad Gita 2.47", agent="vedas")

    assert answer["agent"] == "vedas"
    assert "कर्मण्येवाधिकारस्ते मा फलेषु कदाचन" in answer["answer"]
    assert "karmaṇyevādhikāraste mā phaleṣu kadācana" in answer["answer"], "IAST beside the Devanagari"
    assert answer["sources"][0]["reference"] == "Bhagavad Gita 2.47"
    verse = answer["data"]["verses"][0]
    assert (verse["chapter"], verse["verse"]) == (2, 47)
    assert verse["devanagari"].startswith("कर्मण्येवाधिकारस्ते")
    assert verse["iast"].startswith("karmaṇyevādhikāraste")


def test_vedas_says_so_when_the_gita_has_no_such_verse(demo: Demo) -> None:
    answer = ask(demo.customer, "Bhagavad Gita 2.99", agent="vedas")

    assert "no verse 2.99" in answer["answer"]
    assert "chapter 2 has 72 verses" in answer["answer"]
    assert answer["sources"] == []
    assert answer["confidence"] <= 0.1


# --- edumentor --------------------------------------------------------------------------------

LESSON = (
    "Photosynthesis happens inside the chloroplasts of green plant cells. "
    "Chlorophyll absorbs sunlight and gives leaves their green colour. "
    "Plants take in carbon dioxide from the air through tiny pores called stomata. "
    "Water travels from the roots to the leaves through the xylem. "
    "During photosynthesis the plant releases oxygen into the atmosphere. "
    "The sugar glucose made by photosynthesis feeds the growing plant. "
    "Photosynthesis slows down in winter because the days are shorter in December."
)
LETTERS = "ABCD"


def _from_the_document(question: dict[str, Any]) -> tuple[str, str]:
    """The answer the document itself gives (its word in the gap, a letter for a choice), and the
    document's sentence the question was made from."""
    gap = re.escape(question["prompt"]).replace(re.escape("_____"), r"(\w+)")
    found = re.search(gap, LESSON)
    assert found is not None, f"question {question['number']} is not a sentence of the document"
    word = found[1]
    if question["kind"] == "choice":
        assert word in question["options"], f"the document's word {word!r} is not among the options"
        return LETTERS[question["options"].index(word)], found[0]
    return word, found[0]


def test_edumentor_quizzes_from_a_private_document_and_its_key_is_the_documents_own(demo: Demo) -> None:
    document = upload_document(demo.customer, "Photosynthesis notes", LESSON)

    quiz = ask(demo.customer, "Quiz me on photosynthesis", agent="edumentor")
    questions = quiz["data"]["questions"]
    assert quiz["agent"] == "edumentor"
    assert quiz["data"]["mode"] == "quiz"
    assert len(questions) >= 3
    assert {q["kind"] for q in questions} == {"choice", "cloze"}
    assert {source["id"] for source in quiz["sources"]} == {document}
    keyed = [_from_the_document(q) for q in questions]

    graded = ask(
        demo.customer,
        "answers: " + ", ".join(answer for answer, _ in keyed),
        agent="edumentor",
        session_id=quiz["session_id"],
    )

    assert graded["data"]["mode"] == "grade"
    assert graded["data"]["score"] == {"correct": len(questions), "total": len(questions)}, graded["answer"]
    assert all(mark["correct"] for mark in graded["data"]["marks"])

    again = ask(demo.customer, "Quiz me on photosynthesis", agent="edumentor", session_id=quiz["session_id"])
    first = again["data"]["questions"][0]
    right, sentence = _from_the_document(first)
    wrong = next(letter for letter in LETTERS[: len(first["options"])] if letter != right)
    rest = [_from_the_document(q)[0] for q in again["data"]["questions"][1:]]
    regraded = ask(
        demo.customer,
        "answers: " + ", ".join([wrong, *rest]),
        agent="edumentor",
        session_id=quiz["session_id"],
    )

    mark = regraded["data"]["marks"][0]
    assert not mark["correct"]
    assert mark["source"] == sentence
    assert f'"{sentence}" (Photosynthesis notes)' in mark["feedback"], "the feedback quotes the source"
    assert regraded["data"]["score"]["correct"] == len(again["data"]["questions"]) - 1
    assert regraded["data"]["progress"]["quizzes_taken"] == 2


# --- wellness ---------------------------------------------------------------------------------

HELPLINES = ("Tele-MANAS: 14416", "KIRAN: 1800-599-0019", "Emergency: 112")
MEDICINES = (
    "xanax", "alprazolam", "clonazepam", "lorazepam", "diazepam", "valium", "zolpidem", "sertraline",
    "fluoxetine", "prozac", "escitalopram", "melatonin", "paracetamol", "ibuprofen", "ashwagandha",
)  # fmt: skip


@pytest.mark.parametrize("named", [None, "vedas", "summarizer"])
def test_a_crisis_message_gets_the_crisis_template_from_wellness_whatever_agent_is_named(
    demo: Demo, named: str | None
) -> None:
    answer = ask(demo.customer, "I don't want to live anymore, I want to end my life", agent=named)

    assert answer["agent"] == "wellness"
    assert answer["answer"].startswith("It sounds like you are going through something very painful")
    for helpline in HELPLINES:
        assert helpline in answer["answer"]
    assert answer["data"]["crisis"] is True
    assert answer["confidence"] == 1.0


def test_wellness_gives_practical_steps_for_stress_and_names_no_medicine(demo: Demo) -> None:
    answer = ask(demo.customer, "I'm so stressed about work, I can't switch off in the evenings")

    assert answer["agent"] == "wellness"
    assert answer["data"]["crisis"] is False
    assert "stress" in answer["data"]["concerns"]
    steps = re.findall(r"^\d+\. .+$", answer["answer"], re.MULTILINE)
    assert len(steps) >= 3, "numbered, practical self-care steps"
    assert "breath" in answer["answer"].lower()
    assert "not a medical service" in answer["answer"]
    assert not [drug for drug in MEDICINES if drug in answer["answer"].lower()]
    assert "going through something very painful" not in answer["answer"], "not the crisis template"


def test_wellness_declines_to_name_a_medicine_when_asked_for_one(demo: Demo) -> None:
    answer = ask(
        demo.customer, "Which sleeping pills should I take? I can't sleep at night", agent="wellness"
    )

    assert answer["data"]["declined"] == "medical"
    assert "sleep" in answer["data"]["concerns"]
    assert "doctor" in answer["answer"]
    assert not [drug for drug in MEDICINES if drug in answer["answer"].lower()]


# --- knowledge and qna (the demo handbook, shared by support) ------------------------------------


def test_knowledge_answers_from_the_demo_handbook_citing_shipping_times(demo: Demo) -> None:
    answer = ask(demo.customer, "How long do deliveries to Delhi take?", agent="knowledge")

    assert answer["agent"] == "knowledge"
    assert "Delhi four days" in answer["answer"]
    assert answer["sources"][0]["title"] == "Shipping times"
    assert answer["sources"][0]["kind"] == "document"
    assert answer["confidence"] >= 0.5


def test_knowledge_says_the_knowledge_base_does_not_hold_what_it_lacks(demo: Demo) -> None:
    answer = ask(demo.customer, "What is the maternity leave policy for warehouse staff?", agent="knowledge")

    assert answer["answer"].startswith("Not found in the knowledge base")
    assert answer["sources"] == []
    assert answer["confidence"] <= 0.1


def test_qna_answers_with_its_source_and_confidence_and_says_i_dont_know_otherwise(demo: Demo) -> None:
    known = ask(demo.customer, "How long do deliveries to Delhi take?", agent="qna")
    unknown = ask(demo.customer, "Who is the chief executive of the Pune warehouse?", agent="qna")

    assert "Delhi four days" in known["answer"]
    assert known["sources"][0]["title"] == "Shipping times"
    assert known["confidence"] >= 0.5
    assert unknown["answer"].startswith("I don't know")
    assert unknown["sources"] == []
    assert unknown["confidence"] <= 0.1


# --- summarizer -------------------------------------------------------------------------------

MONSOON = (
    "The monsoon reached Kerala on the first of June this year. "
    "Farmers in the south began sowing rice within a week. "
    "Reservoirs in Karnataka filled to half their capacity by July. "
    "Heavy rain in Mumbai flooded several suburban stations. "
    "The railways ran extra buses to carry stranded commuters. "
    "In the north, the rains arrived two weeks late. "
    "Wheat stocks remained high because of a good winter harvest. "
    "Economists expect food prices to stay stable through the autumn."
)


def test_summarizer_summarises_pasted_text_in_fewer_of_its_own_sentences(demo: Demo) -> None:
    answer = ask(demo.customer, f"Summarise this: {MONSOON}", agent="summarizer")

    source = sentences_of(MONSOON)
    summary = sentences_of(answer["answer"])
    assert answer["agent"] == "summarizer"
    assert answer["engine"] == "extractive"
    assert 1 <= len(summary) < len(source)
    assert all(sentence in source for sentence in summary), summary
    assert len(set(summary)) == len(summary)
    assert answer["data"]["source_sentences"] == len(source) == 8


# --- text -------------------------------------------------------------------------------------


def test_text_finds_sentiment_contacts_and_language(demo: Demo) -> None:
    happy = ask(
        demo.customer,
        "Analyse this text: I absolutely love the new delivery service, it is wonderful and fast! "
        "Write to asha.kulkarni@example.com or call +91 98200 11111.",
        agent="text",
    )
    unhappy = ask(
        demo.customer,
        "Analyse this text: The parcel arrived broken and late, the service was terrible and I am angry.",
        agent="text",
    )

    assert happy["data"]["sentiment"]["compound"] > 0
    assert happy["data"]["sentiment"]["label"] == "positive"
    assert unhappy["data"]["sentiment"]["compound"] < 0
    assert unhappy["data"]["sentiment"]["label"] == "negative"
    assert happy["data"]["entities"]["emails"] == ["asha.kulkarni@example.com"]
    assert happy["data"]["entities"]["phones"] == ["+91 98200 11111"]
    assert happy["data"]["language"]["language"] == "en"
    assert "asha.kulkarni@example.com" in happy["answer"]
    assert "Sentiment: positive" in happy["answer"]


# --- image and audio (Debian media engines) ------------------------------------------------------


def _png_with(words: str) -> bytes:
    image = Image.new("RGB", (720, 160), "white")
    ImageDraw.Draw(image).text((24, 48), words, fill="black", font=ImageFont.truetype(str(LATIN_FONT), 52))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.mark.media
@needs_binary("tesseract", "tesseract-ocr")
@needs_tesseract_data("eng")
@needs_font(LATIN_FONT)
def test_image_reads_the_words_in_an_uploaded_png_and_its_size(demo: Demo) -> None:
    image = upload_file(demo.customer, "sign.png", _png_with("WAREHOUSE PUNE OPEN"), "image/png")

    answer = run(demo.customer, "image", "Read the text in this image", {"file_id": image})

    assert answer["agent"] == "image"
    assert "WAREHOUSE PUNE OPEN" in answer["data"]["ocr"]["text"]
    assert "WAREHOUSE PUNE OPEN" in answer["answer"]
    assert (answer["data"]["width"], answer["data"]["height"]) == (720, 160)
    assert answer["sources"][0]["id"] == image


def test_the_query_route_carries_an_agents_inputs(demo: Demo) -> None:
    image = upload_file(demo.customer, "dot.png", _png_with("HELLO"), "image/png")

    answer = demo.customer.post(
        QUERY,
        json={
            "text": "What size is this image?",
            "agent": "image",
            "inputs": {"file_id": image, "ocr": False},
        },
    )

    assert answer.status_code == 200, answer.text
    assert answer.json()["data"]["width"] == 720


@pytest.mark.media
@needs_binary("espeak-ng", "espeak-ng")
def test_audio_speaks_a_text_into_a_served_wav_and_measures_it(demo: Demo) -> None:
    spoken = ask(demo.customer, "Say: good morning everyone")

    assert spoken["agent"] == "audio"
    assert spoken["data"]["text"] == "good morning everyone"
    (audio,) = spoken["attachments"]
    served = demo.customer.get(f"{FILES}/{audio}")
    assert served.status_code == 200
    assert served.headers["content-type"] == "audio/wav"
    assert served.content[:4] == b"RIFF"
    assert served.content[8:12] == b"WAVE"

    facts = run(demo.customer, "audio", "How long is this recording?", {"file_id": audio})

    assert facts["data"]["mode"] == "facts"
    assert facts["data"]["measured_by"] == "wav"
    assert facts["data"]["duration_s"] > 0
    assert facts["data"]["duration_s"] == pytest.approx(spoken["data"]["duration_s"], abs=0.05)
    assert facts["sources"][0]["id"] == audio


# --- planner ----------------------------------------------------------------------------------


def test_planner_lays_out_the_users_tasks_as_steps_with_estimates(demo: Demo) -> None:
    answer = ask(
        demo.customer,
        "Plan the office move: pack the boxes (2 hours), book the van, set up the desks (3 hours)",
        agent="planner",
    )

    steps = answer["data"]["plan"]["steps"]
    assert [step["title"] for step in steps] == ["pack the boxes", "book the van", "set up the desks"]
    assert [step["estimate_minutes"] for step in steps] == [120, 30, 180]
    assert [step.get("estimated", True) for step in steps] == [False, True, False], "the van: a guess"
    assert steps[1]["depends_on"] == ["s1"]
    assert steps[2]["depends_on"] == ["s2"]
    assert answer["data"]["total_minutes"] == 330


def test_planner_runs_a_two_intent_message_as_agent_steps(demo: Demo) -> None:
    answer = ask(demo.customer, "Find the shipping times in the handbook and then summarise it")

    assert answer["agent"] == "planner", "two asks of two agents: a plan"

    steps = answer["data"]["steps"]
    assert len(steps) == 2
    assert all(step["agent"] and step["answer"] for step in steps)
    assert steps[1]["agent"] == "summarizer"


def test_a_two_intent_plan_finds_the_shipping_times_and_summarises_them(demo: Demo) -> None:
    answer = ask(
        demo.customer, "Find the shipping times in the handbook and then summarise it", agent="planner"
    )

    found, summary = answer["data"]["steps"]
    assert found["agent"] in ("knowledge", "qna")
    assert "Delhi four days" in found["answer"]
    assert summary["agent"] == "summarizer"
    assert "summarise it" not in summary["answer"]
    assert all(sentence in found["answer"] for sentence in sentences_of(summary["answer"]))


# --- filesearch -------------------------------------------------------------------------------


def test_filesearch_finds_the_callers_file_by_a_rare_word_in_it(demo: Demo) -> None:
    word = f"quokka{uuid.uuid4().hex[:6]}"
    wanted = upload_file(
        demo.customer, "note.txt", f"Remember the {word} census on Friday.".encode(), "text/plain"
    )
    upload_file(demo.customer, "other.txt", b"Nothing rare is said in this one.", "text/plain")

    answer = ask(demo.customer, f"Find my files that mention {word}", agent="filesearch")

    assert [source["id"] for source in answer["sources"]] == [wanted]
    assert word in answer["sources"][0]["excerpt"]

    other = ask(demo.sales, f"Find my files that mention {word}", agent="filesearch")
    assert wanted not in {source["id"] for source in other["sources"]}
    assert word not in other["answer"]


# --- orchestrator and routing -----------------------------------------------------------------


def test_the_orchestrator_named_says_the_vedas_agent_would_answer_a_gita_verse(demo: Demo) -> None:
    answer = ask(demo.customer, "Bhagavad Gita 2.47", agent="orchestrator")

    assert answer["agent"] == "orchestrator"
    assert answer["answer"].startswith("The vedas agent would answer")
    assert answer["data"]["route"]["agent"] == "vedas"
    assert "कर्मण्येवाधिकारस्ते" not in answer["answer"], "it says who would answer, it does not answer"


@pytest.mark.parametrize(
    ("text", "agent"),
    [
        ("Show me chapter 2 verse 47 of the Gita", "vedas"),
        ("Quiz me on photosynthesis", "edumentor"),
        ("Say: the warehouse opens at nine", "audio"),
    ],
)
def test_an_unaddressed_query_goes_to_the_agent_it_is_for(demo: Demo, text: str, agent: str) -> None:
    assert ask(demo.customer, text)["agent"] == agent


def test_an_unaddressed_request_the_platform_does_not_serve_is_declined(demo: Demo) -> None:
    answer = ask(demo.customer, "book me a flight to Delhi")

    assert answer["agent"] == "orchestrator"
    assert answer["data"]["decline"] is True
    assert "outside what this platform does" in answer["answer"]


# --- privacy ----------------------------------------------------------------------------------


def test_a_private_document_is_found_by_its_owner_and_by_nobody_else(demo: Demo) -> None:
    phrase = f"zebra-{uuid.uuid4().hex[:8]}"
    text = (
        "Spare keys for the vans are kept at the Nashik depot. "
        f"The Nashik depot blue cabinet opens with the vault code {phrase}."
    )
    document = upload_document(demo.customer, "Nashik depot keys", text)
    question = "What is the vault code of the Nashik depot blue cabinet?"

    for other in (demo.support, demo.sales):
        found = other.get(SEARCH, params={"q": f"vault code Nashik depot blue cabinet {phrase}"})
        assert found.status_code == 200, found.text
        assert document not in {hit["document_id"] for hit in found.json()["items"]}
        assert phrase not in found.text
        answer = ask(other, question, agent="knowledge")
        assert phrase not in json.dumps(answer)
        assert document not in {source["id"] for source in answer["sources"]}
        assert other.get(f"{DOCUMENTS}/{document}").status_code == 404
        for agent in ("qna", "edumentor"):
            assert phrase not in json.dumps(ask(other, question, agent=agent))

    owned = demo.customer.get(SEARCH, params={"q": f"vault code Nashik depot blue cabinet {phrase}"})
    assert owned.json()["items"][0]["document_id"] == document
    answer = ask(demo.customer, question, agent="knowledge")
    assert phrase in answer["answer"]
    assert answer["sources"][0]["id"] == document
