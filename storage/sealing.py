"""Answers at rest: each interview's answers sealed with its own key (AES-256-GCM).

`interviews.answers_sealed` holds nonce + ciphertext of the answers as JSON;
`interviews.answer_key` the interview's key wrapped by the answer key (`storage.keyring`).
No answers: both NULL. So an interview that starts afresh (forget) has no key any more.
Revealed answers stay sealed in the same way; what was posted is the round's snapshot.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from conversations.model import Answers
from storage.keyring import (
    KEY_BYTES,
    AnswerKeyError,
    Keyring,
    keyring_for,
    keys_text,
    read_key_file,
    write_key_file,
)
from storage.schema import InterviewRow

_NONCE_BYTES = 12
_CONTEXT = b"optafel answers v1"


def seal(interview_key: bytes, answers: dict[str, object]) -> bytes:
    nonce = secrets.token_bytes(_NONCE_BYTES)
    plain = json.dumps(answers, sort_keys=True, ensure_ascii=False).encode()
    return nonce + AESGCM(interview_key).encrypt(nonce, plain, _CONTEXT)


def unseal(interview_key: bytes, sealed: bytes) -> dict[str, object]:
    try:
        plain = AESGCM(interview_key).decrypt(
            sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], _CONTEXT)
    except InvalidTag:
        raise AnswerKeyError("Stored answers are damaged: they do not match their key.") \
            from None
    return dict(json.loads(plain))


class SealedAnswers:
    """Reads and writes the sealed answers of interview rows within one session."""

    def __init__(self, session: Session, keyring: Keyring | None = None) -> None:
        self.session = session
        self._keyring = keyring

    @property
    def keyring(self) -> Keyring:
        if self._keyring is None:
            self._keyring = keyring_for(self.session.get_bind())
        return self._keyring

    def read(self, row: InterviewRow) -> Answers:
        if row.answers_sealed is None or row.answer_key is None:
            return Answers()
        key = self.keyring.unwrap(row.answer_key)
        return Answers.from_dict(unseal(key, row.answers_sealed))

    def values(self, wrapped: bytes | None, answers: Answers,
               stored: Answers) -> dict[str, bytes | None] | None:
        """The columns to write so that an interview that holds `stored` under the wrapped
        key `wrapped` (None: no key yet) holds `answers`; None when nothing changes.

        An existing key is not written again: `wrapped` may be a wrapping that
        `optafel rotate-key` has since replaced (in the database, not in a table this
        process kept), and writing it back would undo that."""
        if answers is stored or answers == stored:
            return None
        if answers == Answers():
            return {"answers_sealed": None, "answer_key": None}
        if wrapped is not None:
            return {"answers_sealed": seal(self.keyring.unwrap(wrapped), answers.to_dict())}
        key = secrets.token_bytes(KEY_BYTES)
        return {"answers_sealed": seal(key, answers.to_dict()),
                "answer_key": self.keyring.wrap(key)}

    def check(self) -> None:
        """Raise `AnswerKeyError` now when the key cannot open a stored interview key."""
        wrapped = self.session.scalar(
            sa.select(InterviewRow.answer_key).where(InterviewRow.answer_key.is_not(None))
            .order_by(InterviewRow.id.desc()).limit(1)
        )
        self.keyring  # noqa: B018 - resolving it reports a missing key
        if wrapped is not None:
            self.keyring.unwrap(wrapped)

    def rewrap_all(self) -> int:
        """Wrap every interview key with the newest answer key; how many changed."""
        changed = 0
        rows = self.session.execute(
            sa.select(InterviewRow.id, InterviewRow.answer_key)
            .where(InterviewRow.answer_key.is_not(None))
        ).all()
        for row_id, wrapped in rows:
            if self.keyring.needs_rewrap(wrapped):
                rewrapped = self.keyring.wrap(self.keyring.unwrap(wrapped))
                self.session.execute(
                    sa.update(InterviewRow).where(InterviewRow.id == row_id)
                    .values(answer_key=rewrapped),
                    execution_options={"synchronize_session": False},
                )
                changed += 1
        return changed


def rewrap(engine: Engine, keyring: Keyring | None = None) -> int:
    """Wrap every interview key with the newest key of `keyring` (default: the engine's),
    in one transaction; how many were wrapped anew."""
    with Session(engine) as session:
        changed = SealedAnswers(session, keyring).rewrap_all()
        session.commit()
    return changed


def rotate_key_file(engine: Engine, path: Path) -> int:
    """Replace the key in the SQLite key file `path` by a new one, with no moment at which
    a stored interview key cannot be opened by the file: first the file holds both keys,
    then every interview key is wrapped anew, then the file holds only the new key."""
    old = read_key_file(path, create=False)
    both = Keyring((secrets.token_bytes(KEY_BYTES), *old.keys))
    write_key_file(path, keys_text(both))
    changed = rewrap(engine, both)
    write_key_file(path, keys_text(Keyring(both.keys[:1])))
    return changed
