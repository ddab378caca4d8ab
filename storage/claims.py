"""What the inbox and the outbox claims have in common: their query in four variants."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

# (all platforms, on PostgreSQL) → the query
Variants = dict[tuple[bool, bool], sa.Select[Any]]
# The condition that limits a claim to the platforms given (the expanding ``platforms``).
Only = Callable[[sa.ColumnElement[str]], sa.ColumnElement[bool]]


def only_those_given(platform: sa.ColumnElement[str]) -> sa.ColumnElement[bool]:
    return platform.in_(sa.bindparam("platforms", expanding=True))


def claim_variants(build: Callable[[Only | None], sa.Select[Any]]) -> Variants:
    """The claim's query built once in each variant it needs: `build(only)` is the query
    for every platform (`only` None) or for those given (`only(column)` is the condition
    on the platform column it names, placed where the query's index wants it); on
    PostgreSQL the rows it returns are locked ``FOR UPDATE SKIP LOCKED``, so that two
    claims never return the same row."""
    variants: Variants = {}
    for all_platforms in (True, False):
        some = build(None if all_platforms else only_those_given)
        for postgresql in (True, False):
            variants[(all_platforms, postgresql)] = (
                some.with_for_update(skip_locked=True) if postgresql else some)
    return variants
