"""Sessions end when their user changes, on the real unit of work (SQLite and PostgreSQL),
including when the change and the session's use happen at the same moment."""

import asyncio
import base64
import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import update

from adapters.crypto.argon2 import Argon2PasswordHasher
from adapters.crypto.settings import PasswordSettings
from adapters.db.identity.tables import users
from adapters.db.identity.uow import SqlIdentityUnitOfWork
from adapters.db.oauth.keys import SqlSigningKeyRecords
from adapters.jose.keys import JoseSigningKeys
from adapters.jose.revocations import KvTokenRevocations
from adapters.jose.sealing import KeySealer
from adapters.jose.signer import JoseAccessTokenSigner
from adapters.memory.kv import MemoryKeyValueStore
from adapters.memory.rate_limit import MemoryRateLimiter
from adapters.system.clock import SystemClock, Uuid7IdGenerator
from core.domain.access import Principal, Role
from core.domain.audit.model import Actor, Invocation
from core.domain.errors import RuleViolated
from core.domain.identity.errors import InvalidCredentials
from core.domain.identity.lockout import LoginPolicy, LoginThrottle
from core.domain.identity.oauth import OAuthError, TokenIssuer, TokenResponse
from core.domain.identity.tokens import AccessTokenClaims, TokenPolicy
from core.domain.identity.use_cases import (
    AuthenticateUser,
    ChangeUserRole,
    CreateUser,
    DecoyHash,
    DisableCustomerLogins,
    DisableUser,
    NewUser,
    ResetPassword,
    SignOutEverywhere,
)
from core.domain.identity.use_cases.grants import PasswordGrant, RefreshGrant
from core.ports.tokens import AccessTokenSigner
from tests.contracts.db_fixtures import Database
from tests.contracts.identity_fixtures import MASTER_KEY, identity
from tests.support.identity import KnownCustomers

__all__ = ["identity"]
Uow = Callable[[], SqlIdentityUnitOfWork]
ADMIN = Invocation(actor=Actor(id="admin-1", kind="user", role="admin"))
PASSWORD = "violet-kettle-harbour"
NEW_PASSWORD = "quartz-lantern-meadow"


class SlowSigner:
    """Signs as the gateway does, after a pause: a busy event loop between a grant's decision and
    its signature, which a revocation must not slip into."""

    def __init__(self, signer: AccessTokenSigner) -> None:
        self._signer = signer

    async def sign(self, claims: AccessTokenClaims) -> str:
        await asyncio.sleep(0.05)
        return await self._signer.sign(claims)


class Kit:
    """The gateway's identity use cases on the database under test, with real signing keys."""

    def __init__(self, identity: Uow, database: Database) -> None:
        self.identity = identity
        self.clock = SystemClock()
        self.hasher = Argon2PasswordHasher(PasswordSettings(time_cost=1, memory_cost_kib=8192))
        kv = MemoryKeyValueStore()
        policy = TokenPolicy(issuer="bhiv", audience="bhiv")
        self.revocations = KvTokenRevocations(kv, self.clock, policy)
        sealer = KeySealer(MASTER_KEY)
        self.keys = JoseSigningKeys(SqlSigningKeyRecords(database.engine), sealer, self.clock, policy)
        keys = self.keys
        ids = Uuid7IdGenerator()
        self.issuer = TokenIssuer(SlowSigner(JoseAccessTokenSigner(keys)), self.clock, ids, policy)
        self.access_tokens = self.revocations
        throttle = LoginThrottle(MemoryRateLimiter(), kv, LoginPolicy())
        self.authenticate = AuthenticateUser(
            identity(), self.hasher, DecoyHash(self.hasher), throttle, self.clock, ids
        )

    def change_role(self, identity: Uow) -> ChangeUserRole:
        return ChangeUserRole(identity(), self.clock, Uuid7IdGenerator(), self.revocations, KnownCustomers())

    async def create(self, email: str, role: Role = Role.OPS, customer_id: str | None = None) -> str:
        await self.keys.ensure_current()  # as the gateway does at start
        crm = KnownCustomers("cust-erased", "cust-kept")
        create = CreateUser(self.identity(), self.hasher, self.clock, Uuid7IdGenerator(), crm)
        name = email.split("@")[0]
        new = NewUser(email=email, password=PASSWORD, role=role, display_name=name, customer_id=customer_id)
        return (await create.execute(new, ADMIN)).id

    async def sign_in(self, email: str) -> str:
        """The refresh token of a new password login."""
        grant = PasswordGrant(self.authenticate, self.issuer)
        tokens = await grant.execute(email, PASSWORD, scope=None, client_id=None, by=ADMIN)
        assert tokens.refresh_token is not None
        return tokens.refresh_token

    async def refresh(self, refresh_token: str) -> str:
        return (await self.refresh_both(refresh_token)).refresh_token or ""

    async def refresh_both(self, refresh_token: str) -> TokenResponse:
        grant = RefreshGrant(self.identity(), self.issuer, self.clock, self.revocations)
        tokens = await grant.execute(refresh_token, client_id=None, scope=None, by=ADMIN)
        assert tokens.refresh_token is not None
        return tokens


async def refused(kit: Kit, refresh_token: str) -> bool:
    try:
        await kit.refresh(refresh_token)
    except OAuthError as error:
        return error.code == "invalid_grant"
    return False


@pytest.mark.parametrize("change", ["reset", "role", "disable", "sign_out"])
async def test_every_refresh_token_ends_when_its_user_is_changed(
    identity: Uow, database: Database, change: str
) -> None:
    kit = Kit(identity, database)
    user_id = await kit.create("leena@example.com")
    laptop = await kit.sign_in("leena@example.com")
    phone = await kit.refresh(await kit.sign_in("leena@example.com"))  # a rotated family too

    if change == "reset":
        await ResetPassword(identity(), kit.hasher, kit.clock, Uuid7IdGenerator(), kit.revocations).execute(
            user_id, NEW_PASSWORD, ADMIN
        )
    elif change == "role":
        await ChangeUserRole(
            identity(), kit.clock, Uuid7IdGenerator(), kit.revocations, KnownCustomers()
        ).execute(user_id, Role.SALES, None, ADMIN)
    elif change == "disable":
        await DisableUser(identity(), kit.clock, Uuid7IdGenerator(), kit.revocations).execute(user_id, ADMIN)
    else:
        principal = Principal(subject=user_id, kind="user", role=Role.OPS, permissions=frozenset())
        await SignOutEverywhere(identity(), kit.clock, kit.revocations).execute(principal, ADMIN)

    assert await refused(kit, laptop)
    assert await refused(kit, phone)


async def test_a_sign_in_after_a_role_change_starts_a_session_that_works(
    identity: Uow, database: Database
) -> None:
    kit = Kit(identity, database)
    user_id = await kit.create("omar@example.com")
    await ChangeUserRole(
        identity(), kit.clock, Uuid7IdGenerator(), kit.revocations, KnownCustomers()
    ).execute(user_id, Role.SUPPORT, None, ADMIN)

    refresh_token = await kit.sign_in("omar@example.com")

    assert await kit.refresh(refresh_token)


async def test_an_erased_customers_logins_end_and_no_one_elses(identity: Uow, database: Database) -> None:
    kit = Kit(identity, database)
    await kit.create("meera@example.com", Role.CUSTOMER, customer_id="cust-erased")
    await kit.create("meera.work@example.com", Role.CUSTOMER, customer_id="cust-erased")
    await kit.create("ravi@example.com", Role.CUSTOMER, customer_id="cust-kept")
    sessions = {email: await kit.sign_in(email) for email in ("meera@example.com", "ravi@example.com")}
    end = DisableCustomerLogins(identity(), kit.clock, Uuid7IdGenerator(), kit.revocations)

    assert len(await end.execute("cust-erased", ADMIN)) == 2
    assert await end.execute("cust-erased", ADMIN) == []  # the event came twice

    assert await refused(kit, sessions["meera@example.com"])
    assert not await refused(kit, sessions["ravi@example.com"])
    with pytest.raises(InvalidCredentials):
        await kit.sign_in("meera.work@example.com")


async def race_to_remove_both_admins(kit: Kit, identity: Uow, remove: str) -> None:
    """Ten times: two active admins, each removed by its own request at the same moment."""
    survivor = await kit.create("admin-0@example.com", Role.ADMIN)
    for round_number in range(1, 11):
        newcomer = await kit.create(f"admin-{round_number}@example.com", Role.ADMIN)
        changes = []
        for user_id in (survivor, newcomer):
            if remove == "disable":
                changes.append(
                    DisableUser(identity(), kit.clock, Uuid7IdGenerator(), kit.revocations).execute(
                        user_id, ADMIN
                    )
                )
            else:
                change = ChangeUserRole(
                    identity(), kit.clock, Uuid7IdGenerator(), kit.revocations, KnownCustomers()
                )
                changes.append(change.execute(user_id, Role.OPS, None, ADMIN))

        outcomes = await asyncio.gather(*changes, return_exceptions=True)

        assert sum(isinstance(outcome, RuleViolated) for outcome in outcomes) == 1, outcomes
        async with identity() as uow:
            assert await uow.users.count_admins() == 1
        survivor = survivor if isinstance(outcomes[0], RuleViolated) else newcomer


async def test_two_admins_disabling_each_other_at_once_leave_one_admin(
    identity: Uow, database: Database
) -> None:
    await race_to_remove_both_admins(Kit(identity, database), identity, "disable")


async def test_two_admins_demoting_each_other_at_once_leave_one_admin(
    identity: Uow, database: Database
) -> None:
    await race_to_remove_both_admins(Kit(identity, database), identity, "demote")


async def test_a_refresh_at_the_moment_of_a_reset_leaves_no_working_session(
    identity: Uow, database: Database
) -> None:
    kit = Kit(identity, database)
    user_id = await kit.create("ines@example.com")
    reset = ResetPassword(identity(), kit.hasher, kit.clock, Uuid7IdGenerator(), kit.revocations)
    for _ in range(5):
        stolen = await kit.sign_in("ines@example.com")

        outcomes = await asyncio.gather(
            kit.refresh(stolen), reset.execute(user_id, NEW_PASSWORD, ADMIN), return_exceptions=True
        )

        successor = outcomes[0]
        assert not isinstance(outcomes[1], BaseException), outcomes
        if isinstance(successor, str):  # the refresh came first: the reset must have ended it
            assert await refused(kit, successor)
        else:
            assert isinstance(successor, OAuthError), outcomes
        await ResetPassword(identity(), kit.hasher, kit.clock, Uuid7IdGenerator(), kit.revocations).execute(
            user_id, PASSWORD, ADMIN
        )


@pytest.mark.parametrize("change", ["disable", "reset"])
async def test_an_access_token_granted_at_the_moment_of_a_change_is_revoked_by_it(
    identity: Uow, database: Database, change: str
) -> None:
    """Whichever comes first, no access token survives the change (a review found one that did:
    signed after the grant's commit, it was stamped as issued after the revocation)."""
    kit = Kit(identity, database)
    user_id = await kit.create("nadia@example.com")
    for _ in range(5):
        refresh_token = await kit.sign_in("nadia@example.com")
        if change == "disable":
            revoke = DisableUser(identity(), kit.clock, Uuid7IdGenerator(), kit.revocations).execute(
                user_id, ADMIN
            )
        else:
            revoke = ResetPassword(
                identity(), kit.hasher, kit.clock, Uuid7IdGenerator(), kit.revocations
            ).execute(user_id, NEW_PASSWORD, ADMIN)

        granted, changed = await asyncio.gather(
            kit.refresh_both(refresh_token), revoke, return_exceptions=True
        )

        assert not isinstance(changed, BaseException), changed
        if isinstance(granted, TokenResponse):
            claims = await _claims_of(granted.access_token)
            assert await kit.access_tokens.is_revoked(claims["jti"], claims["sub"], claims["iat"])
        if change == "disable":
            async with identity() as uow:
                user = await uow.users.get(user_id)
            assert user is not None
            await _reactivate(database, user_id)
        else:
            await ResetPassword(
                identity(), kit.hasher, kit.clock, Uuid7IdGenerator(), kit.revocations
            ).execute(user_id, PASSWORD, ADMIN)


async def _claims_of(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))  # type: ignore[no-any-return]


async def _reactivate(database: Database, user_id: str) -> None:
    async with database.engine.begin() as connection:
        await connection.execute(update(users).where(users.c.id == user_id).values(status="active"))
