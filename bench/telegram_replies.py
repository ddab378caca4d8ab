"""How fast partners get a reply in Telegram when many answer at one moment, against the floor.

    python -m bench.telegram_replies                   # SQLite temp files
    python -m bench.telegram_replies --database-url postgresql+psycopg://postgres@127.0.0.1/test

Run from the repository root: it reuses the fake Bot API of `tests/fakes` on 127.0.0.1.
For each size (default 10 and 50 partners) it runs, side by side in one process:

* the floor: a bare python-telegram-bot `Application` with `AIORateLimiter`, long polling,
  whose one handler replies to every message (`sendMessage` with a keyboard) and to every
  button (`answerCallbackQuery`, then `editMessageText`);
* ours: the service `optafel run` starts (`bot.bootstrap.build_service`, Telegram by long
  polling, default settings, its start-up objects frozen as `optafel run` does — for the
  rest of the run, so the floor of a next size has that too) on a fresh database, with a
  partnership of that many partners who joined an interest round by its invitation and
  are in the middle of the interview.

Every partner then sends at one moment (all updates waiting in one `getUpdates`): a typed
answer (steps 2–4 of the interview, one round per step) and a checkbox press (step 5, one
round per category). The latency of one update runs from the moment the fake offers it to
the moment the first reply to that chat (`sendMessage` or an edit) arrives at the fake. It
prints p50 and p99 per kind for both, the Bot API calls per update, those calls per
second (from the first update offered to the last call, the slowest moment of each kind:
with many partners, how close each bot comes to Telegram's ~30 a second), the CPU time of
the process per update (all threads, from the first update offered until every reply
arrived: what the replies waited for, the fake Bot API's share included; writing down
what was sent afterwards is not in it), and the ratios ours / floor. A ratio of 1 means
Op Tafel adds nothing to what the framework costs.

PostgreSQL: for each size a database of its own is created on that server and dropped at
the end; nothing else on the server is touched.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bench.common import loopback_only, ms, own_database, parser_for, percentile, ratio

KINDS = ("typed answer", "checkbox press")
TYPED_STEPS = ("Organisation {n}", "What organisation {n} hopes for", "What I hope for, {n}")
CATEGORIES = ("Knowledge", "Network", "Money", "Capacity", "Reputation", "Facilities")
ROUNDS = len(TYPED_STEPS)  # moments per kind
REPLY_METHODS = frozenset({"sendMessage", "editMessageText", "editMessageReplyMarkup"})
POLL_TIMEOUT = dtm.timedelta(seconds=10)  # as our adapter polls
WAIT = 120.0  # seconds to wait for every reply of one moment
# No Bot API call for this long: the bot is done with a moment, and the rate limiter's
# allowance (30 a second) is whole again for the next one, for the floor and for ours.
PAUSE = 1.0


@dataclass
class Figures:
    """Latencies (seconds) per kind, Bot API calls (besides getUpdates) per update, those
    calls per second from the first update offered to the last call (the slowest of the
    moments: with many partners, how close the bot gets to the platform's limit), and the
    process's CPU seconds per update until the last reply."""

    latencies: dict[str, list[float]]
    calls: dict[str, float]
    rates: dict[str, float]
    cpu: dict[str, float]


def _replies(calls: list[Any], offered: dict[int, float]) -> dict[int, float] | None:
    """Each chat's first reply time, once every chat in `offered` has one."""
    first: dict[int, float] = {}
    for call in calls:
        if call.method not in REPLY_METHODS or not call.ok:
            continue
        chat = int(call.params.get("chat_id", 0))
        if chat in offered and chat not in first:
            first[chat] = call.at
    return first if len(first) == len(offered) else None


async def _quiet(fake: Any, pause: float) -> None:
    """Wait until the bot has made no call (long polls aside) for `pause` seconds."""
    def busy_calls() -> int:
        return sum(1 for c in fake.calls if c.method != "getUpdates")

    seen, since = busy_calls(), time.monotonic()
    while time.monotonic() - since < pause:
        await asyncio.sleep(0.05)
        now = busy_calls()
        if now != seen:
            seen, since = now, time.monotonic()


async def moment(fake: Any, users: list[Any], offer: Callable[[Any], Awaitable[object]],
                 pause: float) -> tuple[list[float], int, float, float]:
    """Every user's update offered at one moment (long polling: they wait together in the
    queue); returns each reply's latency, the Bot API calls the bot made meanwhile, those
    calls per second, and the process's CPU seconds until the last reply."""
    start = len(fake.calls)
    offered: dict[int, float] = {}
    cpu = time.process_time()
    for user in users:
        offered[user.id] = time.monotonic()
        await offer(user)
    first = await fake.wait_for(lambda: _replies(fake.calls[start:], offered), WAIT,
                                "a reply to every partner")
    cpu = time.process_time() - cpu
    await _quiet(fake, pause)
    made = [c for c in fake.calls[start:] if c.method != "getUpdates"]
    span = max(c.at for c in made) - min(offered.values())
    return ([first[user.id] - offered[user.id] for user in users], len(made),
            len(made) / span if span > 0 else 0.0, cpu)


def _has_button(fake: Any, user: Any, label: str) -> bool:
    return any(label.lower() in b["text"].lower() for m in fake.in_chat(user.id)
               for b in m.buttons)


def _partners_command(fake: Any, coordinator: Any, group: Any, users: list[Any]) -> dict:
    """`/partners Partner 0 Partner 1 …` with a text mention of each, as Telegram sends it
    for people picked from the group's member list."""
    from tests.fakes import telegram_updates as tu
    from tests.fakes.telegram_api import utf16_length

    text, entities = "/partners", []
    for user in users:
        text += " "
        entities.append({"type": "text_mention", "offset": utf16_length(text),
                         "length": utf16_length(user.full_name), "user": user.to_json()})
        text += user.full_name
    update = tu.command(fake.next_update_id(), 1, coordinator, group, text)
    update["message"]["entities"] += entities
    return update


def _last_with(fake: Any, user: Any, label: str) -> Any:
    return next(m for m in reversed(fake.in_chat(user.id))
                if any(label.lower() in b["text"].lower() for b in m.buttons))


async def measure(fake: Any, users: list[Any], typed_text: Callable[[int, Any], str],
                  pause: float) -> Figures:
    """The measured moments: three typed answers, then three checkbox presses."""
    latencies: dict[str, list[float]] = {kind: [] for kind in KINDS}
    calls: dict[str, int] = dict.fromkeys(KINDS, 0)
    rates: dict[str, float] = dict.fromkeys(KINDS, float("inf"))
    cpu: dict[str, float] = dict.fromkeys(KINDS, 0.0)

    def add(kind: str, found: list[float], made: int, rate: float, spent: float) -> None:
        latencies[kind] += found
        calls[kind] += made
        rates[kind] = min(rates[kind], rate)
        cpu[kind] += spent

    for step in range(ROUNDS):
        add("typed answer", *await moment(
            fake, users, lambda u, step=step: fake.private_text(u, typed_text(step, u)), pause))
    for label in CATEGORIES[:ROUNDS]:
        add("checkbox press", *await moment(
            fake, users, lambda u, label=label: fake.press(u, _last_with(fake, u, label), label),
            pause))
    updates = ROUNDS * len(users)
    return Figures(latencies, {k: calls[k] / updates for k in KINDS}, rates,
                   {k: cpu[k] / updates for k in KINDS})


# --- the floor: a bare python-telegram-bot bot ---------------------------------------------
async def floor(partners: int, pause: float) -> Figures:
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
    from telegram.constants import ParseMode
    from telegram.ext import AIORateLimiter, Application, ContextTypes, TypeHandler

    from tests.fakes.telegram_api import BOT_TOKEN, FakeTelegram
    from tests.fakes.telegram_updates import TgUser

    def keyboard(ticked: set[str]) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup([[InlineKeyboardButton(
            f"✓ {c}" if c in ticked else c, callback_data=f"tick:{c}")] for c in CATEGORIES])

    async def reply(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            await update.effective_chat.send_message(
                "<b>Thanks.</b> What do you want to get?", parse_mode=ParseMode.HTML,
                reply_markup=keyboard(set()))
            return
        await query.answer()
        ticked = {b.text[2:] for row in query.message.reply_markup.inline_keyboard
                  for b in row if b.text.startswith("✓ ")}
        ticked ^= {query.data.removeprefix("tick:")}
        await query.edit_message_text("<b>Ticked:</b> " + ", ".join(sorted(ticked)),
                                      parse_mode=ParseMode.HTML, reply_markup=keyboard(ticked))

    fake = FakeTelegram()
    await fake.start()
    app = (Application.builder().token(BOT_TOKEN).base_url(fake.base_url)
           .rate_limiter(AIORateLimiter(max_retries=2)).build())
    app.add_handler(TypeHandler(Update, reply))
    await app.initialize()
    await app.start()
    await app.updater.start_polling(timeout=POLL_TIMEOUT,
                                    allowed_updates=["message", "callback_query"])
    try:
        users = [TgUser(3000 + n, f"Partner {n}", language_code="en") for n in range(partners)]
        await moment(fake, users, lambda u: fake.private_text(u, "hello"), pause)  # warm-up
        return await measure(fake, users, lambda step, u: f"answer {step}", pause)
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        await fake.stop()


# --- ours: the service `optafel run` starts -----------------------------------------------
async def ours(partners: int, database_url: str, pause: float) -> Figures:
    from bot.bootstrap import build_service, freeze_start_up_objects
    from bot.config import Settings
    from tests.fakes.telegram_api import BOT_TOKEN, FakeTelegram
    from tests.fakes.telegram_updates import TgChat, TgUser

    fake = FakeTelegram()
    await fake.start()
    settings = Settings(
        _env_file=None, database_url=database_url, optafel_language="en",
        optafel_host="127.0.0.1", optafel_port=0, slack_bot_token=None,
        telegram_bot_token=BOT_TOKEN, telegram_api_url=fake.base_url,
    )
    service = build_service(settings)
    await service.start()
    freeze_start_up_objects()  # as `optafel run` does
    try:
        group = TgChat.group(-1009000000001, "Bench partnership", supergroup=True)
        coordinator = TgUser(2999, "Coordinator", language_code="en")
        await fake.group_command(coordinator, group, "/setup")
        await fake.wait_for_message(group.id, 1, WAIT)
        users = [TgUser(3000 + n, f"Partner {n}", language_code="en") for n in range(partners)]
        # The partners named by text mentions (no invitation: joining by one asks
        # getChatMember, which the rate limiter holds to 20 a minute per group).
        await fake.send_update(_partners_command(fake, coordinator, group, users))
        await fake.wait_for_message(group.id, 2, WAIT)
        await moment(fake, users, lambda u: fake.start_bot(u), pause)  # now the bot may write
        await fake.group_command(coordinator, group, "/round Benchmarks that tell the truth")
        await fake.wait_for(lambda: all(_has_button(fake, u, "Let's start") for u in users),
                            WAIT, "a welcome to every partner")
        await _quiet(fake, pause)
        await moment(fake, users,
                     lambda u: fake.press(u, _last_with(fake, u, "Let's start"), "Let's start"),
                     pause)
        return await measure(fake, users, lambda step, u: TYPED_STEPS[step].format(n=u.id),
                             pause)
    finally:
        await service.stop()
        await fake.stop()


def report(partners: int, database: str, bare: Figures, our: Figures) -> list[str]:
    lines = [f"{partners} partners at one moment ({database}); reply latency p50 / p99, "
             "Bot API calls per update and per second, CPU per update:"]
    for kind in KINDS:
        b, o = bare.latencies[kind], our.latencies[kind]
        lines.append(
            f"  {kind:<15} floor {ms(percentile(b, 50)):>10} / {ms(percentile(b, 99)):>10}"
            f" ({bare.calls[kind]:.1f} calls, {bare.rates[kind]:.1f}/s, CPU "
            f"{ms(bare.cpu[kind])})   ours {ms(percentile(o, 50)):>10} / "
            f"{ms(percentile(o, 99)):>10} ({our.calls[kind]:.1f} calls, "
            f"{our.rates[kind]:.1f}/s, CPU {ms(our.cpu[kind])})")
    return lines


def ratio_lines(partners: int, bare: Figures, our: Figures) -> list[str]:
    lines = []
    for kind in KINDS:
        b, o = bare.latencies[kind], our.latencies[kind]
        lines.append(f"  {partners:>4} partners, {kind:<15} p50 "
                     f"{ratio(percentile(o, 50), percentile(b, 50)):>8}   p99 "
                     f"{ratio(percentile(o, 99), percentile(b, 99)):>8}   CPU "
                     f"{ratio(our.cpu[kind], bare.cpu[kind]):>8}")
    return lines


async def run(server_url: str | None, sizes: list[int], pause: float) -> None:
    database = "PostgreSQL" if server_url else "SQLite"
    ratios = []
    for partners in sizes:
        bare = await floor(partners, pause)
        with own_database(server_url) as url:
            our = await ours(partners, url, pause)
        print("\n".join(report(partners, database, bare, our)), flush=True)
        ratios += ratio_lines(partners, bare, our)
    print(f"\nratio ours / floor ({database}):")
    print("\n".join(ratios))


def main(argv: list[str] | None = None) -> None:
    parser = parser_for(__doc__)
    parser.add_argument("--partners", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--pause", type=float, default=PAUSE,
                        help="seconds without a Bot API call between two moments (default: "
                             "the rate limiter's period, so each moment starts afresh)")
    args = parser.parse_args(argv)
    loopback_only()
    asyncio.run(run(args.database_url, args.partners, args.pause))


if __name__ == "__main__":
    main()
