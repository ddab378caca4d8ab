"""Only members of the group, or people on the partner list, join through an invitation."""

from __future__ import annotations

from tests.fakes.telegram_updates import TgUser
from tests.telegram.world import GROUP, World

ANNA = TgUser(6001, "Anna")
BERT = TgUser(6002, "Bert")
ZOE = TgUser(6009, "Zoe")


async def test_a_forwarded_invitation_does_not_make_an_outsider_a_partner(world: World):
    fake = world.fake
    anna, bert, zoe = (world.member(u) for u in (ANNA, BERT, ZOE))
    fake.not_in_group(ZOE, GROUP)
    await anna.in_group("/setup")
    invitation = await anna.in_group("/round")
    token = fake.deep_link_payload(invitation)

    refused = await zoe.start(token)  # Zoe got the link forwarded; she is not in the group
    assert "ask the coordinator (Anna)" in refused.text and "Welcome" not in refused.text
    assert fake.calls_of("getChatMember")[-1].params["user_id"] == str(ZOE.id)

    welcome = await bert.start(token)  # Bert is in the group: he may take part
    assert "Welcome to Op Tafel" in welcome.text
    status = await anna.in_group("/status")
    assert "Bert" in status.text and "Zoe" not in status.text
