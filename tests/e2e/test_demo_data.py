"""``bhiv up --demo`` loads a small data set through the API and prints a sign-in per role; a
second run loads nothing more; without ``--demo`` nothing is seeded."""

from pathlib import Path

import httpx

from tests.support.demo import seeded_logins, signed_in
from tests.support.processes import bhiv_up


def _counts(base: int, logins: dict[str, dict[str, str]]) -> dict[str, int]:
    url = f"http://127.0.0.1:{base}"

    def items(role: str, path: str) -> list[dict[str, object]]:
        with httpx.Client(base_url=url, timeout=30) as client:
            signed_in(client, logins[role]["email"], logins[role]["password"])
            answer = client.get(path, params={"limit": 200})
            assert answer.status_code == 200, answer.text
            return list(answer.json()["items"])

    return {
        "products": len(items("ops", "/api/logistics/v1/products")),
        "stocked": sum(level["on_hand"] > 0 for level in items("ops", "/api/logistics/v1/stock")),  # type: ignore[operator]
        "customers": len(items("sales", "/api/crm/v1/customers")),
        "leads": len(items("sales", "/api/crm/v1/leads")),
        "opportunities": len(items("sales", "/api/crm/v1/opportunities")),
        "tickets seen by support": len(items("support", "/api/crm/v1/tickets")),
        "own orders": len(items("customer", "/api/logistics/v1/orders")),
        "own tickets": len(items("customer", "/api/crm/v1/tickets")),
        "users": len(items("admin", "/api/admin/users")),
    }


def _asked(base: int, login: dict[str, str], question: str) -> dict[str, object]:
    with httpx.Client(base_url=f"http://127.0.0.1:{base}", timeout=60) as client:
        signed_in(client, login["email"], login["password"])
        answer = client.post("/api/orchestration/v1/query", json={"text": question, "agent": "knowledge"})
        assert answer.status_code == 200, answer.text
        return dict(answer.json())


def test_demo_loads_once_and_every_role_can_sign_in(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with bhiv_up(data_dir, 6, "--demo") as base:
        logins = seeded_logins(data_dir)
        first = _counts(base, logins)
        answer = _asked(base, logins["customer"], "How long do deliveries to Delhi take?")

    assert set(logins) == {"admin", "ops", "sales", "support", "customer"}
    assert answer["agent"] == "knowledge"
    assert "Delhi four days" in answer["answer"], "the demo handbook answers a customer's question"
    assert answer["sources"][0]["title"] == "Shipping times"
    assert first == {
        "products": 5,
        "stocked": 5,
        "customers": 4,
        "leads": 3,
        "opportunities": 3,
        "tickets seen by support": 2,
        "own orders": 1,
        "own tickets": 2,
        "users": 6,
    }  # fmt: skip  (4 customers: three made, one converted from a lead; 6 users: root + 5 demo)
    assert (data_dir / "demo-logins.json").stat().st_mode & 0o077 == 0, "only the owner reads it"

    with bhiv_up(data_dir, 6, "--demo") as base:
        assert _counts(base, seeded_logins(data_dir)) == first


def test_without_demo_nothing_is_seeded(tmp_path: Path) -> None:
    with bhiv_up(tmp_path / "data", 6) as base:
        admin = httpx.Client(base_url=f"http://127.0.0.1:{base}", timeout=30)
        signed_in(admin, "root@example.com", "violet-kettle-harbour")
        assert len(admin.get("/api/admin/users").json()["items"]) == 1
        assert not (tmp_path / "data" / "demo-logins.json").exists()
