"""Errors the command line reports as one sentence (exit 2) instead of a traceback."""


class UserError(Exception):
    """Something the user can fix; the message says what was wrong and what to do."""
