"""The knowledge base over HTTP: documents uploaded, found at their offsets, readable by whom
their visibility says (through search and through the Knowledge agent), and gone once deleted."""

import uuid
from pathlib import Path
from typing import Any

from apps._shared.settings import PlatformSettings
from core.domain.access import Role
from plugins.agents.knowledge import KnowledgeAgent
from plugins.agents.knowledge.agent import NOT_FOUND
from tests.http.agents_kit import EVERY_AGENT, orchestration_with
from tests.http.vaani_kit import Client

AGENTS = (*EVERY_AGENT, KnowledgeAgent())
FILLER = "Every shift ends with a count of the goods, signed by the supervisor on duty. " * 9


async def upload(
    client: Client,
    headers: dict[str, str],
    text: str,
    *,
    title: str,
    visibility: str = "private",
    content_type: str = "text/markdown",
) -> Any:
    return await client.post(
        "/v1/kb/documents",
        files={"file": ("doc.md", text.encode(), content_type)},
        data={"title": title, "visibility": visibility},
        headers=headers,
    )


async def ask(client: Client, headers: dict[str, str], text: str) -> Any:
    return await client.post("/v1/query", json={"text": text, "agent": "knowledge"}, headers=headers)


async def search(client: Client, headers: dict[str, str], q: str) -> list[dict[str, Any]]:
    response = await client.get("/v1/kb/search", params={"q": q, "limit": 20}, headers=headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_an_uploaded_document_is_found_at_the_offsets_of_its_passage(
    settings: PlatformSettings, tmp_path: Path
) -> None:
    text = f"# Returns\n\n{FILLER}\n\nRefunds reach the original card within 14 days.\n\n{FILLER}"
    async with orchestration_with(settings, tmp_path, AGENTS) as (client, auth):
        asha = await auth("asha")
        created = await upload(client, asha, text, title="Returns policy")
        hits = await search(client, asha, "refunds card days")
        fetched = await client.get(f"/v1/kb/documents/{created.json()['id']}", headers=asha)

    assert created.status_code == 201, created.text
    document = created.json()
    assert document["visibility"] == "private"
    assert document["chunks"] >= 2
    assert document["length"] == len(text)
    top = hits[0]
    assert set(top) == {"document_id", "chunk_id", "start", "end", "score", "text", "title"}
    assert top["document_id"] == document["id"]
    assert top["title"] == "Returns policy"
    assert "within 14 days" in top["text"]
    assert text[top["start"] : top["end"]] == top["text"]
    assert fetched.json()["title"] == "Returns policy"


async def test_a_private_document_reaches_its_owner_and_admins_only_through_search_and_agents(
    settings: PlatformSettings, tmp_path: Path
) -> None:
    code = "z" + uuid.uuid4().hex[:8]
    secret = f"The door code of the {code} vault is 4471. Only Asha may open the vault."
    question = f"What is the door code of the {code} vault?"
    async with orchestration_with(settings, tmp_path, AGENTS) as (client, auth):
        asha, ravi, root = await auth("asha"), await auth("ravi"), await auth("root", Role.ADMIN)
        document = (await upload(client, asha, secret, title="Vault")).json()
        owner_hits = await search(client, asha, f"{code} door code")
        admin_hits = await search(client, root, f"{code} door code")
        other_hits = await search(client, ravi, f"{code} door code")
        other_meaning = await search(client, ravi, "How do I open the vault?")
        other_get = await client.get(f"/v1/kb/documents/{document['id']}", headers=ravi)
        other_delete = await client.delete(f"/v1/kb/documents/{document['id']}", headers=ravi)
        asked_by_other = await client.post(
            "/v1/query", json={"text": question, "agent": "knowledge"}, headers=ravi
        )
        asked_by_owner = await client.post(
            "/v1/query", json={"text": question, "agent": "knowledge"}, headers=asha
        )

    assert document["id"] in {hit["document_id"] for hit in owner_hits}
    assert document["id"] in {hit["document_id"] for hit in admin_hits}
    assert document["id"] not in {hit["document_id"] for hit in other_hits + other_meaning}
    assert (other_get.status_code, other_delete.status_code) == (404, 404)
    assert asked_by_other.status_code == 200, asked_by_other.text
    assert "4471" not in asked_by_other.text
    assert asked_by_other.json()["answer"] == NOT_FOUND
    assert asked_by_owner.json()["agent"] == "knowledge"
    assert "4471" in asked_by_owner.json()["answer"]
    assert [source["id"] for source in asked_by_owner.json()["sources"]] == [document["id"]]


async def test_a_shared_document_is_found_by_everyone_and_leaves_search_when_deleted(
    settings: PlatformSettings, tmp_path: Path
) -> None:
    word = "s" + uuid.uuid4().hex[:8]
    async with orchestration_with(settings, tmp_path, AGENTS) as (client, auth):
        asha, ravi = await auth("asha", Role.ADMIN), await auth("ravi", Role.SUPPORT)
        document = (
            await upload(
                client,
                asha,
                f"The {word} canteen serves lunch at noon.",
                title="Canteen",
                visibility="shared",
            )
        ).json()
        before = await search(client, ravi, word)
        deleted = await client.delete(f"/v1/kb/documents/{document['id']}", headers=asha)
        after = await search(client, ravi, word) + await search(client, asha, word)

    assert before[0]["document_id"] == document["id"]
    assert deleted.status_code == 204
    assert document["id"] not in {hit["document_id"] for hit in after}


async def test_hindi_and_english_documents_are_both_searchable(
    settings: PlatformSettings, tmp_path: Path
) -> None:
    async with orchestration_with(settings, tmp_path, AGENTS) as (client, auth):
        asha = await auth("asha")
        hindi = (
            await upload(client, asha, "गोदाम सुबह नौ बजे खुलता है। रविवार को बंद रहता है।", title="गोदाम")
        ).json()
        english = (
            await upload(client, asha, "The office closes at six in the evening.", title="Office")
        ).json()
        by_hindi = await search(client, asha, "गोदाम कब खुलता है")
        by_english = await search(client, asha, "when does the office close")

    assert by_hindi[0]["document_id"] == hindi["id"]
    assert by_english[0]["document_id"] == english["id"]


async def test_the_knowledge_agent_answers_citing_the_document_and_says_not_found_otherwise(
    settings: PlatformSettings, tmp_path: Path
) -> None:
    text = f"{FILLER}\n\nThe Pune warehouse opens at 9 am on weekdays and is closed on Sundays."
    async with orchestration_with(settings, tmp_path, AGENTS) as (client, auth):
        asha = await auth("asha")
        document = (await upload(client, asha, text, title="Warehouses")).json()
        answered = await client.post(
            "/v1/query",
            json={"text": "When does the Pune warehouse open?", "agent": "knowledge"},
            headers=asha,
        )
        unrelated = await client.post(
            "/v1/query", json={"text": "Who won the cricket world cup?", "agent": "knowledge"}, headers=asha
        )

    body = answered.json()
    assert answered.status_code == 200, answered.text
    assert "9 am" in body["answer"]
    assert body["sources"][0]["id"] == document["id"]
    assert body["sources"][0]["title"] == "Warehouses"
    assert "characters" in body["sources"][0]["reference"]
    assert body["confidence"] >= 0.5
    assert unrelated.json()["answer"] == NOT_FOUND
    assert unrelated.json()["confidence"] < 0.35


async def test_only_text_documents_are_accepted(settings: PlatformSettings, tmp_path: Path) -> None:
    async with orchestration_with(settings, tmp_path, AGENTS) as (client, auth):
        asha = await auth("asha")
        pdf = await upload(client, asha, "%PDF-1.7", title="Scan", content_type="application/pdf")
        anonymous = await client.get("/v1/kb/search", params={"q": "x"})

    assert pdf.status_code == 415
    assert anonymous.status_code == 401


async def test_a_control_character_in_a_search_is_ignored_not_a_database_error(
    settings: PlatformSettings, tmp_path: Path
) -> None:
    async with orchestration_with(settings, tmp_path, AGENTS) as (client, auth):
        asha = await auth("asha")
        await upload(client, asha, "Refund policy: refunds take five days.", title="Refunds")
        found = await client.get("/v1/kb/search", params={"q": "refund\x00policy"}, headers=asha)

    assert found.status_code == 200, found.text
    assert found.json()["items"][0]["text"].startswith("Refund policy")
