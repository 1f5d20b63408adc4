"""The room's state in one SQLite file: who joined, each learner's latest verdict per exercise.

Every report is written before the server answers it, so stopping and starting the server
(``decodelab room serve --db`` with the same file) loses nothing, and the links stay the same:
the join and view codes are kept in the file too. :meth:`RoomStore.summary` is what the
instructor's page shows, computed from the file on each request.
"""
from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from decodelab.commands.check import BROKEN, DONE, FAILING
from decodelab.room.report import Report
from grading.harness.catalogue import EXERCISES

_SCHEMA = """
CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS learners (name TEXT PRIMARY KEY, first_seen REAL NOT NULL, last_seen REAL NOT NULL,
    key_hash TEXT, named INTEGER NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS progress (
    learner TEXT NOT NULL, exercise TEXT NOT NULL, state TEXT NOT NULL, failing TEXT NOT NULL,
    updated REAL NOT NULL, PRIMARY KEY (learner, exercise));
"""
# Join codes are read aloud in a room: no 0/O or 1/l/I to mix up.
_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
WORKING = (FAILING, BROKEN)
DOES_NOT_IMPORT = "(its file does not import)"
"""Where the room is stuck for a learner whose file does not import: no test ran, so no test name."""


class RoomFull(Exception):
    """A new learner's report, in a room that already holds its limit of learners."""


class NameTaken(Exception):
    """A report under a name that another machine's key already holds in this room."""


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_join_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))


class RoomStore:
    """One room's SQLite file; safe to share between the server's threads."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(learners)")}
        if "key_hash" not in columns:  # a room file from before keys: its names go to the next key that reports
            self._db.execute("ALTER TABLE learners ADD COLUMN key_hash TEXT")
        if "named" not in columns:  # from before automatic names were told apart: all count as chosen
            self._db.execute("ALTER TABLE learners ADD COLUMN named INTEGER NOT NULL DEFAULT 1")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _setting(self, name: str, make: str | None) -> str:
        row = self._db.execute("SELECT value FROM settings WHERE name = ?", (name,)).fetchone()
        if row is not None and make is None:
            return row[0]
        value = make if make is not None else (new_join_code() if name == "join_code" else secrets.token_urlsafe(12))
        self._db.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", (name, value))
        return value

    def codes(self, join_code: str | None = None) -> tuple[str, str]:
        """The room's join code and view code: those in the file, else new ones (``join_code`` replaces the join code)."""
        with self._lock:
            return self._setting("join_code", join_code), self._setting("view_code", None)

    def record(self, report: Report, now: float | None = None, max_learners: int | None = None) -> int:
        """Keep ``report`` as the learner's latest word on each exercise it names; the number of
        learners. A name is kept for the key that first reported under it: another key raises
        :class:`NameTaken`. A name the learner chose (``report.named``) takes over the automatic
        names its key reported under before, with their progress: one row, renamed. A new
        learner in a room of ``max_learners`` already raises :class:`RoomFull`."""
        now = time.time() if now is None else now
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                key_hash = _key_hash(report.key)
                known = self._db.execute("SELECT key_hash FROM learners WHERE name = ?", (report.learner,)).fetchone()
                if known is not None and known[0] is not None and not secrets.compare_digest(known[0], key_hash):
                    raise NameTaken(report.learner)
                # A chosen name takes over the automatic ones its key reported under (a notebook's
                # "jovyan@…" before the learner chose "--name Aiko", or after, from a fresh kernel):
                # not a second row. Chosen names stay apart, for learners who share one account.
                earlier = [] if not report.named else [row[0] for row in self._db.execute(
                    "SELECT name FROM learners WHERE key_hash = ? AND name != ? AND named = 0",
                    (key_hash, report.learner))]
                if known is None and not earlier and max_learners is not None:
                    count = self._db.execute("SELECT COUNT(*) FROM learners").fetchone()[0]
                    if count >= max_learners:
                        raise RoomFull(count)
                for name in earlier:  # their progress joins the chosen name's, the newest word per exercise
                    self._db.execute(
                        "INSERT INTO progress (learner, exercise, state, failing, updated) "
                        "SELECT ?, exercise, state, failing, updated FROM progress WHERE learner = ? "
                        "ON CONFLICT(learner, exercise) DO UPDATE SET state = excluded.state, "
                        "failing = excluded.failing, updated = excluded.updated WHERE excluded.updated > progress.updated",
                        (report.learner, name))
                    self._db.execute("DELETE FROM progress WHERE learner = ?", (name,))
                    self._db.execute("DELETE FROM learners WHERE name = ?", (name,))
                self._db.execute(
                    "INSERT INTO learners (name, first_seen, last_seen, key_hash, named) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT(name) DO UPDATE SET last_seen = excluded.last_seen, key_hash = excluded.key_hash, "
                    "named = excluded.named",
                    (report.learner, now, now, key_hash, int(report.named)))
                self._db.executemany(
                    "INSERT OR REPLACE INTO progress VALUES (?, ?, ?, ?, ?)",
                    [(report.learner, key, entry.state, json.dumps(list(entry.failing)), now)
                     for key, entry in report.exercises.items()])
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            return self._db.execute("SELECT COUNT(*) FROM learners").fetchone()[0]

    def forget(self, name: str) -> bool:
        """Remove the learner ``name`` (as the room shows it) and their progress: their name is
        free again, for the next key that reports under it. Whether the room had them."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                gone = self._db.execute("DELETE FROM learners WHERE name = ?", (name,)).rowcount
                self._db.execute("DELETE FROM progress WHERE learner = ?", (name,))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return gone > 0

    def summary(self) -> dict[str, Any]:
        """The room at a glance, per exercise in course order and per learner (see the page)."""
        with self._lock:
            learners = self._db.execute("SELECT name, last_seen FROM learners ORDER BY name").fetchall()
            rows = self._db.execute("SELECT learner, exercise, state, failing FROM progress").fetchall()
        state_of: dict[tuple[str, str], str] = {}
        failing_of: dict[str, Counter] = {exercise.key: Counter() for exercise in EXERCISES}
        for learner, key, state, failing in rows:
            state_of[learner, key] = state
            if state in WORKING and key in failing_of:
                failing_of[key].update(json.loads(failing) if state == FAILING else [DOES_NOT_IMPORT])
        total = len(learners)
        exercises = []
        for exercise in EXERCISES:
            states = [state_of.get((name, exercise.key)) for name, _ in learners]
            done = states.count(DONE)
            working = sum(state in WORKING for state in states)
            stuck = sorted(failing_of[exercise.key].items(), key=lambda item: (-item[1], item[0]))
            exercises.append({
                "key": exercise.key, "function": exercise.function, "done": done, "working": working,
                "not_started": total - done - working,
                "stuck_on": {"test": stuck[0][0], "learners": stuck[0][1]} if stuck else None,
            })
        people = []
        for name, last_seen in learners:
            states = {exercise.key: state_of.get((name, exercise.key)) for exercise in EXERCISES}
            on = next((key for key, state in states.items() if state in WORKING), None)
            on = on or next((key for key, state in states.items() if state != DONE), None)
            people.append({"name": name, "done": sum(state == DONE for state in states.values()),
                           "working_on": on, "last_seen": last_seen,
                           "started": any(state == DONE or state in WORKING for state in states.values())})
        return {"learners": total, "exercises": exercises, "people": people,
                "not_started": [person["name"] for person in people if not person["started"]],
                "total_exercises": len(EXERCISES)}
