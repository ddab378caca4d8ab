"""The app manifest asks for exactly what the adapter uses."""

from __future__ import annotations

import re
from pathlib import Path

MANIFEST = Path(__file__).parents[2] / "deploy" / "slack-manifest.yml"


def _list_after(text: str, key: str) -> list[str]:
    block = re.search(rf"^(\s*){re.escape(key)}:\n((?:\1\s+- .*\n)+)", text, re.M)
    assert block, key
    return [line.split("- ", 1)[1].split("#")[0].strip()
            for line in block.group(2).splitlines()]


def test_manifest_scopes_events_command_and_urls() -> None:
    text = MANIFEST.read_text()
    assert sorted(_list_after(text, "bot")) == sorted([
        "commands", "chat:write", "im:write", "im:history", "channels:read",
        "groups:read", "users:read", "files:write", "channels:history", "groups:history"])
    assert sorted(_list_after(text, "bot_events")) == ["app_home_opened", "message.im"]
    assert "command: /optafel" in text and "should_escape: true" in text
    urls = re.findall(r"^\s*(?:url|request_url): (\S+)$", text, re.M)
    assert len(urls) == 3 and all(u.endswith("/slack/events") for u in urls)
    assert "home_tab_enabled: true" in text and "messages_tab_enabled: true" in text
    assert re.search(r"interactivity:\n\s+is_enabled: true", text)
    assert "socket_mode_enabled: false" in text and "connections:write" in text
