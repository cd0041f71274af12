"""``bhiv up --demo``: a small, realistic data set loaded through the gateway's public API, as a
client would load it, so every record is validated, audited and announced like any other.

The sign-ins (one login per role, random passwords) are kept in the data directory with owner-only
permissions and printed at each ``bhiv up --demo``; a second run finds them and loads nothing more.
"""

import os
import secrets
import sys
from pathlib import Path
from typing import Any

import httpx
import msgspec

DEMO_DOMAIN = "demo.bhiv.example"
ROLES = ("admin", "ops", "sales", "support", "customer")


class Login(msgspec.Struct, frozen=True):
    role: str
    email: str
    password: str


class DemoLogins(msgspec.Struct, frozen=True):
    logins: list[Login]
    seeded: bool = False
    """True once the data set was loaded in full; a run that stopped half-way loads it again."""


def demo_logins(path: Path) -> DemoLogins:
    """The demo's logins, made up (and kept, readable by the owner only) on first use."""
    if path.exists():
        return msgspec.json.decode(path.read_bytes(), type=DemoLogins)
    logins = [Login(role, f"{role}@{DEMO_DOMAIN}", secrets.token_urlsafe(12)) for role in ROLES]
    made = DemoLogins(logins)
    _keep(path, made)
    return made


def _keep(path: Path, logins: DemoLogins) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(msgspec.json.encode(logins))


def print_sign_ins(logins: DemoLogins, gateway_url: str) -> None:
    lines = [f"Demo data is loaded. Sign in at {gateway_url}/auth/token (grant_type=password) as:"]
    lines += [f"  {login.role:<9} {login.email:<28} {login.password}" for login in logins.logins]
    lines.append("These are demo logins: never run --demo against data you keep.")
    print("\n".join(lines), file=sys.stderr, flush=True)


class _Caller:
    def __init__(self, client: httpx.AsyncClient, token: str) -> None:
        self._client, self._headers = client, {"Authorization": f"Bearer {token}"}

    async def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        answer = await self._client.post(path, json=body or {}, headers=self._headers)
        if answer.status_code >= 400:
            raise RuntimeError(f"demo data: POST {path} answered {answer.status_code}: {answer.text}")
        return answer.json()

    async def upload(self, path: str, name: str, text: str, **fields: str) -> Any:
        files = {"file": (name, text.encode(), "text/plain")}
        answer = await self._client.post(path, files=files, data=fields, headers=self._headers)
        if answer.status_code >= 400:
            raise RuntimeError(f"demo data: POST {path} answered {answer.status_code}: {answer.text}")
        return answer.json()

    async def put(self, path: str, body: dict[str, Any]) -> Any:
        answer = await self._client.put(path, json=body, headers=self._headers)
        answer.raise_for_status()
        return answer.json()

    async def patch(self, path: str, body: dict[str, Any]) -> Any:
        answer = await self._client.patch(path, json=body, headers=self._headers)
        answer.raise_for_status()
        return answer.json()


async def _sign_in(client: httpx.AsyncClient, login: Login) -> _Caller:
    form = {"grant_type": "password", "username": login.email, "password": login.password}
    answer = await client.post("/auth/token", data=form)
    answer.raise_for_status()
    return _Caller(client, answer.json()["access_token"])


async def seed(gateway_url: str, path: Path) -> None:
    """Loads the data set unless it is there; the demo admin must exist already (``bhiv up``
    creates it before serving, like the first admin)."""
    logins = demo_logins(path)
    if not logins.seeded:
        by_role = {login.role: login for login in logins.logins}
        async with httpx.AsyncClient(base_url=gateway_url, timeout=30) as client:
            await _load(client, by_role)
        logins = msgspec.structs.replace(logins, seeded=True)
        _keep(path, logins)
    print_sign_ins(logins, gateway_url)


async def _load(client: httpx.AsyncClient, login: dict[str, Login]) -> None:
    admin = await _sign_in(client, login["admin"])
    for role in ("ops", "sales", "support"):
        account = login[role]
        await admin.post(
            "/api/admin/users",
            {
                "email": account.email,
                "password": account.password,
                "role": role,
                "display_name": f"Demo {role}",
            },
        )
    ops, sales, support = [await _sign_in(client, login[role]) for role in ("ops", "sales", "support")]

    customers = [
        await sales.post("/api/crm/v1/customers", body)
        for body in (
            {
                "name": "Asha Kulkarni",
                "email": login["customer"].email,
                "phone": "+91 98200 11111",
                "address": "14 FC Road, Pune",
                "tags": ["retail"],
            },
            {
                "kind": "company",
                "name": "Sahyadri Traders",
                "email": "buying@sahyadri.example",
                "address": "Market Yard, Kolhapur",
                "tags": ["wholesale", "priority"],
            },
            {"name": "Rohan Iyer", "email": "rohan@iyer.example", "address": "Indiranagar, Bengaluru"},
        )
    ]
    await admin.post(
        "/api/admin/users",
        {
            "email": login["customer"].email,
            "password": login["customer"].password,
            "role": "customer",
            "display_name": "Asha",
            "customer_id": customers[0]["id"],
        },
    )
    customer = await _sign_in(client, login["customer"])

    warehouses = [
        await ops.post("/api/logistics/v1/warehouses", {"code": code, "name": name, "address": address})
        for code, name, address in (
            ("PUNE-1", "Pune central", "Chakan MIDC, Pune"),
            ("BLR-1", "Bengaluru south", "Bommasandra, Bengaluru"),
        )
    ]
    catalogue = (
        ("LAMP-BRASS", "Brass diya lamp", "lighting", "1250.00", 20, 4, 12),
        ("MAT-YOGA", "Cotton yoga mat", "wellness", "899.00", 35, 6, 20),
        ("TEA-ASSAM", "Assam tea, 500 g", "grocery", "340.00", 60, 10, 40),
        ("BOOK-GITA", "Bhagavad Gita, annotated", "books", "450.00", 3, 5, 15),
        ("INC-SANDAL", "Sandalwood incense", "wellness", "120.00", 80, 15, 50),
    )
    products = []
    for sku, name, category, price, stock, reorder_point, reorder_quantity in catalogue:
        product = await ops.post(
            "/api/logistics/v1/products",
            {
                "sku": sku,
                "name": name,
                "category": category,
                "unit_price": price,
                "currency": "INR",
                "reorder_point": reorder_point,
                "reorder_quantity": reorder_quantity,
            },
        )
        products.append(product)
        await ops.post(
            "/api/logistics/v1/movements",
            {
                "kind": "receive",
                "product_id": product["id"],
                "warehouse_id": warehouses[0]["id"],
                "quantity": stock,
            },
        )
    supplier = await ops.post(
        "/api/logistics/v1/suppliers",
        {
            "name": "Moradabad Brassworks",
            "email": "orders@brassworks.example",
            "phone": "+91 591 2400000",
            "lead_time_days": 10,
            "rating": 4,
        },
    )
    for product in (products[0], products[3]):
        await ops.put(
            f"/api/logistics/v1/suppliers/{supplier['id']}/products/{product['id']}",
            {"unit_cost": "600.00", "currency": "INR", "preferred": True},
        )

    order = await customer.post(
        "/api/logistics/v1/orders",
        {
            "warehouse_id": warehouses[0]["id"],
            "lines": [
                {"product_id": products[0]["id"], "quantity": 2},
                {"product_id": products[2]["id"], "quantity": 3},
            ],
        },
    )
    await ops.post(f"/api/logistics/v1/orders/{order['id']}/reserve")
    await ops.post(
        "/api/logistics/v1/orders",
        {
            "customer_id": customers[1]["id"],
            "warehouse_id": warehouses[0]["id"],
            "lines": [{"product_id": products[1]["id"], "quantity": 10}],
        },
    )

    for name, email, company, source in (
        ("Kavya Menon", "kavya@lotus.example", "Lotus Yoga Studios", "web"),
        ("Imran Shaikh", "imran@chai.example", "Chai Point Cafes", "referral"),
        ("Neha Joshi", "neha@vidya.example", "Vidya School", "event"),
    ):
        lead = await sales.post(
            "/api/crm/v1/leads", {"name": name, "email": email, "company": company, "source": source}
        )
        if source == "referral":
            for status in ("contacted", "qualified"):
                await sales.patch(f"/api/crm/v1/leads/{lead['id']}", {"status": status})
            await sales.post(f"/api/crm/v1/leads/{lead['id']}/convert", {"amount": "180000"})
    for account, name, amount, stages in (
        (customers[1], "Festival season stock", "420000.00", ("qualification", "proposal")),
        (customers[2], "Office wellness kits", "95000.00", ("qualification",)),
    ):
        opportunity = await sales.post(
            "/api/crm/v1/opportunities",
            {"customer_id": account["id"], "name": name, "amount": amount, "currency": "INR"},
        )
        for stage in stages:
            await sales.patch(f"/api/crm/v1/opportunities/{opportunity['id']}", {"stage": stage})
    await sales.post(
        "/api/crm/v1/interactions",
        {
            "customer_id": customers[1]["id"],
            "kind": "call",
            "subject": "Diwali order volumes",
            "body": "Wants 200 lamps by October; asked for a 5% volume discount.",
        },
    )

    ticket = await customer.post(
        "/api/crm/v1/tickets",
        {
            "subject": "Tea packet arrived torn",
            "priority": "high",
            "description": "One of the three Assam tea packets was torn open in the box.",
        },
    )
    await support.post(
        f"/api/crm/v1/tickets/{ticket['id']}/comments",
        {"body": "Sorry about that! A replacement is on its way."},
    )
    await support.patch(f"/api/crm/v1/tickets/{ticket['id']}", {"status": "in_progress"})
    await customer.post(
        "/api/crm/v1/tickets",
        {
            "subject": "Invoice with GST number",
            "description": "Please add our GSTIN to the invoice.",
            "priority": "low",
        },
    )
    for title, text in HANDBOOK:  # sharing with everyone needs agents:admin
        await admin.upload(
            "/api/orchestration/v1/kb/documents", f"{title}.txt", text, title=title, visibility="shared"
        )


HANDBOOK = (
    (
        "Returns and refunds",
        "Customers may return any unused item within thirty days of delivery. Refunds reach the "
        "original payment method within five working days of the return reaching the warehouse. "
        "Torn or damaged packaging is replaced free of charge when reported within a week.",
    ),
    (
        "Shipping times",
        "Orders placed before noon leave the Pune warehouse the same day. Deliveries to Mumbai take "
        "two days, to Bengaluru three days and to Delhi four days. Festival weeks add one day.",
    ),
)
