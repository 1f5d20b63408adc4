"""The Gradescope bundle: built by ``decodelab gradescope build``, run like Gradescope runs it.

A temporary root stands in for ``/autograder`` (``$DECODELAB_GRADESCOPE_ROOT``): the zip is
unpacked into ``source/``, ``run_autograder`` copied next to it, the learner's files put in
``submission/``; ``run_autograder`` must leave ``results/results.json`` in Gradescope's format.
The bundle grades two exercises only (``--exercises``) to keep this quick.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from typing import Iterator

import pytest

from decodelab.cli import main
from decodelab.commands.gradescope import CONFIG, lay_out_root
from grading.sandbox.cgroups import WorkerGroup

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ["next_token", "temperature"]


def _tiny_available() -> bool:
    from reference.backends import tiny_status

    return tiny_status()[0]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundle") / "autograder.zip"
    assert main(["gradescope", "build", "--out", str(out), "--exercises", *EXERCISES]) == 0
    return out


def _gradescope_root(base: Path, bundle: Path, files: dict[str, str]) -> Path:
    return lay_out_root(bundle, base / "autograder", files)


def _run(root: Path, **settings: str) -> dict:
    environment = dict(os.environ, DECODELAB_GRADESCOPE_ROOT=str(root), DECODELAB_PYTHON=sys.executable, **settings)
    done = subprocess.run(["bash", str(root / "run_autograder")], capture_output=True, text=True,
                          env=environment, timeout=900)
    assert done.returncode == 0, f"run_autograder exited {done.returncode}: {done.stderr[-2000:]}"
    path = root / "results" / "results.json"
    assert path.is_file(), f"run_autograder wrote no results.json; its output ends: {done.stdout[-1000:]}{done.stderr[-2000:]}"
    return json.loads(path.read_text())


def test_bundle_holds_the_scripts_and_the_hidden_suites_but_not_the_solutions(bundle):
    with zipfile.ZipFile(bundle) as archive:
        names = set(archive.namelist())
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
        config = json.loads(archive.read(CONFIG))
        setup = archive.read("setup.sh").decode()
    for required in ("setup.sh", "run_autograder", "pyproject.toml", "grading/grader/driver.py", "grading/hidden/test_distributions.py"):
        assert required in names, f"the bundle lacks {required}"
    assert not any(name.startswith(("solutions/", "tests/")) for name in names), "the bundle carries solutions/ or tests/"
    for script in ("setup.sh", "run_autograder"):
        assert modes[script] & stat.S_IXUSR, f"{script} is not executable in the zip"
    assert config["exercises"] == EXERCISES, f"the bundle grades {config['exercises']}, expected {EXERCISES}"
    assert "download.pytorch.org/whl/cpu" in setup and "torch==" in setup, "setup.sh does not pin the CPU torch"


@pytest.mark.skipif(not _tiny_available(), reason="the tiny model is not built yet")
def test_run_autograder_grades_a_submission_into_results_json(bundle, tmp_path):
    solution = (ROOT / "solutions" / "distributions.py").read_text()
    root = _gradescope_root(tmp_path, bundle, {"exercises/distributions.py": solution})
    results = _run(root)
    assert results["score"] == results["max_score"] == 15, f"score {results['score']} / {results.get('max_score')}"
    assert results["extra_data"]["backend"] == "tiny"
    assert {"score", "max_score", "execution_time", "output", "tests"} <= set(results)
    for test in results["tests"]:
        assert {"name", "score", "max_score", "status", "output", "visibility"} <= set(test), f"test fields: {sorted(test)}"
        assert test["status"] == "passed", f"{test['name']}: {test['output']}"


@pytest.mark.skipif(not _tiny_available(), reason="the tiny model is not built yet")
def test_run_autograder_scores_a_broken_submission_and_still_writes_results(bundle, tmp_path):
    root = _gradescope_root(tmp_path, bundle, {"distributions.py": "def next_token_logits(:\n"})
    results = _run(root)
    assert results["score"] == 0 and results["max_score"] == 15, f"score {results['score']} / {results.get('max_score')}"
    assert all(t["status"] == "failed" for t in results["tests"])
    assert any("SyntaxError" in t["output"] for t in results["tests"]), "the feedback does not name the syntax error"


@pytest.mark.skipif(not _tiny_available(), reason="the tiny model is not built yet")
@pytest.mark.parametrize("files", [{}, {"README.md": "my answers are in the notebook\n"}], ids=["empty", "README only"])
def test_an_upload_without_exercise_modules_scores_zero_not_a_grader_failure(bundle, tmp_path, files):
    # An instructor's walk-through (session 41): an empty upload, or a README alone, was reported
    # as "the autograder failed ... please tell your instructor", with no max_score.
    root = _gradescope_root(tmp_path, bundle, files)
    results = _run(root)
    assert not results.get("extra_data", {}).get("grader_error") and results.get("max_score") == 15 \
        and results["score"] == 0, (
            f"run_autograder on an upload of {sorted(files)} gave score {results.get('score')} / "
            f"{results.get('max_score')}, grader_error {results.get('extra_data', {}).get('grader_error')!r}; expected "
            "0 / 15 and no grader error")
    assert "no exercise modules found: hand in your copies of" in results["output"] and "distributions.py" in \
        results["output"], f"the feedback does not say which files to hand in: {results['output'][:600]}"


def test_results_json_is_written_even_when_the_grader_cannot_start(bundle, tmp_path):
    root = _gradescope_root(tmp_path, bundle, {})
    config = root / "source" / CONFIG
    config.write_text(json.dumps({"backend": "no-such-backend-anywhere", "exercises": EXERCISES}))
    results = _run(root)
    assert results["score"] == 0 and results["extra_data"]["grader_error"], results
    assert "not a judgement of your code" in results["output"]


# A learner's softmax that loads the bundle's reference answer from beside the reference
# package its worker imported, as `import reference.distributions` would inside Gradescope,
# and returns what that computes. (Here the project is installed editable from this checkout,
# which no Gradescope image holds, so the import itself would find the checkout instead.)
THIEF = '''

def softmax_with_temperature(logits, temperature):
    import importlib.util
    from pathlib import Path

    import reference

    answer = Path(reference.__file__).parent / "distributions.py"
    spec = importlib.util.spec_from_file_location("taken", answer)
    taken = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(taken)
    return taken.softmax_with_temperature(logits, temperature)
'''


@pytest.fixture
def open_folder() -> Iterator[Path]:
    """A folder others may enter, as Gradescope's ``/`` and ``/autograder`` are (pytest's
    ``tmp_path`` is its owner's alone, which would hide the bundle whatever the grader did)."""
    folder = Path(tempfile.mkdtemp(prefix="decodelab-test-gradescope-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.skipif(not _tiny_available(), reason="the tiny model is not built yet")
@pytest.mark.skipif(os.geteuid() != 0, reason="Gradescope runs the autograder as root; only then are user ids switched")
def test_without_bubblewrap_the_learner_cannot_read_the_bundle(bundle, open_folder):
    # Docker (Gradescope) usually cannot run bubblewrap; the bundle's hidden suites and
    # reference answers must still be out of the learner's reach.
    solution = (ROOT / "solutions" / "distributions.py").read_text()
    thief = _gradescope_root(open_folder / "thief", bundle, {"distributions.py": solution + THIEF})
    metadata = thief / "submission_metadata.json"  # Gradescope's: the submitters' names and earlier scores
    metadata.write_text('{"users": [{"name": "A. Learner"}]}')
    metadata.chmod(0o644)
    results = _run(thief, DECODELAB_SANDBOX="none")
    assert stat.S_IMODE(metadata.stat().st_mode) == 0o600, f"submission_metadata.json is {oct(metadata.stat().st_mode)}"
    assert "NO SANDBOX" in json.dumps(results["extra_data"]["sandbox"]), results["extra_data"]["sandbox"]
    taken = [t for t in results["tests"] if t["name"].startswith("softmax_with_temperature") and t["score"] > 0]
    assert not taken, (f"a softmax that runs the bundle's reference answer scored on {len(taken)} tests without "
                       f"bubblewrap, expected 0 (the bundle readable by root alone): {taken[0]['name']}")
    assert any("PermissionError" in t["output"] for t in results["tests"]), (
        "expected the learner's read of the bundle to fail with PermissionError; outputs: "
        + " | ".join(t["output"][:200] for t in results["tests"][:3]))
    honest = _gradescope_root(open_folder / "honest", bundle, {"distributions.py": solution})
    results = _run(honest, DECODELAB_SANDBOX="none")
    assert results["score"] == results["max_score"] == 15, (
        f"a complete submission scored {results['score']} / {results.get('max_score')} without bubblewrap, expected "
        "15/15: the learner's worker needs a file of the bundle after taking its user id? "
        + " | ".join(f"{t['name']}: {t['output'][:200]}" for t in results["tests"] if t["score"] < t["max_score"]))


# A learner's softmax that asks a server for its answer: scores where it connects, says why not.
CALLER = """

def softmax_with_temperature(logits, temperature):
    import socket

    try:  # (an address, not a name: a name would need the idna codec, which the learner's
        # user may not be able to import where Python lies in a private folder, as on this machine)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as line:
            line.settimeout(5)
            line.connect(("127.0.0.1", PORT))
            line.sendall(b"softmax, please")
    except OSError as error:
        raise RuntimeError(f"no line out: {error}")
    return torch.softmax(logits / temperature, dim=-1)
"""


@pytest.mark.skipif(not _tiny_available(), reason="the tiny model is not built yet")
def test_without_bubblewrap_the_learner_cannot_reach_the_network(bundle, open_folder):
    # Without bubblewrap there is no network namespace: the seccomp filter of each submission
    # process (grading/sandbox/network.py) is what keeps it from connecting out.
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    calls: list[bytes] = []
    done = threading.Event()

    def answer() -> None:
        while not done.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                continue
            with connection:
                calls.append(connection.recv(100))

    listener = threading.Thread(target=answer, daemon=True)
    listener.start()
    solution = (ROOT / "solutions" / "distributions.py").read_text()
    caller = CALLER.replace("PORT", str(server.getsockname()[1]))
    try:
        results = _run(_gradescope_root(open_folder / "caller", bundle, {"distributions.py": solution + caller}),
                       DECODELAB_SANDBOX="none")
    finally:
        done.set()
        listener.join()
        server.close()
    assert not calls, f"the learner's code reached a server on this machine without bubblewrap: it sent {calls[0]!r}"
    assert "no network" in json.dumps(results["extra_data"]["sandbox"]), results["extra_data"]["sandbox"]
    softmax = [t for t in results["tests"] if t["name"].startswith("softmax_with_temperature")]
    assert softmax and not any(t["score"] for t in softmax), (
        f"a softmax that could not connect scored {sum(t['score'] for t in softmax)}: expected 0")
    assert any("Permission denied" in t["output"] for t in softmax), (
        "expected the refused connection in the feedback; outputs: " + " | ".join(t["output"][:200] for t in softmax[:3]))


# A learner's next-token function that says which control groups its process is in.
GROUP_READER = """

def next_token_logits(model, input_ids):
    with open("/proc/self/cgroup") as groups:
        raise RuntimeError("groups: " + " ".join(groups.read().split()))
"""


@pytest.mark.skipif(not _tiny_available(), reason="the tiny model is not built yet")
@pytest.mark.skipif(not WorkerGroup.possible(), reason="no control group can be made here (root with memory and cpu controllers)")
def test_without_bubblewrap_a_submission_runs_in_its_workers_control_group(bundle, tmp_path):
    # The group bounds what the watcher cannot see (socket buffers: 3.1 GB past a 2 GB budget)
    # and the CPU of many busy processes. Its worker was once made only under bubblewrap, so
    # where Gradescope grades, without it, nothing of that was bounded.
    solution = (ROOT / "solutions" / "distributions.py").read_text()
    results = _run(_gradescope_root(tmp_path, bundle, {"distributions.py": solution + GROUP_READER}),
                   DECODELAB_SANDBOX="none")
    said = [t["output"] for t in results["tests"] if t["name"].startswith("next_token_logits") and "groups:" in t["output"]]
    assert said, "expected next_token_logits's feedback to show its groups; outputs: " + " | ".join(
        t["output"][:200] for t in results["tests"][:2])
    assert "decodelab-worker-" in said[0], (
        f"without bubblewrap, the submission's process is in no worker's control group: {said[0][:400]}")


WRONG_SOFTMAX = """

def softmax_with_temperature(logits, temperature):
    return torch.softmax(logits * temperature, dim=-1)  # multiplies: a classic mistake
"""


# Prints and raises with what it was given: the hidden inputs, which the withheld details keep.
PROBING_LOGITS = """

def next_token_logits(model, input_ids):
    print("SEEN-PRINTED", input_ids.tolist())
    raise RuntimeError(f"SEEN-RAISED {input_ids.tolist()}")
"""


@pytest.mark.skipif(not _tiny_available(), reason="the tiny model is not built yet")
def test_details_kept_until_the_due_date_show_no_call_hint_expected_value_or_printed_input(tmp_path):
    # Red team 11 pasted the expected values of fixed hidden inputs back, upload after upload;
    # red team 19 printed the hidden inputs its code was given, and raised them in a message.
    bundle = tmp_path / "autograder.zip"
    assert main(["gradescope", "build", "--out", str(bundle), "--exercises", *EXERCISES,
                 "--details", "after_due_date"]) == 0
    solution = (ROOT / "solutions" / "distributions.py").read_text()
    results = _run(_gradescope_root(tmp_path, bundle, {"distributions.py": solution + WRONG_SOFTMAX + PROBING_LOGITS}))
    visible_text = "\n".join([results["output"]] + [t["output"] for t in results["tests"] if t.get("visibility") == "visible"])
    for probe in ("SEEN-PRINTED", "SEEN-RAISED"):
        assert probe not in visible_text, f"before the due date the learner sees {probe}: " + next(
            line for line in visible_text.splitlines() if probe in line)[:200]
        assert any(probe in t["output"] for t in results["tests"] if t.get("visibility") == "after_due_date"), (
            f"{probe} is not kept for after the due date either")
    raised = [t for t in results["tests"] if t["name"].startswith("next_token_logits") and t.get("visibility") == "visible"
              and t["status"] == "failed"]
    assert raised and all(t["output"].startswith("your code raised an exception") for t in raised), (
        "next_token_logits's failures should say only that its code raised: " + " | ".join(t["output"][:120] for t in raised))
    shown = [t for t in results["tests"] if t.get("visibility") == "visible"]
    later = {t["name"]: t for t in results["tests"] if t.get("visibility") == "after_due_date"}
    wrong = [t for t in shown if t["status"] == "failed" and "is not the expected one" in t["output"]]
    assert wrong, "expected failed softmax tests that say only that they failed; got: " + " | ".join(
        t["output"][:150] for t in shown if t["status"] == "failed")
    for test in wrong:
        details = later.get(f"{test['name']} (details)")
        assert details is not None, f"{test['name']}: no details entry for after the due date"
        assert details["max_score"] == details["score"] == 0, f"{details['name']} carries points: {details}"
        # Not even the call (for a True/False result, "not the expected one" gives the answer)
        # or the hint (some hints state the expected value).
        for line in details["output"].splitlines():
            assert line.strip() not in test["output"], (
                f"{test['name']}: before the due date it shows {line.strip()!r}, which it should keep until then")
        assert "hint:" in details["output"], f"{details['name']}: the hint is missing after the due date"
    assert results["max_score"] == 15 and results["score"] == sum(t["score"] for t in results["tests"]), (
        f"score {results['score']} / {results['max_score']} against the tests' {sum(t['score'] for t in results['tests'])}")
    assert 0 < results["score"] < 15, f"a wrong softmax scored {results['score']} / 15"


def test_unknown_details_visibility_is_refused_in_one_line(tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["gradescope", "build", "--out", str(tmp_path / "a.zip"), "--details", "never"])
    said = capsys.readouterr().err.strip()
    assert stopped.value.code == 2 and not (tmp_path / "a.zip").exists(), f"--details never: exit {stopped.value.code}"
    assert "after_due_date" in said and len(said.splitlines()) == 1, f"--details never said: {said}"


def test_out_as_a_folder_gets_autograder_zip_and_a_name_without_zip_is_refused(tmp_path, capsys, monkeypatch):
    # An instructor's walk-through (session 41): --out DIR/ crashed with IsADirectoryError and
    # left a 17 MB temporary file; --out bundle wrote a zip named 'bundle'.
    (tmp_path / "gs").mkdir()
    assert main(["gradescope", "build", "--out", str(tmp_path / "gs"), "--exercises", "temperature"]) == 0
    assert zipfile.is_zipfile(tmp_path / "gs" / "autograder.zip"), (
        f"gradescope build --out <a folder> wrote {sorted(p.name for p in (tmp_path / 'gs').iterdir())}, expected "
        "autograder.zip in it")
    code = main(["gradescope", "build", "--out", str(tmp_path / "bundle")])
    said = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and not (tmp_path / "bundle").exists() and "name a .zip file" in said[-1], (
        f"gradescope build --out bundle: exit {code}, said {said[-1:]}; expected exit 2 and one sentence")
    # A build that fails part-way (a full disk, say) leaves no half-written zip behind.
    import decodelab.commands.gradescope as gradescope

    def full_disk(*arguments):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(gradescope, "_add_tree", full_disk)
    with pytest.raises(OSError):
        gradescope.build_bundle(tmp_path / "gs" / "again.zip")
    left = sorted(path.name for path in (tmp_path / "gs").iterdir())
    assert left == ["autograder.zip"], f"a build that failed part-way left {left}, expected only the earlier zip"


@pytest.mark.skipif(not _tiny_available(), reason="the tiny model is not built yet")
def test_an_upload_with_deep_folders_is_graded_on_its_modules(bundle, tmp_path):
    # Whatever else an upload holds is not read: 600 nested folders once took the copy of the
    # whole upload past Python's recursion limit, a grader error and 0 for correct code.
    solution = (ROOT / "solutions" / "distributions.py").read_text()
    root = _gradescope_root(tmp_path, bundle, {"distributions.py": solution})
    deep = root / "submission" / "notes"
    deep.joinpath(*["d"] * 600).mkdir(parents=True)
    results = _run(root)
    assert not results["extra_data"].get("grader_error"), f"grader error: {results['extra_data']['grader_error']}"
    assert results["score"] == results["max_score"] == 15, f"score {results['score']} / {results.get('max_score')}"


def test_the_learners_time_and_memory_fit_the_container(monkeypatch):
    from decodelab.commands.gradescope import sized_limits

    monkeypatch.delenv("DECODELAB_SUBMISSION_SECONDS", raising=False)
    monkeypatch.delenv("DECODELAB_MEMORY_MB", raising=False)
    # Gradescope's default time-out (10 min) in a container of 1.5 GB: what grading leaves.
    assert sized_limits({}, 10, 1536) == {"submission_seconds": 420, "memory_mb": 336}, sized_limits({}, 10, 1536)
    # Its longest time-out, no memory limit found: the grader's own defaults.
    assert sized_limits({}, 40, None) == {"submission_seconds": 600.0}, sized_limits({}, 40, None)
    # Never below a minute, nor 256 MiB.
    assert sized_limits({}, 1, 768) == {"submission_seconds": 60.0, "memory_mb": 256}, sized_limits({}, 1, 768)
    # What the bundle's configuration or the environment sets is kept.
    assert sized_limits({"memory_mb": 900}, 10, 1536) == {"memory_mb": 900, "submission_seconds": 420}
    monkeypatch.setenv("DECODELAB_SUBMISSION_SECONDS", "30")
    assert "submission_seconds" not in sized_limits({}, 10, 1536), "the environment's time limit was overridden"


def test_a_timeout_outside_gradescopes_range_is_refused_in_one_line(tmp_path, capsys):
    code = main(["gradescope", "build", "--out", str(tmp_path / "a.zip"), "--timeout-minutes", "45"])
    err = capsys.readouterr().err
    assert code != 0 and "between 1 and 40 minutes" in err and "Traceback" not in err, (code, err)
    assert not (tmp_path / "a.zip").exists()


SLEEPY = '''

import time as _time

_softmax = softmax_with_temperature


def softmax_with_temperature(logits, temperature):
    _time.sleep(19)  # under the 20-s limit of one call, every call
    return _softmax(logits, temperature)
'''


@pytest.mark.skipif(not _tiny_available(), reason="the tiny model is not built yet")
def test_grading_past_the_time_out_still_writes_results_and_leaves_nothing_running(tmp_path):
    # A 1-minute time-out: run_autograder stops the grader 30 s in, before Gradescope would end
    # the container and leave the learner no results at all.
    from decodelab.commands.gradescope import build_bundle

    bundle = build_bundle(tmp_path / "short.zip", exercises=tuple(EXERCISES), timeout_minutes=1)
    solution = (ROOT / "solutions" / "distributions.py").read_text()
    root = _gradescope_root(tmp_path, bundle, {"distributions.py": solution + SLEEPY})
    results = _run(root)
    assert "time-out of 1 min" in results["output"] and results["score"] == 0, results
    deadline = time.monotonic() + 10  # killed processes may take a moment to end on a busy machine
    while _processes_in(root) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _processes_in(root), f"processes of the stopped grading are still running: {_processes_in(root)[:3]}"


def _processes_in(root: Path) -> list[str]:
    """Command lines of the processes working in ``root`` or naming it (the judge server runs in
    ``root/source``, the learner's worker binds files of it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            cwd = os.readlink(entry / "cwd")
        except OSError:
            continue
        if cwd.startswith(str(root)) or str(root) in command:
            found.append(command[:200])
    return found
