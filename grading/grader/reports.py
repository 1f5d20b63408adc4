"""What the grader writes: ``results.json``, ``feedback.html`` and the class's ``grades.csv``.

``results.json`` follows Gradescope's results format: ``score``, ``max_score``,
``execution_time``, ``output``, ``tests[]`` (``name``, ``number``, ``score``, ``max_score``,
``status`` — ``passed`` or ``failed`` —, ``output``, ``visibility``, and ``extra_data``: the
exercise, the outcome, the seconds and, for a failed test, ``brief``, its output without what was
expected and what came back, for :func:`decodelab.commands.gradescope.withhold_details`), with decodelab's own data
under ``extra_data``: the backend that graded it, the sandbox, the suites that ran, each
exercise's score and state, ``grader_error`` when grading broke inside the grader, and
``judge_peak_rss_mb`` (written by :mod:`grading.grader.driver`, which reaps the judge).

``feedback.html`` is one self-contained page per submission: per exercise what passed, what
failed and why, the hints; only messages, never a test's code. It is rendered from
``grading/grader/templates/feedback.html.j2`` with autoescaping on, so every text is escaped.

``grades.csv``: one row per submission graded into the folder, one column per exercise (course
order), the total. Every file is written atomically (a temporary file, then a rename).
"""
from __future__ import annotations

import csv
import functools
import io
import json
import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any, Iterable

import jinja2

from grading.harness.catalogue import EXERCISES, Exercise
from grading.harness.not_started import cannot_run
from grading.harness.submission import printable
from grading.harness.status import Status

RESULTS = "results.json"
FEEDBACK = "feedback.html"
GRADEBOOK = "grades.csv"
FORMAT = "decodelab-results-1"
NOT_STARTED = Status.NOT_STARTED
DOES_NOT_IMPORT = "does not import"
PRINTED_MARKER = "Your code printed (last lines):"


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that a reader sees the old file or the new one, never half.

    The file keeps ``mkstemp``'s mode 0600 whatever the umask: marks and feedback are learners'
    records, for the grader's user alone unless the instructor shares them (docs/grading.md)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def _exercise_order() -> dict[str, int]:
    return {exercise.key: position for position, exercise in enumerate(EXERCISES, start=1)}


def _by_key() -> dict[str, Exercise]:
    return {exercise.key: exercise for exercise in EXERCISES}


def exercise_state(tests: list[dict]) -> str:
    """``passed`` (every test passed), ``not started`` (none passed, all say so), ``does not
    import`` (the same, but because its file fails to import: written, not a stub), else ``failed``."""
    if tests and all(t["status"] == Status.PASSED for t in tests):
        return "passed"
    if tests and all(t["status"] == NOT_STARTED for t in tests):
        return DOES_NOT_IMPORT if any(cannot_run(str(t.get("message", ""))) for t in tests) else "not started"
    return "failed"


def results_document(name: str, tests: list[dict], context: dict[str, Any]) -> dict:
    """Gradescope's results for one submission.

    ``tests``: scored test records (``name``, ``exercise``, ``score``, ``max_score``, ``status``,
    ``message``, ``duration``) in the order the suites ran them. ``context``: ``backend``,
    ``model_id``, ``sandbox``, ``suites``, ``seconds``, optional ``notes``, ``output`` (what the
    learner's code printed), ``events``, ``grader_error`` and ``stack`` (:func:`grading.harness.stack.stack_report`
    as a dict: the versions that graded it and any drift from the lock).
    """
    order = _exercise_order()
    exercises = _by_key()
    grouped: dict[str, list[dict]] = {}
    for test in tests:
        grouped.setdefault(test["exercise"], []).append(test)
    keys = sorted(grouped, key=lambda key: order.get(key, 999))
    entries = []
    summary: dict[str, dict] = {}
    for key in keys:
        exercise = exercises.get(key)
        label = exercise.function if exercise else (key or "other")
        position = order.get(key, 0)
        scored = [test for test in grouped[key] if test["status"] != Status.SKIPPED]
        shares = iter(_shares_that_add_up([float(test["max_score"]) for test in scored]))
        for number, test in enumerate(grouped[key], start=1):
            if test["status"] == Status.SKIPPED:
                continue
            passed = test["status"] == Status.PASSED
            share, whole = next(shares), float(test["max_score"])
            earned = share if passed or not whole else round(share * float(test["score"]) / whole, 4)
            entries.append({
                "name": f"{label}: {test['name']}",
                "number": f"{position}.{number}",
                "score": earned,
                "max_score": share,
                "status": "passed" if passed else "failed",
                "output": "" if passed else str(test.get("message", "")),
                "visibility": "visible",
                "extra_data": {"exercise": key, "outcome": test["status"], "seconds": round(float(test.get("duration", 0.0)), 3),
                               **({} if passed else {"brief": str(test.get("brief") or test.get("message", ""))})},
            })
        summary[key] = {
            "function": label,
            "path": exercise.path if exercise else "",
            "score": round(sum(float(t["score"]) for t in scored), 4),
            "max_score": round(sum(float(t["max_score"]) for t in scored), 4),
            "state": exercise_state(scored) if scored else "skipped",
            "tests": len(scored),
            "passed": sum(t["status"] == Status.PASSED for t in scored),
        }
    counted = [t for t in tests if t["status"] != Status.SKIPPED]
    score = round(sum(float(t["score"]) for t in counted), 4)
    max_score = round(sum(float(t["max_score"]) for t in counted), 4)
    suites = list(context.get("suites", ["hidden"]))
    document = {
        "score": score,
        "max_score": max_score,
        "execution_time": round(float(context.get("seconds", 0.0)), 3),
        "output": _overall_text(name, score, max_score, summary, entries, tests, suites, context),
        "output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": entries,
        "extra_data": {
            "format": FORMAT,
            "submission": name,
            "source": context.get("source"),  # the entry's own name in the class (a later run's names)
            "graded_from": context.get("graded_from"),  # hashes of its code and of the grader (--resume)
            "backend": context.get("backend"),
            "model_id": context.get("model_id"),
            "sandbox": context.get("sandbox"),
            "suites": suites,
            "exercises": summary,
            "notes": list(context.get("notes", [])),
            "grader_error": context.get("grader_error"),
            "skipped": [t["name"] for t in tests if t["status"] == Status.SKIPPED],
            "stack": context.get("stack"),
            "priming": context.get("priming"),
        },
    }
    return document


def _overall_text(name: str, score: float, max_score: float, summary: dict, entries: list, tests: list,
                  suites: list, context: dict) -> str:
    lines = []
    error = context.get("grader_error")
    if error:
        lines.append(f"The grader itself failed while grading {name}: {error}")
        lines.append("This is not a judgement of your code: please tell your instructor, who can grade it again.")
    which = "hidden and public" if set(suites) >= {"hidden", "public"} else ("hidden" if "hidden" in suites else "public")
    lines.append(f"Score: {score:g} / {max_score:g} ({which} tests; backend {context.get('backend')}).")
    if "hidden" not in suites:
        lines.append("Only the public tests ran (the hidden suite is not installed here): this is not a grade.")
    elif entries and not error and all(e["status"] == "passed" for e in entries):
        lines.append(f"All {len(entries)} hidden tests passed.")
    for key, item in summary.items():
        lines.append(f"  {item['function']:<28} {item['score']:g}/{item['max_score']:g}  {item['state']}")
    for note in context.get("notes", []):
        lines.append(f"Note: {note}")
    for event in context.get("events", []):
        lines.append(f"Note: {event}")
    skipped = [t for t in tests if t["status"] == Status.SKIPPED]
    if skipped:
        lines.append(f"{len(skipped)} test(s) did not run here and count for nothing: {skipped[0].get('message', '')}")
    if context.get("sandbox"):
        lines.append(f"Sandbox: {context['sandbox']}.")
    stack = context.get("stack") or {}
    if stack and not stack.get("matches_lock"):
        lines.append(f"Versions: {stack.get('summary')} — verdicts may differ from a grader on the locked stack.")
    printed = str(context.get("output") or "").strip()
    if printed:
        lines.append(PRINTED_MARKER)
        lines.extend("  " + line for line in printed.splitlines()[-15:])
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# feedback.html

TEMPLATES = Path(__file__).resolve().with_name("templates")
FEEDBACK_TEMPLATE = "feedback.html.j2"


@functools.lru_cache(maxsize=1)
def _templates() -> jinja2.Environment:
    """The page templates of ``grading/grader/templates``, loaded once per process.

    Autoescaping is on for every template, so a value reaches the page escaped without anyone
    having to remember it; StrictUndefined turns a context key the template lacks into an error
    rather than an empty string.
    """
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True)


def feedback_context(results: dict) -> dict[str, Any]:
    """What ``feedback.html.j2`` lays out, shaped from one submission's results document.

    Tests grouped per exercise, each exercise's state and CSS class, every number already
    formatted with ``:g``, the hints only where an exercise is not passed, ``printed`` None when
    the learner's code printed nothing. Values stay raw text: the template escapes them.
    """
    data = results.get("extra_data", {})
    by_key = _by_key()
    tests_by_exercise: dict[str, list[dict]] = {}
    for test in results.get("tests", []):
        tests_by_exercise.setdefault(test.get("extra_data", {}).get("exercise", ""), []).append(test)
    exercises = []
    for key, item in data.get("exercises", {}).items():
        exercise = by_key.get(key)
        state = item.get("state", "failed")
        tests = tests_by_exercise.get(key, [])
        reasons = sorted({t.get("output", "") for t in tests if t.get("output")})
        lines = []
        for test in tests:
            passed = test.get("status") == "passed"
            lines.append({
                "title": str(test.get("name", "")).split(": ", 1)[-1],
                "passed": passed,
                "score": f"{test.get('score', 0):g}",
                "max_score": f"{test.get('max_score', 0):g}",
                "output": "" if passed else str(test.get("output") or ""),
            })
        exercises.append({
            "function": item.get("function", key),
            "path": item.get("path", ""),
            "state": state,
            "css": state.replace(" ", "-"),
            "score": f"{item.get('score', 0):g}",
            "max_score": f"{item.get('max_score', 0):g}",
            "reason": reasons[0] if reasons else "",
            "tests": lines,
            "hints": list(exercise.hints) if state != "passed" and exercise is not None else [],
        })
    details = [f"Graded on backend {data.get('backend')}", f"in {results.get('execution_time', 0):g} s"]
    if data.get("sandbox"):
        details.append(f"sandbox: {data['sandbox']}")
    output = str(results.get("output", ""))
    return {
        "name": str(data.get("submission", "submission")),
        "score": f"{results.get('score', 0):g}",
        "max_score": f"{results.get('max_score', 0):g}",
        "grader_error": str(data["grader_error"]) if data.get("grader_error") else "",
        "public_only": "hidden" not in data.get("suites", ["hidden"]),
        "notes": [str(note) for note in data.get("notes", [])],
        "exercises": exercises,
        "details": "; ".join(details),
        "printed": output.split(PRINTED_MARKER, 1)[-1] if PRINTED_MARKER in output else None,
    }


def feedback_page(results: dict) -> str:
    """The learner's page for one submission (see the module docstring), from ``feedback.html.j2``."""
    return _templates().get_template(FEEDBACK_TEMPLATE).render(feedback_context(results))


# ---------------------------------------------------------------------------------------------
# Files in the output folder


def write_submission(out_dir: Path, results: dict) -> Path:
    """``out_dir/<name>/feedback.html`` then ``results.json`` (its presence means: graded)."""
    folder = Path(out_dir) / str(results["extra_data"]["submission"])
    atomic_write_text(folder / FEEDBACK, feedback_page(results))
    atomic_write_text(folder / RESULTS, json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    return folder


def read_results(path: Path) -> dict | None:
    """A results.json written by decodelab, or None (missing, unreadable, someone else's)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("extra_data", {}).get("format") != FORMAT:
        return None
    return data


def graded_results(out_dir: Path) -> dict[str, dict]:
    """Every submission graded into ``out_dir``, by name."""
    found = {}
    for path in sorted(Path(out_dir).glob(f"*/{RESULTS}")):
        data = read_results(path)
        if data is not None:
            found[str(data["extra_data"].get("submission", path.parent.name))] = data
    return found


def _as_text_cell(text: str) -> str:
    """``text`` as a spreadsheet shows it, never runs it: a learner's upload named ``=HYPERLINK(…)``
    would be a formula in the instructor's spreadsheet, so a leading ``= + - @`` gets a ``'``."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def gradebook_text(results: dict[str, dict]) -> str:
    order = _exercise_order()
    keys = sorted({key for data in results.values() for key in data["extra_data"].get("exercises", {})},
                  key=lambda key: order.get(key, 999))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    # handed_in: the entry as it was uploaded (``alice smith.zip`` for the row alice_smith~2)
    writer.writerow(["submission", *keys, "total", "max_score", "backend", "status", "handed_in"])
    for name in sorted(results):
        data = results[name]
        exercises = data["extra_data"].get("exercises", {})
        row = [name]
        row += [f"{exercises[key]['score']:g}" if key in exercises else "" for key in keys]
        row += [f"{data.get('score', 0):g}", f"{data.get('max_score', 0):g}", data["extra_data"].get("backend", ""),
                "grader error" if data["extra_data"].get("grader_error") else "graded",
                _as_text_cell(printable(data["extra_data"].get("source") or ""))]
        writer.writerow(row)
    return buffer.getvalue()


def write_gradebook(out_dir: Path) -> Path:
    """``out_dir/grades.csv`` for every submission graded into ``out_dir``."""
    path = Path(out_dir) / GRADEBOOK
    atomic_write_text(path, gradebook_text(graded_results(out_dir)))
    return path


def _shares_that_add_up(values: list[float], digits: int = 4) -> list[float]:
    """``values`` rounded to ``digits`` so that they add up to their rounded total: each is the
    rounded running total minus the one before it (12 tests of 10/12 points each show 0.8333 or
    0.8334 and add up to 10, where rounding each alone showed 9.9996)."""
    shares, before, running = [], 0.0, 0.0
    for value in values:
        running += value
        after = round(running, digits)
        shares.append(round(after - before, digits))
        before = after
    return shares


def learners_to_chase(results: dict[str, dict]) -> dict[str, dict[str, list[str]]]:
    """Who has an exercise left ``not started`` or ``does not import`` (a file that fails to import:
    written, but graded 0 until mended), the two a TA writes to a learner about: per state,
    submission name -> the exercises in that state, in the catalogue's order. A state nobody is
    in is left out."""
    order = _exercise_order()
    found: dict[str, dict[str, list[str]]] = {}
    for name in sorted(results, key=str.lower):
        exercises = results[name]["extra_data"].get("exercises", {})
        for key in sorted(exercises, key=lambda key: order.get(key, 999)):
            state = exercises[key].get("state")
            if state in ("not started", DOES_NOT_IMPORT):
                found.setdefault(state, {}).setdefault(name, []).append(key)
    return found


def class_summary(results: Iterable[dict]) -> list[dict]:
    """Per exercise: how many finished it, and the test most submissions fail (a test's cases,
    ``test_x[a]`` and ``test_x[b]``, count as one test, and a submission once for it)."""
    results = list(results)
    order = _exercise_order()
    rows: dict[str, dict] = {}
    failures: dict[str, Counter] = {}
    for data in results:
        for key, item in data["extra_data"].get("exercises", {}).items():
            row = rows.setdefault(key, {"exercise": key, "function": item.get("function", key), "finished": 0,
                                        "not_started": 0, "not_importing": 0, "submissions": 0})
            row["submissions"] += 1
            row["finished"] += item.get("state") == "passed"
            row["not_started"] += item.get("state") == "not started"
            row["not_importing"] += item.get("state") == DOES_NOT_IMPORT
        failed = set()
        for test in data.get("tests", []):
            outcome = test.get("extra_data", {}).get("outcome")
            if test.get("status") == "failed" and outcome != NOT_STARTED:
                key = test.get("extra_data", {}).get("exercise", "")
                failed.add((key, str(test["name"]).split(": ", 1)[-1].split("[", 1)[0]))
        for key, name in failed:
            failures.setdefault(key, Counter())[name] += 1
    for key, row in rows.items():
        common = failures.get(key, Counter()).most_common(1)
        row["most_failed"] = f"{common[0][0]} ({common[0][1]})" if common else ""
    return sorted(rows.values(), key=lambda row: order.get(row["exercise"], 999))
