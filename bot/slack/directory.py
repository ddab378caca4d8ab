"""Who is who in the workspace: names of users, and the humans in a channel.

Looked up with users.info and conversations.members; names are cached in memory (they
are only for display), never conversation state. When Slack says the failure is passing
(an internal error, unavailable) the error is raised: the lookups run when the inbox
decides an event, which is then tried again later. Other refusals fall back (the name
as given, nobody in the channel).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from conversations.events import Person

log = logging.getLogger(__name__)
PAGE_SIZE = 200
# Slack's errors for a failure on its side that may pass (Web API docs, "Errors").
PASSING = frozenset({"internal_error", "fatal_error", "service_unavailable",
                     "request_timeout", "ratelimited"})


def passing(error: SlackApiError) -> bool:
    return error.response.get("error") in PASSING or error.response.status_code >= 500


@dataclass(frozen=True)
class Profile:
    user_id: str
    name: str
    is_bot: bool


class Directory:
    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self.bot_user_id: str | None = None
        self._profiles: dict[str, Profile] = {}

    async def profile(self, user_id: str, fallback: str = "") -> Profile:
        """The user's display name and whether it is a bot; the fallback if Slack fails."""
        known = self._profiles.get(user_id)
        if known is not None:
            return known
        try:
            user = (await self.client.users_info(user=user_id))["user"]
        except SlackApiError as error:
            log.warning("users.info %s failed: %s", user_id, error.response.get("error"))
            if passing(error):
                raise
            return Profile(user_id, fallback or user_id, False)
        profile = user.get("profile") or {}
        name = (profile.get("display_name") or profile.get("real_name")
                or user.get("real_name") or user.get("name") or fallback or user_id)
        is_bot = bool(user.get("is_bot")) or user_id == "USLACKBOT"
        found = Profile(user_id, name, is_bot)
        self._profiles[user_id] = found
        return found

    async def person(self, user_id: str, fallback: str = "") -> Person:
        return Person(user_id, (await self.profile(user_id, fallback)).name)

    async def people(self, named: tuple[tuple[str, str], ...]) -> tuple[Person, ...]:
        """The humans among the named users (bots and this app left out)."""
        found = []
        for user_id, name in named:
            profile = await self.profile(user_id, name)
            if not profile.is_bot and user_id != self.bot_user_id:
                found.append(Person(user_id, profile.name))
        return tuple(found)

    async def humans_in(self, channel_id: str) -> tuple[Person, ...]:
        """The channel's human members, in Slack's order; empty if Slack refuses."""
        members = await self.member_ids(channel_id)
        return await self.people(tuple((m, "") for m in members))

    async def member_ids(self, channel_id: str) -> list[str]:
        """The user ids of the channel's members (bots too); empty if Slack refuses."""
        members: list[str] = []
        cursor: str | None = None
        try:
            while True:
                page = await self.client.conversations_members(
                    channel=channel_id, cursor=cursor, limit=PAGE_SIZE)
                members.extend(page.get("members") or [])
                cursor = (page.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    break
        except SlackApiError as error:
            log.warning("conversations.members %s failed: %s", channel_id,
                        error.response.get("error"))
            if passing(error):
                raise
            return []
        return members
