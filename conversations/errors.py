"""Errors that are bugs, not bad input: bad input gets a friendly reply instead."""


class IllegalTransition(Exception):
    """The caller asked a state machine for something its state does not allow."""
