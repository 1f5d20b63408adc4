"""One module per ``decodelab`` subcommand; each defines ``register(subparsers)``.

A command's ``register`` adds its parser and sets ``func`` (called with the parsed
arguments, returning the exit code). :data:`COMMANDS` fixes the order of ``--help``.
"""

COMMANDS = (
    "doctor",
    "list_exercises",
    "check",
    "hint",
    "demo",
    "notebooks",
    "capture",
    "grade",
    "room",
    "release",
    "nbgrader_export",
    "gradescope",
)
