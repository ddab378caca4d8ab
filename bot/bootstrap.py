"""The composition root: the one place where engine, runtime and adapters are wired."""

from __future__ import annotations

import gc
import importlib
from dataclasses import dataclass
from datetime import timedelta

from bot.adapter import ChatAdapter
from bot.config import Settings, secret
from bot.http import HttpListener
from bot.logs import keep_secrets_out_of_logs
from bot.runtime import Runtime
from storage.database import create_engine_for, migrate


def build_runtime(settings: Settings, **runtime_options: object) -> Runtime:
    """An engine on the configured database, migrated, and a runtime on top of it."""
    engine = create_engine_for(settings.database_url, secret(settings.optafel_answer_key))
    migrate(engine)
    options: dict[str, object] = {
        "default_language": settings.optafel_language,
        "checkin_window": timedelta(hours=settings.optafel_checkin_window_hours),
        "delivery_budget": timedelta(hours=settings.optafel_delivery_budget_hours),
        "delivery_concurrency": settings.optafel_delivery_concurrency,
    }
    runtime = Runtime(engine, **{**options, **runtime_options})
    runtime.add_scheduler(interval=settings.optafel_scheduler_interval,
                          retention=timedelta(days=settings.optafel_retention_days))
    return runtime


def platform_adapters(settings: Settings, listener: HttpListener) -> list[ChatAdapter]:
    """The adapters of every configured platform; each module offers `build_adapter`."""
    adapters = []
    for platform in settings.platforms:
        module = importlib.import_module(f"bot.{platform}.adapter")
        adapters.append(module.build_adapter(settings, listener))
    return adapters


@dataclass
class Service:
    """What `optafel run` runs with a platform configured: the runtime and the listener."""

    runtime: Runtime
    listener: HttpListener

    async def start(self) -> None:
        await self.runtime.start()
        await self.listener.start()

    async def stop(self) -> None:
        """The runtime first: its adapters take no new events (the listener answers
        their routes 503, so the platforms send again later), the sends under way finish
        or are given back (`bot.delivery`), the adapters close; then the listener, whose
        requests being answered get their grace."""
        await self.runtime.stop()
        await self.listener.stop()
        self.runtime.engine.dispose()


def freeze_start_up_objects() -> None:
    """Once `optafel run` has started: what is loaded by then (modules, templates, engine,
    SDK clients) lives as long as the process. Frozen, the garbage collector's full passes
    skip it; otherwise each pass walks all of it and holds up the loop for tens of
    milliseconds now and then (the slowest Slack acks waited for them)."""
    gc.collect()
    gc.freeze()


def build_service(settings: Settings, **runtime_options: object) -> Service:
    """The runtime with every configured platform's adapter, sharing one HTTP listener."""
    keep_secrets_out_of_logs()
    runtime = build_runtime(settings, **runtime_options)
    listener = HttpListener(settings.optafel_host, settings.optafel_port,
                            access_log=settings.optafel_access_log)
    for adapter in platform_adapters(settings, listener):
        runtime.add_adapter(adapter)
    return Service(runtime, listener)
