from core.domain.errors import Forbidden, Unauthenticated


class InvalidCredentials(Unauthenticated):
    """One answer for an unknown email, a wrong password, a disabled account and a lock, so
    that a caller learns nothing about which accounts exist."""

    code = "invalid_credentials"

    def __init__(self, retry_after: float | None = None) -> None:
        super().__init__("the email or password is wrong, or the account cannot sign in now")
        self.retry_after = retry_after
        """Seconds until a lock ends, when one is in force (the same for any email)."""


class InvalidClient(Unauthenticated):
    """Unknown client, wrong secret or disabled client: one answer for all three."""

    code = "invalid_client"

    def __init__(self) -> None:
        super().__init__("client authentication failed")


class WrongCurrentPassword(Forbidden):
    """A signed-in user's current password, asked again before a sensitive change, is wrong
    (or its account is locked against guessing)."""

    code = "wrong_current_password"

    def __init__(self) -> None:
        super().__init__("the current password is wrong, or the account cannot be checked now")
