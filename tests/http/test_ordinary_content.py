"""Ordinary content the screen used to refuse: strong passwords that look like attacks, set by an
admin and used to sign in, through the real gateway app."""

import random
import string
from collections.abc import AsyncIterator

import pytest

from adapters.inspection.detectors.inspector import Inspector
from apps._shared.settings import PlatformSettings
from core.domain.access import Role
from core.domain.threat.policy import ThreatPolicy, verdict_for
from tests.http.platform import Clients, running_platform
from tests.support.identity import create_user


def passwords_that_look_like_attacks(count: int) -> list[str]:
    """Password-manager passwords (20 characters with punctuation) that the detectors score as
    attacks when read as an ordinary value."""
    generator = random.Random(7)
    alphabet = string.ascii_letters + string.digits + string.punctuation
    inspector, policy, found = Inspector(), ThreatPolicy(), []
    while len(found) < count:
        password = "".join(generator.choice(alphabet) for _ in range(20))
        if verdict_for(inspector.inspect_value(password), policy).value != "allow":
            found.append(password)
    return found


@pytest.fixture
async def platform(settings: PlatformSettings) -> AsyncIterator[Clients]:
    async with running_platform(settings) as clients:
        await create_user(clients["gateway"].app, "root@example.com", Role.ADMIN)
        yield clients


async def test_an_admin_sets_such_passwords_and_their_owners_sign_in(platform: Clients) -> None:
    gateway = platform["gateway"]
    login = {"grant_type": "password", "username": "root@example.com", "password": "violet-kettle-harbour"}
    admin = {
        "Authorization": f"Bearer {(await gateway.post('/auth/token', data=login)).json()['access_token']}"
    }

    for number, password in enumerate(passwords_that_look_like_attacks(5)):
        email = f"owner-{number}@example.com"
        user = {"email": email, "password": password, "role": "sales", "display_name": f"Owner {number}"}
        created = await gateway.post("/api/admin/users/", json=user, headers=admin)
        signed_in = await gateway.post(
            "/auth/token", data={"grant_type": "password", "username": email, "password": password}
        )

        assert created.status_code == 201, (password, created.text)
        assert signed_in.status_code == 200, (password, signed_in.text)
