"""What a learner's check tells the room, checked the same way on both sides, and how it is sent.

A report is JSON, at most :data:`MAX_BODY` bytes::

    {"version": 2, "learner": "aiko", "key": "Qm3x...", "named": true,
     "exercises": {"temperature": {"state": "done", "failing": []},
                   "top_p": {"state": "failing", "failing": ["test_top_p_keeps_the_smallest_set"]}}}

``state`` is one of ``decodelab check``'s states; ``failing`` holds the names of the public tests
that fail (no messages: they can quote the learner's values). ``key`` is this machine's room key
(:func:`learner_key`): the room keeps a name for the key that first reported under it, so a
classmate cannot overwrite someone else's row. ``named`` (optional, true when absent) is false
for the automatic ``user@host``: the next report from that key under a chosen name takes that
row over.
:func:`validate_report` is the
server's only way to read a body, and :func:`build_report` builds one through it, so a learner's
check cannot send what the room would refuse.

Sending never changes a check: a room that is down, slow (more than :data:`SEND_SECONDS` in
all), refuses the report or answers garbage costs one plain line on the learner's screen (the
room's words escaped; a redirect is not followed), and the check's exit status is the same as
without ``--room``. What the room shows is a name that shows as itself (:func:`shown_text`) and
the suites' own test names.
"""
from __future__ import annotations

import getpass
import json
import os
import re
import secrets
import socket
import threading
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Mapping

import regex

from decodelab.commands.check import BROKEN, DONE, FAILING, NO_TESTS, NOT_STARTED, SKIPPED, ExerciseStatus
from decodelab.errors import UserError
from grading.harness.catalogue import EXERCISES
from grading.harness.status import Status
from grading.harness.submission import BLANK_LETTERS, one_width, printable

ROOM_ENV = "DECODELAB_ROOM"
NAME_ENV = "DECODELAB_NAME"
VERSION = 2  # 2: a report carries the machine's room key
STATES = (DONE, FAILING, NOT_STARTED, BROKEN, SKIPPED, NO_TESTS)
MAX_BODY = 64 * 1024
MAX_NAME = 40
MAX_FAILING = 40
MAX_TEST_NAME = 120
SEND_SECONDS = 3.0
_KEYS = frozenset(exercise.key for exercise in EXERCISES)
MAX_COMBINING_RUN = 4  # accents stacked higher than this draw over the rows around them
# Characters that draw nothing (a grapheme joiner, variation selectors, ...): "Aiko T." with one
# of them inside looks like "Aiko T." but is another name.
_INVISIBLE = regex.compile(r"[\p{Default_Ignorable_Code_Point}" + BLANK_LETTERS + "]")
# Letters of these scripts that look like Latin ones (Cyrillic а, Greek Τ): refused in a name
# that also has Latin letters, as browsers refuse such mixes in a web address.
_LATIN = regex.compile(r"\p{Script=Latin}")
_LOOKALIKE_SCRIPTS = regex.compile(r"[\p{Script=Cyrillic}\p{Script=Greek}]")
JOIN_CODE = r"[A-Za-z0-9_-]{4,64}"
"""What a join code may be: it goes into the link learners type (no spaces, dots or accents)."""
_JOIN_PATH = re.compile(rf"^/join/({JOIN_CODE})/?$")
_KEY = re.compile(r"[A-Za-z0-9_-]{16,100}")
KEY_FILE = "room-key"


class ReportError(ValueError):
    """A report the room does not accept; the message says which field and why."""


@dataclass(frozen=True)
class ExerciseReport:
    state: str
    failing: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    learner: str
    key: str
    exercises: dict[str, ExerciseReport] = field(default_factory=dict)
    named: bool = True  # chosen by the learner (--name, $DECODELAB_NAME), not the automatic user@host


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


def shown_text(value: object, limit: int) -> str | None:
    """``value`` stripped, in NFC and with runs of spaces made one, when a page can show it as it
    is: a string of 1 to ``limit`` printable characters (no control, format, invisible or
    blank-looking characters, no lone surrogate: one of those, stored, used to break the
    instructor's page for good), with accents stacked at most :data:`MAX_COMBINING_RUN` high;
    else None."""
    if not isinstance(value, str):
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return None
    text = re.sub(" {2,}", " ", unicodedata.normalize("NFC", value.strip()))  # a page shows runs of spaces as one
    if not text or len(text) > limit or not text.isprintable() or _INVISIBLE.search(text):
        return None
    run = 0
    for ch in text:
        run = run + 1 if unicodedata.combining(ch) else 0
        if run > MAX_COMBINING_RUN:
            return None
    return text


def check_name(name: object, field: str = "'learner'") -> str:
    """``name`` as the room shows it (:func:`shown_text` of it in :func:`one_width`, so that
    ``Ｃｈｅｎ`` is ``Chen``; at most 40 characters, not mixing Latin with Cyrillic or Greek
    letters); else :class:`ReportError`, whose message names it as ``field`` (the report's
    ``'learner'``, or the option a learner typed)."""
    if not isinstance(name, str) or not name.strip():
        raise ReportError(f"{field} must be a non-empty name")
    shown = shown_text(one_width(name), MAX_NAME)
    if shown is None:  # quoted as typed, not as one_width made it
        raise ReportError(f"{field} must be at most {MAX_NAME} printable characters, all of which show, "
                          f"not {printable(name, 60)!r}")
    if _LATIN.search(shown) and _LOOKALIKE_SCRIPTS.search(shown):
        raise ReportError(f"{field} mixes Latin letters with Cyrillic or Greek ones, which can look alike: "
                          f"write {printable(shown, 60)!r} in one alphabet")
    return shown


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


def name_was_chosen() -> bool:
    """Whether the learner chose their name (``--name``, ``$DECODELAB_NAME``), rather than
    :func:`learner_name`'s automatic ``user@host``."""
    return bool(os.environ.get(NAME_ENV, "").strip())


def learner_key() -> str:
    """This machine's room key: made once, at random, and kept (readable by this user alone) in
    ``room-key`` under the cache folder (``$DECODELAB_CACHE``, else ``~/.cache/decodelab``).
    The room keeps each name for the key that first reported under it. A ``room-key`` that is a
    link, belongs to another user or others can read is not used: a new key replaces it (the
    link itself, never the file it points to). Raises :class:`OSError` when no key can be kept."""
    from reference.cache import cache_root

    folder = cache_root()
    path = folder / KEY_FILE
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:  # missing, or a link
        descriptor = None
    if descriptor is not None:
        with os.fdopen(descriptor, "rb") as file:
            facts = os.fstat(file.fileno())
            kept = file.read(200).decode("ascii", "replace").strip()
        # Windows has no owner ids or mode bits to check: there the user's own cache folder decides
        private = not hasattr(os, "getuid") or (facts.st_uid == os.getuid() and facts.st_mode & 0o077 == 0)
        if private and _KEY.fullmatch(kept):
            return kept
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(24)
    fresh = folder / f".{KEY_FILE}.{secrets.token_hex(8)}"
    descriptor = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as file:
            file.write(key + "\n")
        os.replace(fresh, path)  # replaces a link or another's file; never writes through it
    except BaseException:
        fresh.unlink(missing_ok=True)
        raise
    return key


def validate_report(payload: object, known_tests: Mapping[str, frozenset[str]] | None = None) -> Report:
    """The report in ``payload`` (parsed JSON), or :class:`ReportError` naming the first bad field.

    With ``known_tests`` (exercise key -> its public test functions: the room's), a failing test
    is kept as its function's name (``name`` for ``name[case]``: the case could be any text) when
    it is one of them, and dropped when not: the page shows only the suite's own names, never a
    text a learner typed."""
    if not isinstance(payload, dict):
        raise ReportError("the report must be a JSON object")
    if payload.get("version") != VERSION:
        raise ReportError(f"'version' must be {VERSION} (is this decodelab as new as the room's?)")
    learner = check_name(payload.get("learner"))
    room_key = payload.get("key")
    if not isinstance(room_key, str) or not _KEY.fullmatch(room_key):
        raise ReportError("'key' must be 16 to 100 letters, digits, '-' or '_' (the machine's room key)")
    exercises = payload.get("exercises")
    if not isinstance(exercises, dict) or not exercises:
        raise ReportError("'exercises' must be an object with at least one exercise")
    named = payload.get("named", True)
    if not isinstance(named, bool):
        raise ReportError("'named' must be true or false (whether the learner chose the name)")
    checked = {}
    for key, entry in exercises.items():
        if key not in _KEYS:
            raise ReportError(f"there is no exercise '{printable(str(key), 60)}'")
        if not isinstance(entry, dict) or entry.get("state") not in STATES:
            raise ReportError(f"'{key}': 'state' must be one of {', '.join(STATES)}")
        failing = entry.get("failing", [])
        if not isinstance(failing, list) or len(failing) > MAX_FAILING:
            raise ReportError(f"'{key}': 'failing' must be a list of at most {MAX_FAILING} test names")
        for test in failing:
            if shown_text(test, MAX_TEST_NAME) != test:
                raise ReportError(f"'{key}': a failing test's name must be 1 to {MAX_TEST_NAME} printable characters")
        if known_tests is not None:  # the suite's own function names; a case's "[...]" could be any text
            failing = [name for name in (test.split("[", 1)[0] for test in failing) if name in known_tests.get(key, ())]
        checked[key] = ExerciseReport(entry["state"], tuple(dict.fromkeys(failing)))
    return Report(learner, room_key, checked, named)


def build_report(learner: str, statuses: Mapping[str, ExerciseStatus], room_key: str, named: bool = True) -> dict:
    """The JSON body for these verdicts: the name (``named``: chosen by the learner, not the
    automatic ``user@host``), the room key, states and failing test names; never code or messages."""
    exercises = {}
    for key, status in statuses.items():
        failing = [test.name[:MAX_TEST_NAME] for test in status.tests
                   if test.status not in (Status.PASSED, Status.SKIPPED, Status.NOT_STARTED)][:MAX_FAILING]
        exercises[key] = {"state": status.state, "failing": failing}
    body = {"version": VERSION, "learner": learner, "key": room_key, "named": named, "exercises": exercises}
    validate_report(body)  # what the room would refuse is a bug here, not the learner's problem
    return body


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A room never redirects: one that does is not followed (to a service on the learner's own machine, say)."""

    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
        return None


def _post(link: RoomLink, body: dict, timeout: float) -> str:
    """The exchange itself; may raise anything a hostile or broken room provokes."""
    request = urllib.request.Request(
        link.report_url, data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json"},
    )
    opener = urllib.request.build_opener(_NoRedirects)
    try:
        with opener.open(request, timeout=timeout) as response:
            answer = json.loads(response.read(MAX_BODY) or b"{}")
    except urllib.error.HTTPError as error:
        try:
            why = json.loads(error.read(MAX_BODY)).get("error", error.reason)
        except Exception:
            why = error.reason
        return f"room: {link.base} refused the report ({error.code}: {printable(str(why))}); your check itself is unaffected"
    learners = answer.get("learners") if isinstance(answer, dict) else None
    if type(learners) is not int:
        return f"room: {link.base} answered something that is not a room's answer; your check itself is unaffected"
    return f"room: sent to {link.base} as '{body['learner']}' ({learners} in the room)"


def send_report(link: RoomLink, body: dict, timeout: float = SEND_SECONDS) -> str:
    """POST ``body`` to the room; one line saying what happened, within ``timeout`` seconds in all
    (a room that trickles its answer a byte at a time is cut off too). Never raises for the
    room's sake, and prints nothing of the room's but escaped, one line of at most 200 characters."""
    outcome: list[str] = []

    def exchange() -> None:
        try:
            outcome.append(_post(link, body, timeout))
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            outcome.append(f"room: could not reach {link.base} ({printable(str(reason))}); your check itself is unaffected")
        except BaseException as error:  # a broken or hostile room: garbage, deep JSON, odd headers...
            outcome.append(f"room: {link.base} answered something unreadable ({type(error).__name__}); "
                           "your check itself is unaffected")

    sender = threading.Thread(target=exchange, name="room-report", daemon=True)
    sender.start()
    sender.join(timeout)
    if not outcome:
        return f"room: {link.base} did not answer within {timeout:g} s; your check itself is unaffected"
    return outcome[0]


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
    try:
        room_key = learner_key()
    except OSError as error:
        return (f"room: not sent, this machine's room key cannot be kept ({printable(str(error))}); "
                "your check itself is unaffected")
    return send_report(link, build_report(learner_name(), statuses, room_key, named=name_was_chosen()))
