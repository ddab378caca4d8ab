"""Telegram keeps an update until it is stored: polling confirms a batch only after
storing it, the webhook answers 200 only after storing."""

from __future__ import annotations

from tests.fakes import telegram_updates as tu
from tests.fakes.telegram_updates import TgUser
from tests.scenario.test_inbox import rename
from tests.telegram.world import GROUP, World

ANNA = TgUser(2001, "Anna", "de Vries")


async def test_polling_confirms_an_update_only_after_it_is_stored(world: World) -> None:
    fake = world.fake
    engine = world.runtime.engine
    rename(engine, "inbox", "inbox_away")
    setup = tu.command(fake.next_update_id(), 1, ANNA, GROUP, "/setup")
    update_id = setup["update_id"]
    await fake.send_update(setup)
    # Fetched, not stored: the bot asks again without confirming it, and gets it again.
    await fake.wait_for(lambda: fake.handed_out.get(update_id, 0) >= 2, 20,
                        "the update handed out again")
    assert max(fake.offsets()) <= update_id
    assert fake.unconfirmed == 1 and world.group() == []

    rename(engine, "inbox_away", "inbox")
    await fake.wait_for_message(GROUP.id, timeout=20)
    await fake.wait_for(lambda: max(fake.offsets()) > update_id, 20, "the confirmation")
    await world.settle()
    [posted] = world.group()
    assert "Samen Sterk" in posted.text


async def test_an_update_delivered_twice_by_polling_has_effect_once(world: World) -> None:
    fake = world.fake
    setup = tu.command(fake.next_update_id(), 1, ANNA, GROUP, "/setup")
    await fake.send_update(setup)
    await fake.wait_for_message(GROUP.id)
    await fake.send_update(setup)  # as after a crash between storing and confirming
    await world.settle()
    assert len(world.group()) == 1


async def test_the_webhook_answers_200_only_for_a_stored_update(webhook_world: World) -> None:
    fake = webhook_world.fake
    engine = webhook_world.runtime.engine
    setup = tu.command(fake.next_update_id(), 1, ANNA, GROUP, "/setup")
    rename(engine, "inbox", "inbox_away")
    assert await fake.send_update(setup) == 500  # Telegram keeps it and sends it again
    rename(engine, "inbox_away", "inbox")
    await webhook_world.settle()
    assert webhook_world.group() == []
    assert await fake.send_update(setup) == 200
    await fake.wait_for_message(GROUP.id)
    await webhook_world.settle()
    assert len(webhook_world.group()) == 1


async def test_polling_errors_lose_nothing_and_repeat_nothing(world: World) -> None:
    """A conflict (another process polling the same bot), a gateway error and a flood
    wait from getUpdates: polling goes on, and the update is handled once."""
    fake = world.fake
    fake.fail_next("getUpdates", 409, "Conflict: terminated by other getUpdates request")
    fake.fail_next("getUpdates", 502, "Bad Gateway")
    fake.rate_limit_next("getUpdates", retry_after=1)
    await fake.wait_for(lambda: len([c for c in fake.calls_of("getUpdates") if not c.ok]) == 3,
                        30, "three failed polls")
    setup = tu.command(fake.next_update_id(), 1, ANNA, GROUP, "/setup")
    await fake.send_update(setup)
    await fake.wait_for_message(GROUP.id, timeout=20)
    await world.settle()
    assert len(world.group()) == 1
