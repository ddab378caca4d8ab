"""A failed platform call never loses a message and never crashes the bot."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from bot.adapter import DeliveryError, Progress, deliver_parts
from bot.local.adapter import LocalAdapter
from bot.local.session import LocalSession
from bot.runtime import Runtime
from conversations.effects import PostToChannel, SendPrivate
from conversations.events import ButtonPress, ChannelCommand
from conversations.messages import Message
from storage.unit_of_work import UnitOfWork
from tests.waiting import eventually

from .conftest import FakeClock, answer_everything


class FlakyPlatform(LocalAdapter):
    """The local platform, but the next calls to a user or channel fail as told."""

    def __init__(self) -> None:
        super().__init__()
        self.failures: dict[str, list[Exception]] = {}

    def fail(self, place: str, *errors: Exception) -> None:
        self.failures.setdefault(place, []).extend(errors)

    def _maybe_fail(self, place: str) -> None:
        if self.failures.get(place):
            raise self.failures[place].pop(0)

    async def send_private(self, user_id: str, message: Message, *,
                           progress: Progress | None = None) -> None:
        self._maybe_fail(f"dm:{user_id}")
        await super().send_private(user_id, message, progress=progress)

    async def post_to_channel(self, channel_id: str, message: Message, *,
                              progress: Progress | None = None) -> None:
        self._maybe_fail(f"#{channel_id}")
        await super().post_to_channel(channel_id, message, progress=progress)


async def start(engine, clock, platform: LocalAdapter | None = None,
                **options) -> tuple[Runtime, Any, LocalSession]:
    """A running runtime on `platform` (a FlakyPlatform by default), set up with two
    partners."""
    runtime = Runtime(engine, default_language="en", clock=clock, drain_interval=3600,
                      **options)
    platform = platform or FlakyPlatform()
    runtime.add_adapter(platform)
    await runtime.start()
    session = LocalSession(runtime, platform)
    await session.command("Dewi", "/setup")
    await session.command("Dewi", "/partners @Anna @Bram")
    return runtime, platform, session


async def test_a_rate_limited_message_is_delivered_later_and_in_order(engine):
    clock = FakeClock()
    runtime, platform, s = await start(engine, clock)
    platform.fail("dm:anna", DeliveryError("ratelimited", retry_after=30))
    await s.command("Dewi", "/round")
    assert platform.inbox("anna") == [] and len(platform.inbox("bram")) == 1
    await s.say("Anna", "hello")  # its reply must not overtake the welcome
    assert platform.inbox("anna") == []
    clock.advance(seconds=31)
    await runtime.drain()
    texts = [m.text for m in platform.inbox("anna")]
    assert texts[0].startswith("Welcome to Op Tafel") and "Let's start" in texts[1]
    await runtime.stop()


async def test_an_outage_is_retried_until_it_is_over(engine):
    clock = FakeClock()
    runtime, platform, s = await start(engine, clock)
    platform.fail("#tafel", ConnectionError("network down"), ConnectionError("still down"))
    await s.command("Dewi", "/round")
    assert not any("Round 1 has started" in m.text for m in platform.channel("tafel"))
    for _ in range(3):
        clock.advance(seconds=60)
        await runtime.drain()
    assert sum("Round 1 has started" in m.text for m in platform.channel("tafel")) == 1
    await runtime.stop()


async def test_a_partner_who_blocked_the_bot_is_shown_unreachable(engine):
    clock = FakeClock()
    runtime, platform, s = await start(engine, clock)
    platform.fail("dm:bram", DeliveryError("bot was blocked by the user", permanent=True,
                                           unreachable=True))
    await s.command("Dewi", "/round")
    told = platform.inbox("dewi")[-1].text
    assert "couldn't write to Bram privately" in told and "blocked" in told
    await s.command("Dewi", "/status")
    status = platform.notices("dewi")[-1].text
    assert "Bram: not started yet — I can't reach them privately" in status
    await s.say("Bram", "I'm back")  # writing to the bot makes Bram reachable again
    await s.command("Dewi", "/status")
    assert "can't reach" not in platform.notices("dewi")[-1].text
    await runtime.stop()


async def test_a_channel_the_bot_cannot_post_in_is_reported_to_the_coordinators(engine):
    clock = FakeClock()
    runtime, platform, s = await start(engine, clock)
    platform.fail("#tafel", DeliveryError("not_in_channel", permanent=True))
    await s.command("Dewi", "/round")
    told = platform.inbox("dewi")[-1].text
    assert "couldn't post in the channel of Tafel (not_in_channel)" in told
    await runtime.stop()


class PagedPlatform(FlakyPlatform):
    """A platform whose messages hold one section each: a long message goes in parts."""

    def __init__(self) -> None:
        super().__init__()
        self.posted: list[str] = []
        self.stuck_at: str | None = None  # a part whose sending never ends (then: the kill)
        self.stuck = asyncio.Event()

    async def post_to_channel(self, channel_id: str, message: Message, *,
                              progress: Progress | None = None) -> None:
        async def post(number: int, section: str) -> None:
            self._maybe_fail(f"#{channel_id}:{number}")
            if self.stuck_at == f"#{channel_id}:{number}":
                self.stuck.set()
                await asyncio.Event().wait()
            self.posted.append(section)

        await deliver_parts(message.sections, progress, post, _as_delivery_error)


def _as_delivery_error(error: Exception) -> DeliveryError:
    return error if isinstance(error, DeliveryError) else DeliveryError("?")


async def _ready_to_reveal(engine, clock, **options) -> tuple[Runtime, PagedPlatform,
                                                               LocalSession]:
    """A running runtime on a paged platform, with Anna's answers sealed, nothing posted."""
    runtime = Runtime(engine, default_language="en", clock=clock, drain_interval=3600,
                      **options)
    platform = PagedPlatform()
    runtime.add_adapter(platform)
    await runtime.start()
    s = LocalSession(runtime, platform)
    await s.command("Dewi", "/setup")
    await s.command("Dewi", "/partners @Anna")
    await s.command("Dewi", "/round")
    await answer_everything(s, "Anna", "Municipality")
    platform.posted.clear()
    return runtime, platform, s


async def test_a_split_reveal_resumes_after_a_restart_without_posting_a_part_twice(engine):
    clock = FakeClock()
    first, platform, s = await _ready_to_reveal(engine, clock)
    platform.fail("#tafel:3", DeliveryError("rate limited", retry_after=60))
    await s.command("Dewi", "/reveal")
    assert len(platform.posted) == 3  # header (2 sections) and Anna's card arrived
    await first.stop()  # the process stops before the retry

    clock.advance(seconds=61)
    second = Runtime(engine, default_language="en", clock=clock, drain_interval=3600)
    second.add_adapter(platform)
    await second.start()
    await second.drain()
    await second.stop()
    assert platform.posted[0].startswith("<b>On the table")
    assert len(platform.posted) == len(set(platform.posted))  # no part twice
    assert any("To talk about" in part for part in platform.posted)  # and none lost


async def test_a_stop_while_a_part_hangs_gives_it_back_and_never_posts_a_part_again(engine):
    clock = FakeClock()
    first, platform, s = await _ready_to_reveal(engine, clock, shutdown_grace=0.1)
    platform.stuck_at = "#tafel:1"
    reveal = asyncio.create_task(s.command("Dewi", "/reveal"))
    await platform.stuck.wait()  # part 1 arrived, part 2 hangs (a long rate-limit wait) ...
    await first.stop()  # ... when the process is stopped: it cuts the wait off
    await reveal
    assert len(platform.posted) == 1
    platform.stuck_at = None

    second = Runtime(engine, default_language="en", clock=clock, drain_interval=3600)
    second.add_adapter(platform)
    await second.start()
    assert await second.drain() == 1  # at once: given back, no lease to wait out
    await second.stop()
    assert platform.posted[0].startswith("<b>On the table")
    assert len(platform.posted) == len(set(platform.posted)) > 3  # no part twice
    assert any("To talk about" in part for part in platform.posted)  # and none lost


async def test_a_long_outage_is_waited_out_with_retries_at_most_five_minutes_apart(engine):
    clock = FakeClock()
    runtime, platform, s = await start(engine, clock)
    platform.fail("#tafel", *(ConnectionError("network down") for _ in range(40)))
    await s.command("Dewi", "/round")
    for _ in range(40):  # more than three hours of outage
        assert not any("Round 1 has started" in m.text for m in platform.channel("tafel"))
        clock.advance(minutes=5)
        await runtime.drain()
    assert sum("Round 1 has started" in m.text for m in platform.channel("tafel")) == 1
    assert not any("couldn't post" in m.text for m in platform.inbox("dewi"))
    await runtime.stop()


async def test_after_the_time_budget_the_coordinators_are_told(engine):
    clock = FakeClock()
    runtime, platform, s = await start(engine, clock, delivery_budget=timedelta(hours=1))
    platform.fail("#tafel", *(ConnectionError("network down") for _ in range(100)))
    await s.command("Dewi", "/round")
    for _ in range(11):  # 55 minutes: still trying
        clock.advance(minutes=5)
        await runtime.drain()
    assert not any("couldn't post" in m.text for m in platform.inbox("dewi"))
    for _ in range(2):
        clock.advance(minutes=5)
        await runtime.drain()
    told = [m.text for m in platform.inbox("dewi") if "couldn't post" in m.text]
    assert len(told) == 1 and "ConnectionError" in told[0]
    clock.advance(hours=1)
    await runtime.drain()
    assert not any("Round 1 has started" in m.text for m in platform.channel("tafel"))
    await runtime.stop()


async def test_waits_the_platform_asked_for_never_use_up_the_budget(engine):
    clock = FakeClock()
    runtime, platform, s = await start(engine, clock, delivery_budget=timedelta(hours=1))
    platform.fail("#tafel", ConnectionError("network down"),
                  *(DeliveryError("ratelimited", retry_after=600) for _ in range(12)),
                  ConnectionError("network down"))
    await s.command("Dewi", "/round")
    for _ in range(30):  # two hours and a half, two of them asked for by the platform
        clock.advance(minutes=5)
        await runtime.drain()
    assert sum("Round 1 has started" in m.text for m in platform.channel("tafel")) == 1
    assert not any("couldn't post" in m.text for m in platform.inbox("dewi"))
    await runtime.stop()


class SlowPlatform(LocalAdapter):
    """Every channel post takes a while, as when the SDK waits out a rate limit inside."""

    def __init__(self) -> None:
        super().__init__()
        self.sending = asyncio.Event()

    async def post_to_channel(self, channel_id: str, message: Message, *,
                              progress: Progress | None = None) -> None:
        self.sending.set()
        await asyncio.sleep(5)
        await super().post_to_channel(channel_id, message, progress=progress)


async def test_a_slow_send_keeps_its_lease_so_another_process_never_sends_it_too(engine):
    sender, other = SlowPlatform(), SlowPlatform()
    first = Runtime(engine, lease_seconds=2, drain_interval=3600)
    second = Runtime(engine, lease_seconds=2, drain_interval=3600)
    first.add_adapter(sender)
    second.add_adapter(other)
    await first.start()
    with UnitOfWork(engine) as uow:
        uow.outbox.add("local", None, PostToChannel("tafel", Message(("hello",))))
        uow.commit()
    sending = asyncio.create_task(first.drain())
    await sender.sending.wait()
    await second.start()
    for _ in range(45):  # 4.5 s: more than two leases long
        await asyncio.sleep(0.1)
        assert await second.drain() == 0
    await sending
    await first.stop()
    await second.stop()
    assert [m.text for m in sender.channel("tafel")] == ["hello"] and other.channel("tafel") == []


class HangingChannel(LocalAdapter):
    """Once told to, posts to the channel hang until let go: as a long rate-limit wait
    inside an SDK (slack_sdk and python-telegram-bot wait out a 429 within the call)."""

    def __init__(self) -> None:
        super().__init__()
        self.hang = False
        self.hanging = asyncio.Event()
        self.let_go = asyncio.Event()

    async def post_to_channel(self, channel_id: str, message: Message, *,
                              progress: Progress | None = None) -> None:
        if self.hang:
            self.hanging.set()
            await self.let_go.wait()
        await super().post_to_channel(channel_id, message, progress=progress)


async def test_a_hanging_channel_delays_neither_the_partners_nor_their_button_presses(engine):
    runtime, platform, s = await start(engine, FakeClock(), HangingChannel())
    platform.hang = True

    # Decided and stored: handle() returns although the announcement hangs.
    await runtime.handle("local", ChannelCommand(s.channel_id, s.channel_name, s.person("Dewi"),
                                                 "round", (), (), False))
    await platform.hanging.wait()
    await eventually(lambda: platform.inbox("anna") and platform.inbox("bram"))
    welcome = platform.inbox("anna")[-1]
    begin = welcome.button("Let's start")
    await runtime.handle("local", ButtonPress(s.person("Anna"), begin.payload, origin=welcome.id))
    await eventually(lambda: len(platform.inbox("anna")) == 2)  # her next question
    assert "Which organisation do you speak for" in platform.inbox("anna")[-1].text
    assert not any("Round 1 has started" in m.text for m in platform.channel("tafel"))

    platform.let_go.set()
    await runtime.drain()
    await runtime.stop()
    assert sum("Round 1 has started" in m.text for m in platform.channel("tafel")) == 1



async def test_a_stop_with_a_backlog_gives_it_back_and_the_next_process_sends_each_once(engine):
    first = Runtime(engine, default_language="en", drain_interval=3600, shutdown_grace=0.1)
    hanging = HangingChannel()
    hanging.hang = True
    first.add_adapter(hanging)
    with UnitOfWork(engine) as uow:
        for n in range(30):
            effect = (PostToChannel("tafel", Message((f"news {n}",))) if n % 3 == 0
                      else SendPrivate(f"p{n}", Message((f"hello {n}",))))
            uow.outbox.add("local", None, effect)
        uow.commit()
    await first.start()
    await hanging.hanging.wait()  # the channel waits out a long rate limit
    await first.stop()
    assert hanging.channel("tafel") == []

    second = Runtime(engine, default_language="en", drain_interval=3600)
    platform = LocalAdapter()
    second.add_adapter(platform)
    await second.start()
    await second.drain()  # nothing to wait out: what the first did not send came back
    await second.stop()
    texts = [m.text for m in hanging.messages + platform.messages]
    assert sorted(texts) == sorted([f"news {n}" if n % 3 == 0 else f"hello {n}"
                                    for n in range(30)])  # each once
    assert [m.text for m in platform.channel("tafel")] == [f"news {n}" for n in range(0, 30, 3)]


async def test_what_a_decision_queues_goes_out_at_once_and_in_order_without_a_poll(engine):
    """A decision leases what it queued to the delivery (no claim of its own); a second
    message to the same place waits for the first, then follows it straight away."""
    platform = HangingChannel()
    runtime = Runtime(engine, drain_interval=3600, inbox_interval=3600)
    runtime.add_adapter(platform)
    await runtime.start()
    platform.hang = True
    with UnitOfWork(engine) as uow:
        for effect in (PostToChannel("tafel", Message(("first",))),
                       PostToChannel("tafel", Message(("second",))),
                       SendPrivate("anna", Message(("for anna",)))):
            uow.outbox.add("local", None, effect)
        leased, waiting = uow.outbox.lease_added(runtime.clock(), runtime.delivery.lease("local"))
        uow.commit()
    assert [i.effect.message.sections for i in leased] == [("first",), ("for anna",)]
    runtime.delivery.adopt(leased, waiting=waiting)
    await platform.hanging.wait()
    await eventually(lambda: [m.text for m in platform.inbox("anna")] == ["for anna"])
    await asyncio.sleep(0.5)  # whatever the delivery looks for meanwhile, it finds nothing
    assert platform.channel("tafel") == []  # the second waits for the first
    platform.let_go.set()
    await eventually(lambda: [m.text for m in platform.channel("tafel")] == ["first", "second"])
    await runtime.stop()
