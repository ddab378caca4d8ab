"""The shared list of what partners can get from and give to a collaboration."""

from __future__ import annotations

# One list for get and give, so wants and offers can be matched category by category.
SHARED = (
    "knowledge",
    "network",
    "money",
    "reputation",
    "continuity",
    "capacity",
    "influence",
    "facilities",
    "other",
)
# Giving up part of one's own freedom can be brought, but nobody "gets" autonomy.
AUTONOMY = "autonomy"
# What a partner gets from the collaboration as a whole, never from one other partner:
# nobody can bring another organisation's continuity, so it is no exchange.
COLLECTIVE = frozenset({"continuity"})
# "Something else" means whatever the partner typed: two of them are no match.
OTHER = "other"
GET = SHARED
GIVE = (*(c for c in SHARED if c not in COLLECTIVE), AUTONOMY)
# Every category in display order (old answers may hold a give no longer offered).
ALL = (*SHARED, AUTONOMY)

# The five-point balance scale: 1 = I get much more than I bring … 5 = I bring much more.
BALANCE = (1, 2, 3, 4, 5)
BRINGS_MORE = frozenset({4, 5})

AMBITION = ("yes", "partly", "no")

# Check-ins: does the collaboration still deliver what you came for?
DELIVERS = ("yes", "doubt", "no")

# Check-ins: was an agreement kept? And do one's own people still value the partnership?
VERDICTS = ("kept", "partly", "not")
VALUED = ("yes", "doubt", "no")
