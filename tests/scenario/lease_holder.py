"""A delivery process that claims the outbox and then hangs, as if mid-send:
`python lease_holder.py URL NOW`. It holds its owner lock (as `optafel run` does), claims
everything due at NOW with a lease of an hour, prints how many, and waits to be killed."""

from __future__ import annotations

import sys
import time
from datetime import datetime

from bot.delivery import LEASE_SECONDS
from storage.database import create_engine_for
from storage.owners import hold_owner
from storage.unit_of_work import UnitOfWork


def main(url: str, now: datetime) -> None:
    engine = create_engine_for(url)
    owner = hold_owner(engine, LEASE_SECONDS)  # as the delivery of `optafel run`
    with UnitOfWork(engine) as uow:
        items = uow.outbox.claim(now, limit=100, lease_seconds=3600, owner=owner.id)
        uow.commit()
    print(len(items), flush=True)
    time.sleep(3600)


if __name__ == "__main__":
    main(sys.argv[1], datetime.fromisoformat(sys.argv[2]))
