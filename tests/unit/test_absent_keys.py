"""What AbsentKeys remembers, without Redis: only while tracking is live, never a read that an
announcement overtook, and no more than its bound."""

from adapters.redis.absent_keys import AbsentKeys


def tracking(max_entries: int = 100) -> AbsentKeys:
    absent = AbsentKeys(["bhiv:kv:revoked-"], max_entries=max_entries)
    absent.live = True
    return absent


def test_nothing_is_remembered_while_tracking_is_down() -> None:
    absent = AbsentKeys(["bhiv:kv:revoked-"])

    absent.remember_absent(["bhiv:kv:revoked-jti:a"], absent.generation())

    assert not absent.is_absent("bhiv:kv:revoked-jti:a")


def test_a_read_overtaken_by_an_announcement_is_not_remembered() -> None:
    absent = tracking()
    started = absent.generation()

    absent.forget(["bhiv:kv:revoked-jti:other"])
    absent.remember_absent(["bhiv:kv:revoked-jti:a"], started)

    assert not absent.is_absent("bhiv:kv:revoked-jti:a")


def test_an_announced_key_is_forgotten_and_others_stay() -> None:
    absent = tracking()
    absent.remember_absent(["bhiv:kv:revoked-jti:a", "bhiv:kv:revoked-jti:b"], absent.generation())

    absent.forget(["bhiv:kv:revoked-jti:a"])

    assert not absent.is_absent("bhiv:kv:revoked-jti:a")
    assert absent.is_absent("bhiv:kv:revoked-jti:b")


def test_the_oldest_absence_is_dropped_at_the_bound() -> None:
    absent = tracking(max_entries=2)

    for name in ("bhiv:kv:revoked-jti:1", "bhiv:kv:revoked-jti:2", "bhiv:kv:revoked-jti:3"):
        absent.remember_absent([name], absent.generation())

    assert not absent.is_absent("bhiv:kv:revoked-jti:1")
    assert absent.is_absent("bhiv:kv:revoked-jti:3")


async def test_read_through_asks_only_for_what_is_not_known_absent() -> None:
    absent = tracking()
    asked: list[list[str]] = []

    async def read(names: list[str]) -> list[bytes | None]:
        asked.append(names)
        return [b"v" if name.endswith("present") else None for name in names]

    first = await absent.read_through(["bhiv:kv:revoked-jti:gone", "bhiv:kv:revoked-jti:present"], read)
    second = await absent.read_through(["bhiv:kv:revoked-jti:gone", "bhiv:kv:revoked-jti:present"], read)

    assert first == second == [None, b"v"]
    assert asked == [
        ["bhiv:kv:revoked-jti:gone", "bhiv:kv:revoked-jti:present"],
        ["bhiv:kv:revoked-jti:present"],
    ]
