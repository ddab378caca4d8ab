"""Answers encrypted at rest: a key per interview, wrapped by the answer key.

`interviews.answers` (JSON, as typed) becomes `answers_sealed` (AES-256-GCM with the
interview's own key) and `answer_key` (that key, wrapped; see `storage.keyring`).
Existing answers are encrypted here, on migrate, and the plaintext column is dropped; on
SQLite the table is copied and the old one deleted with secure_delete on.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.keyring import KEY_BYTES, keyring_for
from storage.sealing import seal, unseal

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_interviews = sa.table(
    "interviews",
    sa.column("id", sa.Integer()),
    sa.column("answers", sa.JSON()),
    sa.column("answers_sealed", sa.LargeBinary()),
    sa.column("answer_key", sa.LargeBinary()),
)


def _answered(answers: dict[str, object]) -> bool:
    return any(value is not None and value != [] for value in answers.values())


def upgrade() -> None:
    with op.batch_alter_table("interviews") as batch:
        batch.add_column(sa.Column("answers_sealed", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("answer_key", sa.LargeBinary(), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(sa.select(_interviews.c.id, _interviews.c.answers)).all()
    for row_id, answers in rows:
        if isinstance(answers, str):
            answers = json.loads(answers)
        if not answers or not _answered(answers):
            continue
        key = secrets.token_bytes(KEY_BYTES)
        bind.execute(
            _interviews.update().where(_interviews.c.id == row_id).values(
                answers_sealed=seal(key, answers), answer_key=keyring_for(bind).wrap(key)
            )
        )
    with op.batch_alter_table("interviews") as batch:
        batch.drop_column("answers")


def downgrade() -> None:
    with op.batch_alter_table("interviews") as batch:
        batch.add_column(sa.Column("answers", sa.JSON(), nullable=False, server_default="{}"))
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(_interviews.c.id, _interviews.c.answers_sealed, _interviews.c.answer_key)
        .where(_interviews.c.answer_key.is_not(None))
    ).all()
    for row_id, sealed, wrapped in rows:
        answers = unseal(keyring_for(bind).unwrap(wrapped), sealed)
        bind.execute(
            _interviews.update().where(_interviews.c.id == row_id).values(answers=answers)
        )
    with op.batch_alter_table("interviews") as batch:
        batch.drop_column("answer_key")
        batch.drop_column("answers_sealed")
