"""The local adapter: a chat platform in this process, for the terminal and the tests.

It needs no account. Everything delivered is kept as `LocalMessage`s (and, when an
`echo` callback is given, printed as a person would read it); buttons get numbers, so
`press(number)` works from a terminal as well as from a test.

A button's number comes from the outbox item that delivered its message: `item * SLOTS + n`
for its n-th button. Outbox ids are never reused, so neither are button numbers, not even
after a restart: a number seen before it is unknown to the new process (the bot answers it
as a button it cannot read, with the person's current question) and never presses a new
button that happens to have the same number.
"""

from __future__ import annotations

import html
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.adapter import ChatAdapter, Inbound, Progress
from bot.render import plain
from conversations.messages import Message

PLATFORM = "local"
# Numbers per outbox item: more than any message has buttons (Telegram allows 100).
SLOTS = 100


@dataclass
class LocalButton:
    number: int
    label: str
    payload: str
    selected: bool


@dataclass
class LocalMessage:
    """One delivered message; `place` is `dm:<user>`, `#<channel>` or `notice:<user>`."""

    id: str
    place: str
    text: str
    buttons: list[LocalButton] = field(default_factory=list)
    edits: int = 0

    def button(self, label: str) -> LocalButton:
        """The button whose label contains `label` (case-insensitive)."""
        matches = [b for b in self.buttons if label.lower() in b.label.lower()]
        if not matches:
            raise LookupError(f"no button {label!r} in: {[b.label for b in self.buttons]}")
        return matches[0]


class LocalAdapter(ChatAdapter):
    platform = PLATFORM

    def __init__(
        self,
        echo: Callable[[LocalMessage, bool], None] | None = None,
        picture_dir: Path | None = None,
    ) -> None:
        self.messages: list[LocalMessage] = []
        self.pictures: list[Path] = []
        self.files: list[Path] = []
        self._by_id: dict[str, LocalMessage] = {}
        self._buttons: dict[int, tuple[LocalMessage, LocalButton]] = {}
        self._echo = echo
        self._picture_dir = picture_dir

    async def start(self, inbound: Inbound) -> None:
        """Nothing to connect: the terminal session hands its events to the runtime."""

    async def stop_receiving(self) -> None:
        """Nothing comes in from outside."""

    async def stop(self) -> None:
        pass

    # --- what was delivered -----------------------------------------------------------
    def inbox(self, user_id: str) -> list[LocalMessage]:
        return [m for m in self.messages if m.place == f"dm:{user_id}"]

    def channel(self, channel_id: str) -> list[LocalMessage]:
        return [m for m in self.messages if m.place == f"#{channel_id}"]

    def notices(self, user_id: str) -> list[LocalMessage]:
        return [m for m in self.messages if m.place == f"notice:{user_id}"]

    def button(self, number: int) -> tuple[LocalMessage, LocalButton] | None:
        """The button shown with `number` in this process, if any."""
        return self._buttons.get(number)

    # --- delivery ---------------------------------------------------------------------
    def _keep(self, place: str, message: Message, progress: Progress | None = None
              ) -> LocalMessage:
        local = LocalMessage(id=f"m{len(self.messages) + 1}", place=place, text="")
        self._render_into(local, message, progress)
        self.messages.append(local)
        self._by_id[local.id] = local
        if self._echo:
            self._echo(local, False)
        return local

    def _render_into(self, local: LocalMessage, message: Message,
                     progress: Progress | None) -> None:
        local.text = plain.body(message)
        local.buttons = []
        buttons = message.all_buttons
        if not buttons:
            return
        item = progress.item if progress is not None else None
        if item is None:
            raise ValueError("buttons are numbered after their outbox item: deliver them "
                             "through the runtime")
        if len(buttons) >= SLOTS:
            raise ValueError(f"{len(buttons)} buttons: more than a message can number")
        for n, button in enumerate(buttons, start=1):
            number = item * SLOTS + n
            shown = LocalButton(number, button.label, button.payload, button.selected)
            local.buttons.append(shown)
            self._buttons[number] = (local, shown)

    # A terminal has no length limit: every message is one part, so there is no progress to keep.
    async def send_private(self, user_id: str, message: Message, *,
                           progress: Progress | None = None) -> None:
        self._keep(f"dm:{user_id}", message, progress)

    async def post_to_channel(self, channel_id: str, message: Message, *,
                              progress: Progress | None = None) -> None:
        self._keep(f"#{channel_id}", message, progress)

    async def notify(self, user_id: str, channel_id: str, message: Message, *,
                     progress: Progress | None = None) -> None:
        self._keep(f"notice:{user_id}", message, progress)

    async def edit_message(self, origin: str, message: Message, *,
                           progress: Progress | None = None) -> None:
        local = self._by_id[origin]
        for old in local.buttons:  # the old buttons cannot be pressed any more
            self._buttons.pop(old.number, None)
        self._render_into(local, message, progress)
        local.edits += 1
        if self._echo:
            self._echo(local, True)

    async def is_member(self, channel_id: str, user_id: str) -> bool:
        """Everyone at the terminal sits at the one local table."""
        return True

    def _folder(self) -> Path:
        """Pictures and files go to `picture_dir`, by default a temporary folder that only
        its owner can read (never the working directory)."""
        if self._picture_dir is None:
            self._picture_dir = Path(tempfile.mkdtemp(prefix="optafel-pictures-"))
        self._picture_dir.mkdir(parents=True, exist_ok=True)
        return self._picture_dir

    async def upload_picture(self, channel_id: str, png: bytes, title: str) -> None:
        path = self._folder() / f"optafel-{len(self.pictures) + 1}.png"
        path.write_bytes(png)
        self.pictures.append(path)
        self._keep(f"#{channel_id}", Message((html.escape(f"{title}: {path}"),)))

    async def send_file(self, user_id: str, name: str, data: bytes) -> None:
        path = self._folder() / name
        path.write_bytes(data)
        self.files.append(path)
        self._keep(f"dm:{user_id}", Message((html.escape(f"{name}: {path}"),)))
