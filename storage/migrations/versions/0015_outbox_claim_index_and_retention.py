"""The outbox claim reads only what waits; delivered payloads emptied; retention indexes.

`ix_outbox_waiting` (destination, id) holds only the rows neither sent nor failed: the
claim finds each destination's oldest waiting row there, so it costs the same with a
year of delivered history. The payload of a row that was sent or failed is emptied (a
private review message quotes a partner's sealed answers); from now on that happens in
the write that marks it. The other indexes let the retention pass find the oldest
delivered, failed, decided and set-aside rows without reading the rest.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(JSONB(), "postgresql")
WAITING = "sent_at IS NULL AND failed_at IS NULL"
PARTIAL = {
    ("outbox", "ix_outbox_waiting"): (["destination", "id"], WAITING),
    ("outbox", "ix_outbox_next_attempt_at"): (["next_attempt_at"], WAITING),
    ("outbox", "ix_outbox_sent_at"): (["sent_at"], "sent_at IS NOT NULL"),
    ("outbox", "ix_outbox_failed_at"): (["failed_at"], "failed_at IS NOT NULL"),
    ("inbox", "ix_inbox_decided_at"): (["decided_at"], "decided_at IS NOT NULL"),
    ("inbox", "ix_inbox_set_aside_at"): (["set_aside_at"], "set_aside_at IS NOT NULL"),
}


def upgrade() -> None:
    outbox = sa.table("outbox", sa.column("payload", JSON), sa.column("sent_at"),
                      sa.column("failed_at"))
    op.execute(outbox.update()
               .where(sa.or_(outbox.c.sent_at.is_not(None), outbox.c.failed_at.is_not(None)))
               .values(payload={}))
    op.drop_index("ix_outbox_next_attempt_at", table_name="outbox")  # now only what waits
    for (table, name), (columns, where) in PARTIAL.items():
        op.create_index(name, table, columns, sqlite_where=sa.text(where),
                        postgresql_where=sa.text(where))


def downgrade() -> None:
    for table, name in PARTIAL:
        op.drop_index(name, table_name=table)
    op.create_index("ix_outbox_next_attempt_at", "outbox", ["next_attempt_at"])
