"""The composition root: the one place where engine, runtime and adapters are wired."""

from __future__ import annotations

import importlib

from bot.adapter import ChatAdapter
from bot.config import Settings
from bot.http import HttpListener
from bot.runtime import Runtime
from storage.database import create_engine_for, migrate


def build_runtime(settings: Settings, **runtime_options: object) -> Runtime:
    """An engine on the configured database, migrated, and a runtime on top of it."""
    engine = create_engine_for(settings.database_url)
    migrate(engine)
    return Runtime(engine, default_language=settings.optafel_language, **runtime_options)


def platform_adapters(settings: Settings, listener: HttpListener) -> list[ChatAdapter]:
    """The adapters of every configured platform; each module offers `build_adapter`."""
    adapters = []
    for platform in settings.platforms:
        module = importlib.import_module(f"bot.{platform}.adapter")
        adapters.append(module.build_adapter(settings, listener))
    return adapters
