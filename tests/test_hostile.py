"""Hostile submissions (tests/hostile/) are graded as they deserve, and harm nothing else.

Every hostile submission is a copy of solutions/ with one threat appended to
``distributions.py`` (see tests/hostile/README.md). All of them, with an honest and a partly
wrong submission, are graded in ONE ``grade`` run on two workers, restricted to three
exercises (the two of ``distributions.py`` and one elsewhere) to keep this file quick. Checks:

- each loses exactly the exercises its threat affects, with a message saying what happened,
  and keeps the others at the honest submission's score;
- the honest and the partly wrong submissions get the same per-test scores as when graded
  alone;
- nothing in the output folder is lost or altered (a canary file, an earlier submission's
  results), nothing is written outside the sandbox, no process is left behind.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest

from grading.grader.driver import GradeOptions, grade_class
from grading.sandbox.cgroups import WorkerGroup
from grading.sandbox.file_access import confinement_works
from grading.sandbox.plan import sandbox_plan
from grading.sandbox.limits import Limits
from grading.grader.reports import RESULTS, read_results
from grading.harness.output import OUTPUT_CAP

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "hostile"
EXERCISES = ("next_token", "temperature", "distinct_n")
BOTH = {"next_token", "temperature"}

# threat -> (exercises it must lose, words one of their failing tests' feedback must contain)
EXPECTED: dict[str, tuple[set[str], str]] = {
    "syntax_error": (BOTH, "SyntaxError"),
    "import_crash": (BOTH, "fails to import"),
    "sys_exit": ({"temperature"}, "sys.exit(3)"),
    "os_exit": ({"temperature"}, "exited with code 0"),
    "setup_exit_status": ({"temperature"}, "exited with code 71"),
    "endless_loop": ({"temperature"}, "time limit"),
    "memory_bomb": ({"temperature"}, "out of memory"),
    "fork_fanout_memory": ({"temperature"}, "out of memory"),
    "shared_memory_fanout": ({"temperature"}, "out of memory"),
    "file_flood": ({"temperature"}, "file limit"),
    "memory_files": ({"temperature"}, "out of memory"),
    "socket_buffers": ({"temperature"}, "out of memory"),
    "fork_bomb": ({"temperature"}, "time limit"),
    "stray_process": (set(), ""),
    "output_flood": ({"temperature"}, "output limit"),
    "huge_messages": ({"temperature"}, "RuntimeError: temperature went wrong"),
    "lone_surrogate": ({"temperature"}, "ValueError: temperature \\udcff went wrong"),
    "oom_shield": ({"temperature"}, "oom_score_adj 1000, -1000 refused"),
    "network_out": ({"temperature"}, "network: AF_INET Permission denied, AF_INET6 Permission denied, "
                                     "AF_NETLINK Permission denied, AF_VSOCK Permission denied"),
    "global_rng": (set(), ""),
    "monkeypatch": ({"temperature"}, "differs"),
    "read_solutions": ({"temperature"}, "differs"),
    "write_outside": (set(), ""),
    "symlink_to_solutions": (BOTH, "symbolic link"),
    "output_link": (set(), ""),
}
# Contained without bubblewrap only where the kernel confines a process's files (Landlock:
# grading.sandbox.file_access); elsewhere they really read and write the machine's files.
CONFINED_ONLY = {"read_solutions", "write_outside"}
# Bounded only by the submissions' control group (grading.sandbox.cgroups): where none can be
# made, 3 GB of socket buffers would be held unseen, so the threat is not graded there.
GROUP_ONLY = {"socket_buffers"}
WRONG_SOFTMAX = '''

def softmax_with_temperature(logits, temperature):
    return torch.softmax(logits * temperature, dim=-1)  # multiplies: a classic mistake
'''
MARKERS = [Path("/tmp/decodelab-hostile-stray"), Path("/tmp/decodelab-hostile-was-here")]


def _tiny_available() -> bool:
    from reference.backends import tiny_status

    return tiny_status()[0]


pytestmark = pytest.mark.skipif(not _tiny_available(), reason="the tiny model is not built yet")

PLAN = sandbox_plan()
FILES_CONFINED = PLAN.kind == "bwrap" or confinement_works()[0]


THREATS = [t for t in EXPECTED if (FILES_CONFINED or t not in CONFINED_ONLY)
           and (t not in GROUP_ONLY or WorkerGroup.possible())]


def _copy_solutions(folder: Path) -> None:
    folder.mkdir(parents=True)
    for source in sorted((ROOT / "solutions").glob("*.py")):
        if source.name != "__init__.py":
            shutil.copy(source, folder / source.name)


def build_hostile(threat: str, folder: Path) -> Path:
    """A copy of solutions/ with the threat's code appended (or its module made a symlink)."""
    _copy_solutions(folder)
    for part in sorted((HOSTILE / threat).iterdir()):
        if part.name.endswith(".py.in"):
            module = folder / part.name[: -len(".in")]
            module.write_text(module.read_text() + "\n" + part.read_text())
        elif part.name.endswith(".py.symlink"):
            module = folder / part.name[: -len(".symlink")]
            module.unlink()
            module.symlink_to(ROOT / part.read_text().strip())
    return folder


def _sandbox_processes(uids: set[int] | None = None) -> set[int]:
    """Processes of learner code: those of the given user ids (graded as root), else those
    whose command line is the sandboxed worker's."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            uid = os.stat(f"/proc/{entry}").st_uid
            command = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        if (uid in uids) if uids else (b"grading.sandbox.learner_side" in command):
            found.add(int(entry))
    return found


def _learner_uids(*outcomes) -> set[int]:
    """The user ids our runs gave learner code (said in each results' sandbox description)."""
    uids = set()
    for outcome in outcomes:
        for results in outcome.results.values():
            found = re.search(r"user id (\d+)", str(results["extra_data"].get("sandbox", "")))
            if found:
                uids.add(int(found.group(1)))
    return uids


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("hostile")
    for marker in MARKERS:
        marker.unlink(missing_ok=True)
    before = _sandbox_processes()
    honest = base / "class" / "honest"
    _copy_solutions(honest)
    partial = base / "class" / "partial"
    _copy_solutions(partial)
    (partial / "distributions.py").write_text((partial / "distributions.py").read_text() + WRONG_SOFTMAX)
    hostile = [build_hostile(threat, base / "class" / threat) for threat in THREATS]
    # 10 s per call: short enough that the endless loop and the fork bomb cost little, long
    # enough that an honest call on a machine loaded by the rest of CI never reaches it (3 s did).
    options = GradeOptions(backend="tiny", exercises=EXERCISES,
                           limits=Limits(call_seconds=10, submission_seconds=90, memory_mb=512))
    alone = grade_class([honest, partial], base / "alone", options, workers=2)

    out = base / "out"
    (out / "previous").mkdir(parents=True)
    (out / "keep.txt").write_text("an instructor's file: must survive\n")
    earlier = json.loads((base / "alone" / "honest" / RESULTS).read_text())
    earlier["extra_data"]["submission"] = "previous"
    (out / "previous" / RESULTS).write_text(json.dumps(earlier))
    kept = {path: path.read_bytes() for path in (out / "keep.txt", out / "previous" / RESULTS)}
    started = time.monotonic()
    mixed = grade_class([honest, partial, *hostile], out, options, workers=2)
    seconds = time.monotonic() - started
    uids = _learner_uids(alone, mixed)
    deadline = time.monotonic() + 15  # the workers' processes take a moment to be reaped
    while (strays := _sandbox_processes(uids) - (set() if uids else before)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return {"alone": alone, "mixed": mixed, "out": out, "kept": kept, "seconds": seconds, "strays": strays}


def _exercise_scores(results: dict) -> dict[str, float]:
    return {key: item["score"] for key, item in results["extra_data"]["exercises"].items()}


def test_every_submission_gets_results_and_feedback(run):
    names = {"honest", "partial", *THREATS}
    assert set(run["mixed"].results) == names, f"graded {sorted(run['mixed'].results)}, expected {sorted(names)}"
    assert not run["mixed"].failed, f"the grader broke on {run['mixed'].failed}"
    for name in names:
        results = read_results(run["out"] / name / RESULTS)
        assert results is not None, f"{name}/results.json is missing or not decodelab's"
        assert (run["out"] / name / "feedback.html").is_file(), f"{name}/feedback.html is missing"
        assert results["extra_data"]["backend"] == "tiny", f"{name} graded on {results['extra_data']['backend']}"


@pytest.mark.parametrize("threat", THREATS)
def test_hostile_submission_loses_only_what_it_breaks(run, threat):
    honest = _exercise_scores(run["alone"].results["honest"])
    results = run["mixed"].results[threat]
    scores = _exercise_scores(results)
    affected, says = EXPECTED[threat]
    for key in EXERCISES:
        if key in affected:
            assert scores[key] == 0, f"{threat}: {key} scored {scores[key]}, expected 0 (its code is broken)"
        else:
            assert scores[key] == honest[key], (
                f"{threat}: {key} scored {scores[key]}, expected {honest[key]} like the honest submission")
    if says:
        feedback = [t["output"] for t in results["tests"] if t["extra_data"]["exercise"] in affected and t["output"]]
        feedback += results["extra_data"]["notes"]
        assert any(says in text for text in feedback), (
            f"{threat}: no feedback mentions {says!r}; first messages: {feedback[:2]}")


@pytest.mark.parametrize("threat", ["syntax_error", "import_crash"])
def test_a_file_that_does_not_import_is_not_called_not_started(run, threat):
    # A TA's walk-through: a syntax error read "not started" in the summary and the results, and
    # a TA emailing "you never started top_k" would have been wrong.
    states = {key: item["state"] for key, item in run["mixed"].results[threat]["extra_data"]["exercises"].items()}
    assert all(states[key] == "does not import" for key in BOTH), (
        f"{threat}: the states of {sorted(BOTH)} were {states}; expected 'does not import' (written, but its file "
        "fails to import)")


def test_a_link_in_place_of_the_output_file_is_not_followed(run):
    # output_link's output.txt points at the reading process's environment: the worker (which
    # may read what the learner's uid may not) must show none of it.
    results = run["mixed"].results["output_link"]
    texts = [results["output"], *(t["output"] for t in results["tests"])]
    leaked = [text[:200] for text in texts if "DECODELAB_CACHE=" in text or "PATH=/" in text]
    assert not leaked, f"output_link's feedback shows the environment its output.txt link points to: {leaked[:2]}"


def test_long_text_is_capped_in_every_report(run):
    # A test's message is kept to the cap and one line saying what was cut; the summary holds
    # the grader's own lines (a few per exercise) and at most the capped end of what was printed.
    too_long = []
    for name, results in run["mixed"].results.items():
        too_long += [f"{name}: {t['name']} ({len(t['output']):,} characters)"
                     for t in results["tests"] if len(t["output"]) > OUTPUT_CAP + 100]
        if len(results["output"]) > 2 * OUTPUT_CAP:
            too_long.append(f"{name}: the summary ({len(results['output']):,} characters)")
    assert not too_long, f"texts longer than the output cap ({OUTPUT_CAP:,} characters) in results.json: {too_long}"
    messages = [t["output"] for t in run["mixed"].results["huge_messages"]["tests"]
                if t["extra_data"]["exercise"] == "temperature" and t["output"]]
    # (the first failure's message; later calls in the same test may be refused with a shorter one)
    assert any("temperature went wrong" in text and "characters after this were cut" in text for text in messages), (
        "huge_messages raised a 1 MB message; expected its temperature feedback to keep the message's "
        f"start and say what was cut, got: {[text[:200] + ' … ' + text[-200:] for text in messages[:1]]}")


def test_honest_submissions_score_as_when_graded_alone(run):
    for name in ("honest", "partial"):
        alone = {t["name"]: t["score"] for t in run["alone"].results[name]["tests"]}
        mixed = {t["name"]: t["score"] for t in run["mixed"].results[name]["tests"]}
        assert mixed == alone, f"{name}: scores differ between the mixed run and alone: " + str(
            {k: (alone.get(k), mixed.get(k)) for k in set(alone) | set(mixed) if alone.get(k) != mixed.get(k)})
    assert run["alone"].results["partial"]["score"] < run["alone"].results["honest"]["score"], \
        "the partly wrong submission should score below the honest one"


def test_output_folder_keeps_everything_it_held(run):
    for path, content in run["kept"].items():
        assert path.read_bytes() == content, f"{path} was altered during grading"
    rows = (run["out"] / "grades.csv").read_text().splitlines()
    names = {row.split(",", 1)[0] for row in rows[1:]}
    assert {"previous", "honest", *THREATS} <= names, f"grades.csv lists {sorted(names)}"
    vandalised = [p for p in run["out"].rglob("*") if p.name == "decodelab-hostile-was-here"]
    assert not vandalised, f"a submission wrote into the output folder: {vandalised}"


def test_no_learner_process_is_left_behind(run):
    assert not run["strays"], f"processes left behind after grading: {sorted(run['strays'])}"


@pytest.mark.skipif(not FILES_CONFINED, reason="without bubblewrap or Landlock the learner's code may write to /tmp")
def test_nothing_is_written_outside_the_sandbox(run):
    for marker in MARKERS:
        assert not marker.exists(), f"a submission wrote {marker} outside its scratch folder"


def test_feedback_never_shows_the_hidden_tests_code(run):
    for name in run["mixed"].results:
        page = (run["out"] / name / "feedback.html").read_text()
        results = (run["out"] / name / RESULTS).read_text()
        for text in (page, results):
            assert "def test_" not in text and "check_tensor(" not in text, f"{name}: test code in the feedback"


def _why_no_unprivileged_run(sandbox: str) -> str | None:
    """Why grading as the user ``nobody`` with ``sandbox`` cannot be tried here (None: it can)."""
    import subprocess
    import sys

    if os.geteuid() != 0 or shutil.which("runuser") is None:
        return "needs root with runuser, to become an unprivileged user"
    if sandbox == "bwrap" and PLAN.kind != "bwrap":
        return "bubblewrap does not work here"
    if sandbox == "none" and not confinement_works()[0]:
        return f"no Landlock here: {confinement_works()[1]}"
    try:
        done = subprocess.run(["runuser", "-u", "nobody", "--", sys.executable, "-c", "import decodelab"],
                              capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"runuser failed: {error}"
    if done.returncode != 0:
        return f"the user nobody cannot run {sys.executable} with decodelab (a private folder on its path?)"
    return None


# what the sandbox's description says in each mode
CONFINED_BY = {"bwrap": "bubblewrap sandbox", "none": "files confined by Landlock"}


@pytest.mark.parametrize("sandbox", ["bwrap", "none"])
def test_an_instructor_who_is_not_root_gets_the_sandbox_too(sandbox):
    # Instructors grade as themselves, not as root: bubblewrap then has to build its sandbox in
    # a user namespace, and learner code runs as the instructor's own user, confined. Without
    # bubblewrap (sandbox "none") that user could read the checkout's solutions/ and rewrite
    # the results already written, but for Landlock (grading.sandbox.file_access).
    import subprocess
    import sys
    import tempfile

    why_not = _why_no_unprivileged_run(sandbox)
    if why_not is not None:
        pytest.skip(why_not)
    base = Path(tempfile.mkdtemp(prefix="decodelab-unprivileged-"))
    try:
        _copy_solutions(base / "honest")
        build_hostile("read_solutions", base / "read_solutions")
        build_hostile("write_outside", base / "write_outside")
        for path in [base, *base.rglob("*")]:
            path.chmod(0o777 if path.is_dir() else 0o666)
        command = ["runuser", "-u", "nobody", "--", "env", f"HOME={base}", f"DECODELAB_CACHE={base / 'cache'}",
                   sys.executable, "-m", "decodelab.cli", "grade", "honest", "read_solutions", "write_outside",
                   "--out", "out", "--sandbox", sandbox, "--workers", "1", "--backend", "tiny",
                   "--exercises", "temperature"]
        done = subprocess.run(command, cwd=base, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"grading as an unprivileged user exited {done.returncode}:\n{done.stderr[-2000:]}"
        honest = read_results(base / "out" / "honest" / RESULTS)  # written before write_outside ran
        assert honest is not None, "the honest submission's results.json was rewritten by a later submission"
        hostile = json.loads((base / "out" / "read_solutions" / RESULTS).read_text())
        assert CONFINED_BY[sandbox] in honest["extra_data"]["sandbox"] and "grader's own user" in honest["extra_data"]["sandbox"], \
            f"the sandbox was {honest['extra_data']['sandbox']!r}"
        assert honest["score"] == honest["max_score"] > 0, f"the honest submission scored {honest['score']}/{honest['max_score']}"
        assert hostile["score"] == 0, (
            f"a submission that copies the solutions it finds scored {hostile['score']}: the sandbox let it read them")
        vandalised = [str(p) for p in base.rglob("decodelab-hostile-was-here")]
        assert not vandalised, f"a submission wrote outside its scratch folder: {vandalised[:5]}"
    finally:
        shutil.rmtree(base, ignore_errors=True)
        for marker in MARKERS:
            marker.unlink(missing_ok=True)
