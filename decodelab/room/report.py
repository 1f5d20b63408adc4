"""What a learner's check tells the room, checked the same way on both sides, and how it is sent.

A report is JSON, at most :data:`MAX_BODY` bytes::

    {"version": 1, "learner": "aiko",
     "exercises": {"temperature": {"state": "done", "failing": []},
                   "top_p": {"state": "failing", "failing": ["test_top_p_keeps_the_smallest_set"]}}}

``state`` is one of ``decodelab check``'s states; ``failing`` holds the names of the public tests
that fail (no messages: they can quote the learner's values). :func:`validate_report` is the
server's only way to read a body, and :func:`build_report` builds one through it, so a learner's
check cannot send what the room would refuse.

Sending never changes a check: a room that is down, slow (more than :data:`SEND_SECONDS`) or
refuses the report costs one line on the learner's screen, and the check's exit status is the
same as without ``--room``.
"""
from __future__ import annotations

import getpass
import json
import os
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Mapping

from decodelab.commands.check import BROKEN, DONE, FAILING, NO_TESTS, NOT_STARTED, SKIPPED, ExerciseStatus
from decodelab.errors import UserError
from grading.harness.catalogue import EXERCISES
from grading.harness.status import Status

ROOM_ENV = "DECODELAB_ROOM"
NAME_ENV = "DECODELAB_NAME"
VERSION = 1
STATES = (DONE, FAILING, NOT_STARTED, BROKEN, SKIPPED, NO_TESTS)
MAX_BODY = 64 * 1024
MAX_NAME = 40
MAX_FAILING = 40
MAX_TEST_NAME = 120
SEND_SECONDS = 3.0
_KEYS = frozenset(exercise.key for exercise in EXERCISES)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_JOIN_PATH = re.compile(r"^/join/([A-Za-z0-9_-]{4,64})/?$")


class ReportError(ValueError):
    """A report the room does not accept; the message says which field and why."""


@dataclass(frozen=True)
class ExerciseReport:
    state: str
    failing: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    learner: str
    exercises: dict[str, ExerciseReport] = field(default_factory=dict)


@dataclass(frozen=True)
class RoomLink:
    """Where the room is (``base``: scheme, host and port) and its join code."""

    base: str
    code: str

    @property
    def report_url(self) -> str:
        return f"{self.base}/join/{self.code}/report"


def parse_room_url(url: str) -> RoomLink:
    """The room link ``http(s)://HOST[:PORT]/join/CODE`` that ``decodelab room serve`` prints.

    Raises :class:`UserError` saying what is wrong with it, before a check runs anything.
    """
    parts = urllib.parse.urlsplit(url.strip())
    match = _JOIN_PATH.match(parts.path)
    if parts.scheme not in ("http", "https") or not parts.netloc or match is None or parts.query:
        raise UserError(
            f"'{url}' is not a room link: it looks like http://HOST:PORT/join/CODE, exactly as "
            f"`decodelab room serve` prints it (ask your instructor for it)"
        )
    return RoomLink(f"{parts.scheme}://{parts.netloc}", match.group(1))


def check_name(name: object) -> str:
    """``name`` stripped, when the room can show it: 1 to 40 printable characters; else :class:`ReportError`."""
    if not isinstance(name, str) or not name.strip():
        raise ReportError("'learner' must be a non-empty name")
    name = name.strip()
    if len(name) > MAX_NAME or _CONTROL.search(name):
        raise ReportError(f"'learner' must be at most {MAX_NAME} printable characters, not {name[:60]!r}")
    return name


def learner_name() -> str:
    """``$DECODELAB_NAME``, else ``user@host`` (in hosted notebooks every user is ``root`` or ``jovyan``)."""
    chosen = os.environ.get(NAME_ENV, "").strip()
    if not chosen:
        try:
            user = getpass.getuser()
        except (KeyError, OSError):
            user = "learner"
        chosen = f"{user}@{socket.gethostname()}"[:MAX_NAME]
    try:
        return check_name(chosen)
    except ReportError as error:
        raise UserError(f"${NAME_ENV}: {error}") from None


def validate_report(payload: object) -> Report:
    """The report in ``payload`` (parsed JSON), or :class:`ReportError` naming the first bad field."""
    if not isinstance(payload, dict):
        raise ReportError("the report must be a JSON object")
    if payload.get("version") != VERSION:
        raise ReportError(f"'version' must be {VERSION} (is this decodelab as new as the room's?)")
    learner = check_name(payload.get("learner"))
    exercises = payload.get("exercises")
    if not isinstance(exercises, dict) or not exercises:
        raise ReportError("'exercises' must be an object with at least one exercise")
    checked = {}
    for key, entry in exercises.items():
        if key not in _KEYS:
            raise ReportError(f"there is no exercise '{str(key)[:60]}'")
        if not isinstance(entry, dict) or entry.get("state") not in STATES:
            raise ReportError(f"'{key}': 'state' must be one of {', '.join(STATES)}")
        failing = entry.get("failing", [])
        if not isinstance(failing, list) or len(failing) > MAX_FAILING:
            raise ReportError(f"'{key}': 'failing' must be a list of at most {MAX_FAILING} test names")
        for test in failing:
            if not isinstance(test, str) or not test or len(test) > MAX_TEST_NAME or _CONTROL.search(test):
                raise ReportError(f"'{key}': a failing test's name must be 1 to {MAX_TEST_NAME} printable characters")
        checked[key] = ExerciseReport(entry["state"], tuple(dict.fromkeys(failing)))
    return Report(learner, checked)


def build_report(learner: str, statuses: Mapping[str, ExerciseStatus]) -> dict:
    """The JSON body for these verdicts: states and failing test names, nothing else."""
    exercises = {}
    for key, status in statuses.items():
        failing = [test.name[:MAX_TEST_NAME] for test in status.tests
                   if test.status not in (Status.PASSED, Status.SKIPPED, Status.NOT_STARTED)][:MAX_FAILING]
        exercises[key] = {"state": status.state, "failing": failing}
    body = {"version": VERSION, "learner": learner, "exercises": exercises}
    validate_report(body)  # what the room would refuse is a bug here, not the learner's problem
    return body


def send_report(link: RoomLink, body: dict, timeout: float = SEND_SECONDS) -> str:
    """POST ``body`` to the room; one line saying what happened. Never raises for the room's sake."""
    request = urllib.request.Request(
        link.report_url, data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = json.loads(response.read(MAX_BODY) or b"{}")
        return f"room: sent to {link.base} as '{body['learner']}' ({answer.get('learners', '?')} in the room)"
    except urllib.error.HTTPError as error:
        try:
            why = json.loads(error.read(MAX_BODY)).get("error", error.reason)
        except (ValueError, AttributeError, OSError):
            why = error.reason
        return f"room: {link.base} refused the report ({error.code}: {why}); your check itself is unaffected"
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return f"room: could not reach {link.base} ({reason}); your check itself is unaffected"


def room_link_from(option: str | None) -> RoomLink | None:
    """The room to report to: ``--room``, else ``$DECODELAB_ROOM``, else none. Bad links: :class:`UserError`."""
    url = option if option is not None else os.environ.get(ROOM_ENV, "")
    if not url.strip():
        return None
    if option is not None:
        return parse_room_url(option)
    try:
        return parse_room_url(url)
    except UserError as error:
        raise UserError(f"${ROOM_ENV}: {error}") from None


def report_to_room(link: RoomLink | None, statuses: Mapping[str, ExerciseStatus]) -> str | None:
    """Send these verdicts to the room when there is one; the line to show, or None without a room."""
    if link is None:
        return None
    return send_report(link, build_report(learner_name(), statuses))
