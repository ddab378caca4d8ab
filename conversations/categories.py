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
GET = SHARED
GIVE = (*SHARED, AUTONOMY)

# The five-point balance scale: 1 = I get much more than I bring … 5 = I bring much more.
BALANCE = (1, 2, 3, 4, 5)
BRINGS_MORE = frozenset({4, 5})

AMBITION = ("yes", "partly", "no")

# Check-ins: does the collaboration still deliver what you came for?
DELIVERS = ("yes", "doubt", "no")
