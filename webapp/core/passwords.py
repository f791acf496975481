"""Password hashing for members and agents: one argon2id hasher, and the two steps of a sign-in
that writes (a slow hash made before the write lock, then a short conditional UPDATE)."""

from __future__ import annotations

from argon2 import PasswordHasher
from sqlalchemy import update
from sqlalchemy.orm import Session

hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


def hash_password(password: str) -> str:
    """The argon2id hash of *password* (slow on purpose: make it before taking the write lock)."""
    return hasher.hash(password)


def upgraded_hash(password_hash: str, password: str) -> str | None:
    """A new hash of *password* when *password_hash* was made with weaker parameters than the
    current ones, else None.  Hashing is slow on purpose: call it before taking the write lock."""
    return hasher.hash(password) if hasher.check_needs_rehash(password_hash) else None


def replace_password_hash(session: Session, account, new_hash: str) -> None:
    """Store *new_hash* in place of the hash just verified on *account* (a member or an agent), in
    one conditional UPDATE: if the password changed meanwhile (another sign-in's upgrade), that
    change is kept."""
    model = type(account)
    session.execute(update(model).where(model.id == account.id, model.password_hash == account.password_hash)
                    .values(password_hash=new_hash), execution_options={"synchronize_session": "fetch"})
