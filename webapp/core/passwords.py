"""Password hashing for members and agents: one argon2id hasher, with the parameters of the app's
``PASSWORD_HASHING`` setting, and the two steps of a sign-in that writes (a slow hash made before
the write lock, then a short conditional UPDATE)."""

from __future__ import annotations

from collections.abc import Mapping

from argon2 import PasswordHasher
from sqlalchemy import update
from sqlalchemy.orm import Session


class Hasher:
    """argon2id with the parameters of ``PASSWORD_HASHING`` (``time_cost``, ``memory_cost`` in KiB,
    ``parallelism``...; none: the library's current recommended ones, also until an app is made).
    ``hash``, ``verify`` and ``check_needs_rehash`` are argon2's ``PasswordHasher``'s.  One per
    process, like the extensions: the last app made sets the parameters."""

    def __init__(self) -> None:
        self._parameters: dict[str, int] | None = None
        self.configure({})

    def init_app(self, app) -> None:
        self.configure(app.config["PASSWORD_HASHING"])

    def configure(self, parameters: Mapping[str, int]) -> None:
        if dict(parameters) != self._parameters:
            self._parameters = dict(parameters)
            self._argon2 = PasswordHasher(**parameters)
            self._made_once: dict[str, str] = {}
            # Verified when no account has the name typed, so that answer takes as long as a real check.
            self.decoy_hash = self.hash("senha-que-ninguem-tem")

    def hash(self, password: str) -> str:
        return self._argon2.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        return self._argon2.verify(password_hash, password)

    def check_needs_rehash(self, password_hash: str) -> bool:
        return self._argon2.check_needs_rehash(password_hash)

    def hash_once(self, password: str) -> str:
        """A hash of *password* made once with the current parameters, then reused (the one hash of
        every demo account: hashing is slow on purpose)."""
        if password not in self._made_once:
            self._made_once[password] = self.hash(password)
        return self._made_once[password]


hasher = Hasher()


def hash_password(password: str) -> str:
    """The argon2id hash of *password* (slow on purpose: make it before taking the write lock)."""
    return hasher.hash(password)


def upgraded_hash(password_hash: str, password: str) -> str | None:
    """A new hash of *password* when *password_hash* was made with other parameters than the
    current ones, else None.  Hashing is slow on purpose: call it before taking the write lock."""
    return hasher.hash(password) if hasher.check_needs_rehash(password_hash) else None


def replace_password_hash(session: Session, account, new_hash: str) -> None:
    """Store *new_hash* in place of the hash just verified on *account* (a member or an agent), in
    one conditional UPDATE: if the password changed meanwhile (another sign-in's upgrade), that
    change is kept."""
    model = type(account)
    session.execute(update(model).where(model.id == account.id, model.password_hash == account.password_hash)
                    .values(password_hash=new_hash), execution_options={"synchronize_session": "fetch"})
