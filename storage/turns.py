"""Whose turn it is to write, among the transactions of one process on one SQLite file.

SQLite lets one transaction write at a time; one that finds the lock taken sleeps in
growing steps (up to 100 ms) before it looks again. Taking turns on a lock of our own
hands the turn over the moment a transaction ends. A transaction a platform is waiting
for — storing what it sent, before Slack gets its ack or Telegram its confirmation — is
`urgent`: it goes before the others that wait (decisions, deliveries, the scheduler).
"""

from __future__ import annotations

import threading


class Turns:
    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._held = False
        self._urgent = 0  # urgent transactions waiting

    def take(self, *, urgent: bool, timeout: float) -> bool:
        """Wait for the turn; False when it did not come within `timeout` seconds."""
        with self._changed:
            if urgent:
                self._urgent += 1
            try:
                taken = self._changed.wait_for(
                    lambda: not self._held and (urgent or not self._urgent), timeout)
                if taken:
                    self._held = True
                return taken
            finally:
                if urgent:
                    self._urgent -= 1
                    self._changed.notify_all()  # the others may go now

    def give_back(self) -> None:
        """End the turn (from whatever thread: a connection may be returned by another)."""
        with self._changed:
            self._held = False
            self._changed.notify_all()
