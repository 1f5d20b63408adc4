"""What an instructor's class folder holds besides submissions, and what they are told about it.

Found by a usability walk-through (session 41): a `notes.txt` beside the submissions stopped
`decodelab grade class/*` (exit 2) while `decodelab grade class` skipped it without a word; two
submissions named `alice` from two folders were graded as `alice` and `alice~2` with nothing on
the screen to say which was which; and `--summary` counted a test's failing cases, so two
learners failing two cases each read as four.
"""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grading.grader.reports import class_summary
from grading.harness.submission import expand, read_submission
from grading.harness.target import TargetError

ROOT = Path(__file__).resolve().parents[1]


def _submission(folder: Path) -> Path:
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "solutions" / "evaluation.py", folder / "evaluation.py")
    return folder


def test_a_stray_file_is_skipped_alike_in_a_class_folder_and_among_paths(tmp_path):
    for name in ("alice", "bob"):
        _submission(tmp_path / "class" / name)
    (tmp_path / "class" / "notes.txt").write_text("grade these by Friday")
    strays: list[Path] = []
    whole = expand([tmp_path / "class"], strays)
    assert [path.name for path in whole] == ["alice", "bob"] and [path.name for path in strays] == ["notes.txt"], (
        f"expand([class], strays) gave {[p.name for p in whole]} and strays {[p.name for p in strays]}, expected "
        "['alice', 'bob'] and ['notes.txt']")
    strays = []
    globbed = expand(sorted((tmp_path / "class").iterdir()), strays)
    assert [path.name for path in globbed] == ["alice", "bob"] and [path.name for path in strays] == ["notes.txt"], (
        f"expand(class/*, strays) gave {[p.name for p in globbed]} and strays {[p.name for p in strays]}, expected "
        "the same as expand([class])")
    with pytest.raises(TargetError, match="neither a folder nor a .zip"):
        expand([tmp_path / "class" / "notes.txt"])  # named alone, it is refused
    (tmp_path / "class" / "todo.md").write_text("")
    with pytest.raises(TargetError, match="no submissions among"):
        expand([tmp_path / "class" / "notes.txt", tmp_path / "class" / "todo.md"])


def test_a_damaged_zip_keeps_its_row_and_mac_leftovers_are_left_aside_both_ways(tmp_path):
    # A code review (session 41): a cut-short carol.zip was called "neither a folder nor a .zip"
    # and dropped; with class/*, __MACOSX/alice took alice's name; a link to nothing stopped
    # class/* with "no such submission" and a pipe crashed it.
    class_folder = tmp_path / "class"
    _submission(class_folder / "alice")
    shutil.make_archive(str(class_folder / "bob"), "zip", class_folder / "alice")
    (class_folder / "carol.zip").write_bytes((class_folder / "bob.zip").read_bytes()[:40])
    _submission(class_folder / "__MACOSX" / "alice")
    (class_folder / "gone").symlink_to(tmp_path / "nowhere")
    os.mkfifo(class_folder / "pipe")
    for paths in ([class_folder], sorted(class_folder.iterdir())):
        strays: list[Path] = []
        found = expand(paths, strays)
        assert [path.name for path in found] == ["alice", "bob.zip", "carol.zip"], (
            f"expand({[p.name for p in paths]}) found {[p.name for p in found]}, expected alice, bob.zip and the "
            "damaged carol.zip (graded 0 with a note), without __MACOSX")
        assert sorted(path.name for path in strays) == ["gone", "pipe"], (
            f"expand({[p.name for p in paths]}) skipped {sorted(p.name for p in strays)}, expected the link to "
            "nothing and the pipe")
    carol = read_submission(class_folder / "carol.zip")
    assert not carol.sources and any("not a readable .zip file" in note for note in carol.notes), (
        f"read_submission(<a cut-short zip>) gave notes {carol.notes}, expected one saying it is not readable")
    # A member name flagged UTF-8 that is not (a reviewer's crafted upload): zipfile raises
    # UnicodeDecodeError, which made the grader report its own failure and exit 1 for the class.
    crafted = bytearray((class_folder / "bob.zip").read_bytes())
    entry = crafted.find(b"PK\x01\x02")
    crafted[entry + 9] |= 0x08  # the flags' high byte (little-endian): bit 11, "names are UTF-8"
    crafted[entry + 46] = 0xFF
    (tmp_path / "mallory.zip").write_bytes(bytes(crafted))
    mallory = read_submission(tmp_path / "mallory.zip")
    assert not mallory.sources and len(mallory.notes) == 1 and "not a readable .zip file" in mallory.notes[0], (
        f"read_submission(<a zip whose member name is not UTF-8>) gave notes {mallory.notes}, expected one saying "
        "it is not readable")


def _results(name: str, failing: list[str]) -> dict:
    tests = [{"name": f"softmax_with_temperature: {test}", "status": "failed", "score": 0, "max_score": 1,
              "extra_data": {"exercise": "temperature", "outcome": "failed"}} for test in failing]
    return {"tests": tests, "extra_data": {"submission": name, "exercises": {
        "temperature": {"function": "softmax_with_temperature", "state": "failed" if failing else "passed"}}}}


def test_the_summary_counts_submissions_not_failing_cases():
    rejects = ["test_softmax_rejects_a_bad_temperature[None]", "test_softmax_rejects_a_bad_temperature[the string]"]
    results = [_results("alice", rejects), _results("bob", rejects),
               _results("carol", ["test_softmax_is_stable_for_huge_logits"]),
               _results("dan", ["test_softmax_is_stable_for_huge_logits"]),
               _results("erin", ["test_softmax_is_stable_for_huge_logits"])]
    row = next(row for row in class_summary(results) if row["exercise"] == "temperature")
    assert row["most_failed"] == "test_softmax_is_stable_for_huge_logits (3)", (
        f"class_summary(...) gave most_failed {row['most_failed']!r}, expected the test three submissions fail, "
        "'test_softmax_is_stable_for_huge_logits (3)', not the two-case test two submissions fail")


def test_grade_names_what_it_skipped_and_what_it_renamed(tmp_path):
    _submission(tmp_path / "week1" / "alice")
    _submission(tmp_path / "week2" / "Alice")  # names are compared without case: the row it meets is alice's
    (tmp_path / "week1" / "notes.txt").write_text("grade these by Friday")
    command = [sys.executable, "-m", "decodelab.cli", "grade", *map(str, sorted((tmp_path / "week1").iterdir())),
               str(tmp_path / "week2" / "Alice"), "--out", str(tmp_path / "out"), "--workers", "1", "--backend", "tiny",
               "--exercises", "exact_match"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert done.returncode == 0, f"{' '.join(command[2:])} exited {done.returncode}, expected 0:\n{done.stderr[-3000:]}"
    assert f"Skipped {tmp_path / 'week1' / 'notes.txt'}: neither a folder nor a .zip file" in done.stderr, (
        f"decodelab grade with a notes.txt among the paths should say it skipped it; stderr:\n{done.stderr[-2000:]}")
    renamed = (f"Renamed: Alice~2 is {tmp_path / 'week2' / 'Alice'} (another submission, or one graded earlier "
               f"into {tmp_path / 'out'}, has the name alice).")
    assert renamed in done.stdout, (
        f"decodelab grade with two submissions named alice should print {renamed!r}; stdout:\n{done.stdout}")
    scores = {path.parent.name: json.loads(path.read_text())["score"] for path in (tmp_path / "out").glob("*/results.json")}
    assert scores == {"alice": 5.0, "Alice~2": 5.0}, f"decodelab grade gave {scores}, expected both alices graded 5/5"
    rows = {row["submission"]: row for row in csv.DictReader(io.StringIO((tmp_path / "out" / "grades.csv").read_text()))}
    handed_in = {name: row.get("handed_in") for name, row in rows.items()}
    assert handed_in == {"alice": "alice", "Alice~2": "Alice"}, f"grades.csv's handed_in column: {handed_in}"


def test_the_summary_names_who_has_not_started_and_whose_file_does_not_import(tmp_path):
    # A TA's walk-through (session 43): the summary counted "2 not started" and left the TA to
    # open every row of grades.csv to find out whom to write to.
    class_folder = tmp_path / "class"
    _submission(class_folder / "alice")
    shutil.copy(ROOT / "solutions" / "distributions.py", class_folder / "alice" / "distributions.py")
    bob = class_folder / "bob"  # the stubs as handed out
    bob.mkdir()
    for module in ("evaluation.py", "distributions.py"):
        shutil.copy(ROOT / "exercises" / module, bob / module)
    _submission(class_folder / "carol")
    (class_folder / "carol" / "distributions.py").write_text(
        (ROOT / "solutions" / "distributions.py").read_text() + "\ndef broken(:\n")
    command = [sys.executable, "-m", "decodelab.cli", "grade", str(class_folder), "--out", str(tmp_path / "out"),
               "--workers", "1", "--backend", "tiny", "--exercises", "temperature", "exact_match", "--summary"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert done.returncode == 0, f"{' '.join(command[2:])} exited {done.returncode}, expected 0:\n{done.stderr[-3000:]}"
    lines = done.stdout.splitlines()
    for expected in ("Not started: bob (every exercise).", "Does not import: carol (temperature)."):
        assert expected in lines, f"decodelab grade --summary should print the line {expected!r}; stdout:\n{done.stdout}"
    assert not any("alice" in line for line in lines if line.startswith(("Not started", "Does not import"))), (
        f"decodelab grade --summary named alice, who passed both exercises; stdout:\n{done.stdout}")


def test_the_summary_names_twenty_learners_a_line_then_how_many_more():
    from decodelab.commands.grade import _names_and_exercises

    results = {f"learner{n:02}": {"extra_data": {"exercises": {"temperature": {"state": "not started"},
                                                               "top_p": {"state": "passed"}}}} for n in range(23)}
    learners = {name: ["temperature"] for name in results}
    line = _names_and_exercises(learners, results)
    assert line.startswith("learner00 (temperature), learner01 (temperature)") and "learner19 (temperature)" in line, (
        f"_names_and_exercises(23 learners) gave {line!r}, expected the first twenty named with their exercise")
    assert "learner20" not in line and line.endswith(" and 3 more (grades.csv has their rows)."), (
        f"_names_and_exercises(23 learners) gave {line!r}, expected the twenty-first on to be left out and counted: 3 more")
