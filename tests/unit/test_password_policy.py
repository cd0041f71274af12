import pytest

from core.domain.errors import RuleViolated
from core.domain.identity.common_passwords import COMMON_PASSWORDS
from core.domain.identity.passwords import WeakPassword, check_password

EMAIL = "Priya.Sharma@example.com"


def test_a_long_unusual_password_is_accepted() -> None:
    check_password("violet-kettle-harbour-42", email=EMAIL)


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short-pw-1", "at least 12"),
        ("x" * 257, "at most 256"),
        ("priya.sharma@example.com", "email"),
        ("my-PRIYA.SHARMA-is-long", "email"),
        ("Password1234", "commonly used"),
        ("QWERTYUIOP123", "commonly used"),
    ],
)
def test_a_weak_password_is_refused_naming_the_rule(password: str, reason: str) -> None:
    with pytest.raises(WeakPassword, match=reason) as refused:
        check_password(password, email=EMAIL)
    assert refused.value.code == "weak_password"
    assert isinstance(refused.value, RuleViolated)


def test_exactly_the_length_limits_are_accepted() -> None:
    check_password("k" * 11 + "z", email=EMAIL)
    check_password("k" * 255 + "z", email=EMAIL)


def test_a_very_short_local_part_does_not_forbid_its_letters() -> None:
    check_password("a-long-passphrase-here", email="a@example.com")


def test_the_built_in_list_holds_about_two_hundred_well_known_passwords() -> None:
    listed = COMMON_PASSWORDS
    assert 180 <= len(listed) <= 400
    assert {"123456", "password", "qwerty", "iloveyou"} <= listed
