"""Webhook mode: updates arrive at POST /telegram/webhook on the shared HTTP listener."""

from __future__ import annotations

import json

import aiohttp

from tests.fakes import telegram_updates as tu
from tests.fakes.telegram_updates import TgUser
from tests.telegram.world import GROUP, WEBHOOK_SECRET, World

ANNA = TgUser(2001, "Anna", "de Vries")


async def _post(url: str, update: dict, secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    async with aiohttp.ClientSession() as session, session.post(
        url, data=json.dumps(update), headers=headers
    ) as response:
        return response.status


async def test_the_webhook_is_registered_with_its_secret(webhook_world: World) -> None:
    fake = webhook_world.fake
    [call] = fake.calls_of("setWebhook")
    assert call.params["url"] == webhook_world.webhook_url
    assert call.params["secret_token"] == WEBHOOK_SECRET
    assert fake.calls_of("getUpdates") == []  # no polling next to the webhook
    async with aiohttp.ClientSession() as session, session.get(
        f"http://127.0.0.1:{webhook_world.listener.port}/healthz"
    ) as response:
        assert response.status == 200  # one listener for both


async def test_a_wrong_secret_is_refused_and_has_no_effect(webhook_world: World) -> None:
    fake = webhook_world.fake
    setup = tu.command(fake.next_update_id(), 1, ANNA, GROUP, "/setup")
    assert await _post(webhook_world.webhook_url, setup, "not-the-secret") == 403
    assert await _post(webhook_world.webhook_url, setup, None) == 403
    await webhook_world.settle()
    assert webhook_world.group() == []
    assert fake.calls_of("sendMessage") == []

    # The same update from Telegram itself (with the secret) works.
    assert await fake.send_update(setup) == 200
    await fake.wait_for_message(GROUP.id)
    assert "Samen Sterk" in webhook_world.group_text()


async def test_a_repeated_update_has_effect_once(webhook_world: World) -> None:
    fake = webhook_world.fake
    anna = webhook_world.member(ANNA)
    setup = tu.command(fake.next_update_id(), 1, ANNA, GROUP, "/setup")
    assert await fake.send_update(setup) == 200
    await fake.wait_for_message(GROUP.id)
    # Telegram did not see our 200 in time and sends the update again.
    assert await fake.send_update(setup) == 200
    await webhook_world.settle()
    [posted] = webhook_world.group()  # no second "set up", no "already set up"
    assert "Samen Sterk" in posted.text

    invitation = await anna.in_group("/round")
    welcome = await anna.start(fake.deep_link_payload(invitation))
    press = await fake.press(ANNA, welcome, "Let's start")
    await fake.wait_for(lambda: len(anna.inbox()) == 2, what="the first question")
    await fake.send_update(press)  # the same button press, delivered twice
    await webhook_world.settle()
    assert len(anna.inbox()) == 2
    assert "2/11" in anna.last().text


async def test_garbage_with_the_right_secret_is_a_bad_request(webhook_world: World) -> None:
    async with aiohttp.ClientSession() as session, session.post(
        webhook_world.webhook_url, data=b"{not json",
        headers={"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET},
    ) as response:
        assert response.status == 400
