from typing import Protocol

from core.ports.identity import IdentityUnitOfWork
from core.ports.tokens import RefreshTokenRepository


class OAuthUnitOfWork(IdentityUnitOfWork, Protocol):
    refresh_tokens: RefreshTokenRepository
