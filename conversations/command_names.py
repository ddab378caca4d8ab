"""Command names: the English ones everywhere, the Dutch ones as well.

The Dutch help and menus show the Dutch names; both are always understood, whatever the
partnership's language. Telegram allows only `a-z0-9_` in command names, hence `deel`
rather than "op tafel" and `coordinator` without the diaeresis.
"""

from __future__ import annotations

# Dutch name → the English name the handlers know.
DUTCH = {
    "inrichten": "setup",
    "ronde": "round",
    "herinner": "remind",
    "deel": "reveal",
    "annuleer": "cancel",
    "anoniem": "anonymous",
    "taal": "language",
    "exporteer": "export",
    "tijdzone": "timezone",
    "hulp": "help",
    "wijzig": "edit",
    "vergeet": "forget",
    "afspraak": "agree",
    "bevestig": "confirm",
    "afspraken": "agreements",
}
# Dutch words for the first argument, only of the commands where it changes what they do:
# elsewhere it is free text (`ronde weg met de wachtlijsten` is an ambition, not a remove).
DUTCH_ARGS = {
    "reveal": {"toch": "force"},
    "partners": {"verwijder": "remove", "weg": "remove"},
}


def canonical(name: str) -> str:
    """The English name of a command typed in either language (lower case)."""
    name = name.lower()
    return DUTCH.get(name, name)


def canonical_args(name: str, args: tuple[str, ...]) -> tuple[str, ...]:
    """`deel toch` → `force`, `partners verwijder` → `remove`; everything else as typed.

    `name` is the command as typed, in either language.
    """
    words = DUTCH_ARGS.get(canonical(name), {})
    if not args or args[0].lower() not in words:
        return args
    return (words[args[0].lower()], *args[1:])


def name_in(language: str, name: str) -> str:
    """How a command (its English name) is shown in a language: `round` → `ronde` in Dutch."""
    if language == "nl":
        return next((dutch for dutch, english in DUTCH.items() if english == name), name)
    return name
