"""What the inbox and the outbox claims have in common: their query in four variants."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

# (all platforms, on PostgreSQL) → the query
Variants = dict[tuple[bool, bool], sa.Select[Any]]


def claim_variants(query: sa.Select[Any], platform: sa.ColumnElement[str]) -> Variants:
    """`query` built once in each variant a claim needs: for every platform or only those
    given (the expanding parameter ``platforms``), and on PostgreSQL locking the rows it
    returns ``FOR UPDATE SKIP LOCKED``, so that two claims never return the same row."""
    variants: Variants = {}
    for all_platforms in (True, False):
        some = query if all_platforms else query.where(
            platform.in_(sa.bindparam("platforms", expanding=True)))
        for postgresql in (True, False):
            variants[(all_platforms, postgresql)] = (
                some.with_for_update(skip_locked=True) if postgresql else some)
    return variants
