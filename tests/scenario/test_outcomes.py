"""Sends that end at one moment have their outcomes written together, each its own."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from sqlalchemy import event

from bot.outcomes import Outcomes
from storage.unit_of_work import UnitOfWork
from tests.storage.helpers import T0
from tests.storage.test_outbox import claim, fill, pending


async def test_outcomes_of_one_moment_share_a_transaction_and_each_stays_its_own(engine):
    fill(engine, 3)
    first, second, third = claim(engine)
    stale = replace(third, lease="a lease another process replaced")
    commits: list[int] = []
    event.listen(engine, "commit", lambda _connection: commits.append(1))
    outcomes = Outcomes(engine)

    sent = await asyncio.gather(*(outcomes.write(lambda o, item=item: o.mark_sent(item, T0))
                                  for item in (first, second, stale)))

    assert sent == [True, True, False]  # the stale lease wrote nothing
    assert len(commits) == 1
    assert pending(engine) == 1  # the third waits for whoever holds its lease
    with UnitOfWork(engine) as uow:  # and that one can still record it
        assert uow.outbox.mark_sent(third, T0)


async def test_a_failed_outcome_is_its_own_and_the_others_of_its_moment_are_written(engine):
    fill(engine, 2)
    first, second = claim(engine)
    outcomes = Outcomes(engine)

    def broken(_outbox) -> bool:
        raise RuntimeError("the database went away")

    results = await asyncio.gather(
        outcomes.write(lambda o: o.mark_sent(first, T0)), outcomes.write(broken),
        return_exceptions=True)

    assert results[0] is True and isinstance(results[1], RuntimeError)
    assert pending(engine) == 1  # the first is recorded as sent: it is not sent again
    assert await outcomes.write(lambda o: o.mark_sent(second, T0))
    assert pending(engine) == 0
