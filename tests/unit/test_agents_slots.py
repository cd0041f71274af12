"""A user's run slots: at most the limit at once; a lease left behind frees itself; and a run
that outlived its lease never frees the slot another run has taken since."""

import pytest

from adapters.memory.kv import MemoryKeyValueStore
from adapters.system.clock import Uuid7IdGenerator
from core.domain.agents.errors import TooManyRuns
from core.domain.agents.slots import RunSlots
from tests.support.fake_clock import FakeClock


async def test_when_the_first_run_ends_the_later_one_keeps_its_slot() -> None:
    clock = FakeClock()
    store = MemoryKeyValueStore(clock)
    slots = RunSlots(store, 1, Uuid7IdGenerator())
    first = slots.held("asha", 30)
    await first.__aenter__()
    clock.advance(36)
    second = slots.held("asha", 30)
    await second.__aenter__()

    await first.__aexit__(None, None, None)

    with pytest.raises(TooManyRuns):
        async with slots.held("asha", 30):
            pass
    await second.__aexit__(None, None, None)
    async with slots.held("asha", 30):
        pass
