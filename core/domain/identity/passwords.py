"""The password policy: what a new password must satisfy before it is hashed."""

from core.domain.errors import RuleViolated
from core.domain.identity.common_passwords import COMMON_PASSWORDS

MIN_LENGTH = 12
MAX_LENGTH = 256
# A local part this short ("a@x.io") would forbid half the alphabet; only longer ones count.
_MIN_LOCAL_PART = 3


class WeakPassword(RuleViolated):
    code = "weak_password"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_password(password: str, *, email: str) -> None:
    """Raises ``WeakPassword`` naming the first rule ``password`` breaks."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"the password must have at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"the password must have at most {MAX_LENGTH} characters")
    lowered = password.lower()
    address = normalise_email(email)
    local_part = address.split("@", 1)[0]
    if lowered == address or (len(local_part) >= _MIN_LOCAL_PART and local_part in lowered):
        raise WeakPassword("the password must not be or contain the email address")
    if lowered in COMMON_PASSWORDS:
        raise WeakPassword("the password is one of the most commonly used passwords")
