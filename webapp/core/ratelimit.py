"""Lock-out counters over the ``limits`` library, knowing nothing of Flask.

Every counter is a moving window in the one storage Flask-Limiter was given (Redis when
``REDIS_URL`` is set, so every worker of every instance sees the same counts): "10 in 15
minutes" holds for any 15 minutes.  The Flask side (which storage, which address, the burst
ceiling, the 429 pages) is in ``webapp/core/lockout.py``.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass

from limits import parse
from limits.strategies import RateLimiter

from . import clock


@dataclass(frozen=True)
class Lockout:
    """The limits of one sign-in form, in the ``limits`` notation ("10 per 15 minutes")."""

    person: str   # wrong answers for one person, whatever identifier was typed
    address: str  # wrong answers from one client address, whoever they were for
    burst: str    # attempts across everyone (a credential-stuffing burst)


class Window:
    """One counter: at most the limit's amount of events in any stretch of its period."""

    def __init__(self, strategy: RateLimiter, limit: str, *identifiers: str):
        self.strategy, self.item, self.identifiers = strategy, parse(limit), identifiers

    def take(self) -> bool:
        """Count one event now, atomically; False (and nothing counted) when the window is full."""
        return self.strategy.hit(self.item, *self.identifiers)

    def full(self) -> bool:
        return not self.strategy.test(self.item, *self.identifiers)

    def clear(self) -> None:
        self.strategy.clear(self.item, *self.identifiers)

    def retry_after(self) -> int:
        """Whole seconds until the oldest event leaves the window (at least 1)."""
        reset_at = self.strategy.get_window_stats(self.item, *self.identifiers).reset_time
        return max(1, math.ceil(reset_at - clock.utcnow().timestamp()))


class SignInAttempts:
    """The per-person and per-address counters of one sign-in form, for one client address.

    Per person, an attempt takes its place before the password is checked: the count is one
    atomic step in the storage, so parallel requests cannot all slip under the limit; a right
    answer clears it (only someone who knows the password can). Per address only wrong answers
    count and a right answer clears nothing, so signing in to one's own account between guesses
    gains an attacker nothing. A locked identifier unknown to us is locked exactly like a known
    one: nothing tells whether the account exists. People and addresses are keyed by a keyed hash
    (*secret*), so the storage holds no typed CPF and no IP address.
    """

    def __init__(self, strategy: RateLimiter, form: str, lockout: Lockout, address: str | None, secret: str):
        self.strategy, self.form, self.lockout, self.secret = strategy, form, lockout, secret
        self.address = Window(strategy, lockout.address, form, "endereco", self.pseudonym(address or ""))

    def pseudonym(self, value: str) -> str:
        return hmac.new(self.secret.encode(), f"{self.form}:{value}".encode(), hashlib.sha256).hexdigest()[:32]

    def person(self, person: str) -> Window:
        return Window(self.strategy, self.lockout.person, self.form, "pessoa", self.pseudonym(person))

    def start(self, person: str) -> int:
        """Seconds to wait before trying again, or 0: this attempt may go on (and is counted)."""
        if self.address.full():
            return self.address.retry_after()
        window = self.person(person)
        if not window.take():
            return window.retry_after()
        return 0

    def failed(self) -> None:
        """A wrong answer from this address (the person's attempt was counted by ``start``)."""
        self.address.take()

    def succeeded(self, person: str) -> None:
        self.person(person).clear()


class Misses:
    """Unsuccessful tries of a signed-in user (an agent's look-ups that find nobody)."""

    def __init__(self, strategy: RateLimiter, limit: str, kind: str, who: str):
        self.window = Window(strategy, limit, kind, who)

    def paused(self) -> int:
        """Seconds to wait before trying again, or 0."""
        return self.window.retry_after() if self.window.full() else 0

    def missed(self) -> None:
        self.window.take()


def wait_text(seconds: int) -> str:
    """'15 minutos', '1 minuto': how long a person must wait, in pt-BR, rounded up."""
    minutes = max(1, math.ceil(seconds / 60))
    return f"{minutes} minuto" if minutes == 1 else f"{minutes} minutos"
