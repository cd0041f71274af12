"""The one page type: what a caller may ask for, and what a cursor is."""

from datetime import UTC, datetime

import pytest

from core.domain.errors import RuleViolated
from core.ports.pagination import Page, PageRequest, decode_cursor, encode_cursor


def test_a_page_request_asks_for_50_by_default_and_for_1_to_200() -> None:
    assert PageRequest() == PageRequest(limit=50, after=None)
    assert PageRequest(limit=1).limit == 1
    assert PageRequest(limit=200).limit == 200


@pytest.mark.parametrize("limit", [0, -1, 201, 10_000])
def test_a_limit_outside_1_to_200_is_refused(limit: int) -> None:
    with pytest.raises(RuleViolated, match="limit must be between 1 and 200"):
        PageRequest(limit=limit)


def test_a_page_with_more_to_come_carries_the_key_of_its_last_item() -> None:
    page = Page.of(["a", "b", "c"], PageRequest(limit=2), key=str.upper)

    assert page.items == ["a", "b"]
    assert page.next_cursor is not None
    assert decode_cursor(page.next_cursor, str) == "B"


@pytest.mark.parametrize("found", [[], ["a"], ["a", "b"]])
def test_the_last_page_has_no_cursor(found: list[str]) -> None:
    page = Page.of(found, PageRequest(limit=2), key=str.upper)

    assert (page.items, page.next_cursor) == (found, None)


def test_a_cursor_gives_back_its_key_and_is_safe_in_a_url() -> None:
    key = (datetime(2024, 6, 1, 12, 0, tzinfo=UTC), "0190-a")

    cursor = encode_cursor(key)

    assert set(cursor) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert decode_cursor(cursor, tuple[datetime, str]) == key


@pytest.mark.parametrize("cursor", ["", "not-a-cursor", "é", "e30", encode_cursor(["x", 1])])
def test_a_cursor_nobody_issued_is_refused(cursor: str) -> None:
    with pytest.raises(RuleViolated, match="after is not a cursor this API returned"):
        decode_cursor(cursor, tuple[datetime, str])
