"""The answer key: wraps the key of every interview (AES-256-GCM, `cryptography`).

The configured key never encrypts an answer itself. Each interview has a random key of
its own; only that key, wrapped by the answer key, is stored. Forgetting deletes the
wrapped key, so no later copy of the database holds readable answers.

Where the answer key comes from: ``OPTAFEL_ANSWER_KEY`` (one or more keys, separated by
commas: the first wraps new keys, all of them unwrap — that is how a key is rotated); for
a SQLite file without it, a key file next to the database (``optafel.db.key``), created
with mode 0600 on first use (atomically: processes starting at once share one key); for
an in-memory SQLite database, a key that lives as long as the engine. PostgreSQL without
``OPTAFEL_ANSWER_KEY`` is refused with `AnswerKeyError`.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import os
import secrets
import stat
import tempfile
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.engine import Connection, Engine

KEY_BYTES = 32
_ID_BYTES = 8
_NONCE_BYTES = 12
_WRAP_CONTEXT = b"optafel interview key v1"


class AnswerKeyError(RuntimeError):
    """The answer key is missing, malformed or not the one the answers were sealed with.

    The message says what to do; it never contains a key.
    """


def new_key() -> str:
    """A fresh answer key as text (URL-safe base64 of 32 random bytes)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def _decode(text: str) -> bytes:
    """One key from its text: URL-safe or standard base64 (``openssl rand -base64 32``)."""
    cleaned = text.strip().replace("+", "-").replace("/", "_")
    try:
        raw = base64.urlsafe_b64decode(cleaned + "=" * (-len(cleaned) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != KEY_BYTES:
        raise AnswerKeyError(
            "The answer key is not valid: it must be 32 random bytes in base64 "
            "(make one with `optafel rotate-key --new` or `openssl rand -base64 32`)."
        )
    return raw


@dataclass(frozen=True)
class Keyring:
    """Answer keys, the newest first: the first wraps, every one of them unwraps."""

    keys: tuple[bytes, ...]

    @classmethod
    def parse(cls, text: str) -> Keyring:
        parts = [p for p in text.replace("\n", ",").split(",") if p.strip()]
        if not parts:
            raise AnswerKeyError("The answer key is empty.")
        return cls(tuple(_decode(p) for p in parts))

    @staticmethod
    def _id(key: bytes) -> bytes:
        return hashlib.sha256(b"optafel key id" + key).digest()[:_ID_BYTES]

    def wrap(self, interview_key: bytes) -> bytes:
        """`interview_key` sealed under the newest answer key, prefixed with that key's id."""
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = AESGCM(self.keys[0]).encrypt(nonce, interview_key, _WRAP_CONTEXT)
        return self._id(self.keys[0]) + nonce + sealed

    def unwrap(self, wrapped: bytes) -> bytes:
        key_id, nonce, sealed = (
            wrapped[:_ID_BYTES], wrapped[_ID_BYTES:_ID_BYTES + _NONCE_BYTES],
            wrapped[_ID_BYTES + _NONCE_BYTES:],
        )
        for key in self.keys:
            if self._id(key) == key_id:
                try:
                    return AESGCM(key).decrypt(nonce, sealed, _WRAP_CONTEXT)
                except InvalidTag:
                    break
        raise AnswerKeyError(
            "Stored answers were sealed with an answer key that is not configured: "
            "OPTAFEL_ANSWER_KEY (or the key file next to the SQLite database) must hold it "
            "(see README, Privacy: key rotation)."
        )

    def needs_rewrap(self, wrapped: bytes) -> bool:
        """True when `wrapped` was not wrapped by the newest key."""
        return wrapped[:_ID_BYTES] != self._id(self.keys[0])


# --- where the keyring of an engine comes from ---------------------------------------------
_SOURCES: weakref.WeakKeyDictionary[Engine, Callable[[], Keyring]] = weakref.WeakKeyDictionary()
_RESOLVED: weakref.WeakKeyDictionary[Engine, Keyring] = weakref.WeakKeyDictionary()


def key_file_for(url: sa.URL) -> Path | None:
    """The key file next to a SQLite database file; None for other databases."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    database = Path(url.database)
    return database.with_name(database.name + ".key")


def attach(engine: Engine, configured: str | None) -> None:
    """Say where `engine`'s keyring comes from; it is read on first use, not here."""
    url = engine.url
    if configured:
        _SOURCES[engine] = lambda: Keyring.parse(configured)
        return
    path = key_file_for(url)
    if path is not None:
        _SOURCES[engine] = lambda: read_key_file(path, create=True)
    elif url.get_backend_name() == "sqlite":
        memory = Keyring((secrets.token_bytes(KEY_BYTES),))
        _SOURCES[engine] = lambda: memory
    else:
        _SOURCES[engine] = _missing


def _missing() -> Keyring:
    raise AnswerKeyError(
        "OPTAFEL_ANSWER_KEY is not set: answers in PostgreSQL are sealed with it. "
        "Set it to 32 random bytes in base64 (`openssl rand -base64 32`) and keep a copy "
        "somewhere safe: without it the sealed answers cannot be read."
    )


def keyring_for(bind: Engine | Connection) -> Keyring:
    """The keyring of the engine behind `bind` (raises `AnswerKeyError` if there is none)."""
    engine = bind.engine
    found = _RESOLVED.get(engine)
    if found is None:
        source = _SOURCES.get(engine)
        if source is None:
            attach(engine, None)
            source = _SOURCES[engine]
        found = _RESOLVED[engine] = source()
    return found


def read_key_file(path: Path, *, create: bool) -> Keyring:
    """The keyring in `path`; a new key is written there (mode 0600) when it is missing."""
    if create and not path.exists():
        write_key_file(path, new_key(), exclusive=True)
    try:
        mode = path.stat().st_mode
        text = path.read_text()
    except FileNotFoundError:
        raise AnswerKeyError(f"The answer key file {path} is missing.") from None
    except OSError as error:
        raise AnswerKeyError(f"The answer key file {path} cannot be read: {error.strerror}.") \
            from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise AnswerKeyError(
            f"The answer key file {path} can be read by others; `chmod 600 {path}` first."
        )
    return Keyring.parse(text)


def write_key_file(path: Path, text: str, *, exclusive: bool = False) -> None:
    """Write the key file with mode 0600 from the start, whole or not at all.

    The key goes into a temporary file (0600) in the same folder first. `exclusive`: it
    is then linked to `path`, which fails when another process made the file first — its
    key is the key, and nobody ever reads a file that is still being written. Otherwise
    it replaces `path` atomically.
    """
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".new")
    try:
        with os.fdopen(fd, "w") as out:
            out.write(text + "\n")
            out.flush()
            os.fsync(out.fileno())
        if not exclusive:
            os.replace(temporary, path)
            return
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def keys_text(keyring: Keyring) -> str:
    """The keyring as the text a key file or OPTAFEL_ANSWER_KEY holds."""
    return ",".join(base64.urlsafe_b64encode(k).decode() for k in keyring.keys)
