"""Whom a call is charged to when a service client (orchestration's agents) calls the LLM
service on a signed-in user's behalf, naming the user by their access token."""

from core.domain.access import Permission, Principal, require
from core.domain.errors import Forbidden, Unauthenticated
from core.domain.llm.usage import Caller


class InvalidOnBehalfOfToken(Unauthenticated):
    """The user's token a delegating client sent is not a valid access token. Its own code, so
    the client does not take it for a refusal of its own token (and fetch a new one in vain)."""

    code = "invalid_on_behalf_of_token"


def ensure_may_delegate(caller: Principal) -> None:
    """Checked before the user's token is even read, so a caller that may not delegate learns
    nothing about tokens it sends."""
    require(caller, Permission.LLM_DELEGATE)


def charged_caller(caller: Principal, end_user: Principal | None = None) -> Caller:
    """- A caller acting for nobody is charged itself and needs ``llm:use``.
    - A caller acting for a user needs ``llm:delegate`` (service clients only; a user's token
      never carries it); the user is a user (not another client) holding ``llm:use``, or
      ``agents:use``: the agents a customer may run answer through models too, charged to them.
    - Acting for a user, quotas and usage are the user's, and the record names the client."""
    if end_user is None:
        require(caller, Permission.LLM_USE)
        return Caller.of(caller)
    ensure_may_delegate(caller)
    if end_user.kind != "user":
        raise Forbidden("a client may act on behalf of a user only, not of another client")
    if not (end_user.has(Permission.LLM_USE) or end_user.has(Permission.AGENTS_USE)):
        raise Forbidden(f"the user acted for holds neither {Permission.LLM_USE} nor {Permission.AGENTS_USE}")
    return Caller.of(end_user, delegated_by=caller)
