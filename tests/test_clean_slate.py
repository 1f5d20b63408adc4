"""Every submission starts clean: nothing one submission leaves behind reaches the next.

Issue 10's second attack class. One worker grades, in this order: a submission that leaves
traps (a note in every shared folder it can write, scratch folders made in advance for the
next process ids, the shared space filled), an honest copy of ``solutions/``, and a submission
that loses its marks when it sees anything an earlier one left. Both later ones must score
exactly what they score alone, and the grade run must leave no folder of its own in the
machine's temporary folder.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from grading.grader.driver import GradeOptions, grade_class
from grading.sandbox.plan import sandbox_plan
from grading.sandbox.file_access import SWITCH_ENV, confinement_works
from grading.sandbox.limits import Limits
from grading.sandbox.network import filter_works as network_filter_works
from tests.test_hostile import _copy_solutions, build_hostile

EXERCISES = ("temperature",)
PLAN = sandbox_plan()


@pytest.fixture(scope="module")
def private_tmp(tmp_path_factory: pytest.TempPathFactory):
    """A temporary folder of the grade runs' own (``$TMPDIR``, inherited by every process they
    start): what they leave in it is theirs, whatever else runs on the machine."""
    folder = tmp_path_factory.mktemp("tmpdir")
    saved_env, saved_module = os.environ.get("TMPDIR"), tempfile.tempdir
    os.environ["TMPDIR"], tempfile.tempdir = str(folder), str(folder)
    yield folder
    tempfile.tempdir = saved_module
    if saved_env is None:
        os.environ.pop("TMPDIR", None)
    else:
        os.environ["TMPDIR"] = saved_env


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, private_tmp: Path) -> dict:
    base = tmp_path_factory.mktemp("clean-slate")
    traps = build_hostile("leave_traps", base / "class" / "a_traps")
    honest = base / "class" / "b_honest"
    _copy_solutions(honest)
    reader = build_hostile("look_for_notes", base / "class" / "c_reader")
    options = GradeOptions(backend="tiny", exercises=EXERCISES,
                           limits=Limits(call_seconds=20, submission_seconds=120, memory_mb=1024, scratch_mb=256))
    alone = {folder.name: grade_class([folder], base / f"alone-{folder.name}", options, workers=1)
             for folder in (honest, reader)}
    together = grade_class([traps, honest, reader], base / "together", options, workers=1)
    return {"alone": alone, "together": together, "left": sorted(map(str, private_tmp.iterdir()))}


@pytest.mark.skipif(PLAN.kind != "bwrap", reason="without bubblewrap the submissions share the machine's /tmp")
@pytest.mark.parametrize("name", ["b_honest", "c_reader"])
def test_a_submission_after_one_that_leaves_traps_scores_as_alone(runs, name):
    alone = runs["alone"][name].results[name]
    together = runs["together"].results[name]
    assert alone["score"] == alone["max_score"] > 0, (
        f"{name} graded alone scored {alone['score']}/{alone['max_score']}, expected full marks (it is a correct copy)")
    scores = {t["name"]: t["score"] for t in together["tests"]}
    expected = {t["name"]: t["score"] for t in alone["tests"]}
    assert scores == expected, (
        f"{name} graded after a_traps on the same worker scored {together['score']}/{together['max_score']}, alone "
        f"{alone['score']}; differing tests: "
        + str({k: (expected.get(k), scores.get(k)) for k in set(scores) | set(expected) if scores.get(k) != expected.get(k)})
        + f"; first feedback: {[t['output'][:300] for t in together['tests'] if t['score'] < t['max_score']][:2]}")


def test_the_grader_leaves_no_temporary_folder_behind(runs):
    assert not runs["left"], f"three grade_class runs left these behind in their $TMPDIR: {runs['left']}; expected nothing"


def test_what_a_submission_prints_reaches_its_feedback(runs):
    text = runs["together"].results["c_reader"]["output"]
    assert "look_for_notes: softmax_with_temperature was called" in text, (
        "c_reader prints a line in softmax_with_temperature; its results.json output does not show it "
        f"(sandbox: {runs['together'].sandbox}); the output ends:\n{text[-1500:]}")


@pytest.fixture(params=["confined", "unconfined"])
def files(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test without a sandbox runs twice: with the submission's files confined by Landlock
    (where the kernel has it: grading/sandbox/file_access.py), and with Landlock turned off, as on
    a kernel without it, where the walls below it (the learner's user id, folder modes, the
    clean-up) must hold alone."""
    monkeypatch.delenv(SWITCH_ENV, raising=False)
    if request.param == "confined":
        if not confinement_works()[0]:
            pytest.skip(f"no Landlock here: {confinement_works()[1]}")
    else:
        monkeypatch.setenv(SWITCH_ENV, "0")
    return request.param


# Without a sandbox or Landlock the learner's user id is the only wall: a note left in any folder
# that anyone may write to is the next submission's to read, unless the worker removes it.
LEAVE_NOTES = '''

def softmax_with_temperature(logits, temperature):
    import os
    for folder in FOLDERS:
        try:
            with open(os.path.join(folder, "decodelab-note-TOKEN"), "w") as note:
                note.write("from the submission before you")
            os.chmod(os.path.join(folder, "decodelab-note-TOKEN"), 0o644)
        except OSError:
            pass
    return torch.softmax(logits / temperature, dim=-1)
'''
READ_NOTES = '''

def softmax_with_temperature(logits, temperature):
    import os
    found = [folder for folder in FOLDERS if os.path.exists(os.path.join(folder, "decodelab-note-TOKEN"))]
    raise RuntimeError(f"notes found in: {found}")
'''


@pytest.mark.skipif(os.geteuid() != 0, reason="only root switches the learner's code to a user id of its own")
def test_without_a_sandbox_no_note_in_a_world_writable_folder_reaches_the_next_submission(tmp_path, monkeypatch, files):
    # The machine's temporary folder, not this module's private one (its owner's alone), which
    # the learner's user id could not enter without a sandbox.
    monkeypatch.setenv("TMPDIR", "/tmp")
    monkeypatch.setattr(tempfile, "tempdir", None)

    token = os.urandom(6).hex()
    # A folder below /tmp that anyone may write to, as /tmp/.X11-unix is: a fourteenth red team
    # left its note in one such, where only the top of /tmp was cleaned.
    open_below = Path("/tmp") / f"decodelab-open-{token}" / "drop"
    open_below.mkdir(parents=True)
    open_below.chmod(0o1777)
    try:
        _notes_between_two_submissions(tmp_path, token, open_below)
    finally:
        shutil.rmtree(open_below.parent, ignore_errors=True)


def _notes_between_two_submissions(tmp_path: Path, token: str, open_below: Path) -> None:
    from grading.sandbox.learner_side import world_writable_folders

    folders = [str(folder) for folder in world_writable_folders()]
    assert str(open_below) in folders, f"world_writable_folders() missed {open_below}: {folders}"
    writer, reader = tmp_path / "class" / "a_writer", tmp_path / "class" / "b_reader"
    for folder, code in ((writer, LEAVE_NOTES), (reader, READ_NOTES)):
        _copy_solutions(folder)
        module = folder / "distributions.py"
        module.write_text(module.read_text() + code.replace("FOLDERS", repr(folders)).replace("TOKEN", token))
    options = GradeOptions(backend="tiny", sandbox="none", exercises=EXERCISES,
                           limits=Limits(call_seconds=20, submission_seconds=120, memory_mb=1024))
    outcome = grade_class([writer, reader], tmp_path / "out", options, workers=1)
    left = [path for folder in folders for path in Path(folder).glob(f"decodelab-note-{token}")]
    for path in left:
        path.unlink()
    said = [t["output"] for t in outcome.results["b_reader"]["tests"] if "notes found in:" in t["output"]]
    assert said, f"b_reader's feedback does not say what it found: {outcome.results['b_reader']['output'][-500:]}"
    assert "notes found in: []" in said[0], f"a submission read the one before's notes: {said[0][:300]}"
    assert not left, f"notes left behind after grading: {left}"


# Without a sandbox a submission writes to the machine's own disk, each file within the output
# limit but as many as it likes: filled, the disk fails the grader's own writes and every
# submission graded beside it (grading/sandbox/disk.py).
DISK_FLOOD = '''

def softmax_with_temperature(logits, temperature):
    import os, signal, time

    def flood(first, count):
        for number in range(first, first + count):  # files of 1 MiB: each within the output limit
            with open(os.path.join(os.environ["TMPDIR"], f"flood-{number}"), "wb") as handle:
                FILL

    if HOW in ("writes", "preallocates"):
        flood(0, 512)
    else:  # 16 children of 32 MiB each, never waited for: 512 MiB in all
        if HOW == "autoreaps":  # the kernel reaps them, and their counts go to no process
            try:
                signal.signal(signal.SIGCHLD, signal.SIG_IGN)
            except OSError:
                pass
        for child in range(16):
            if os.fork() == 0:
                flood(32 * child, 32)
                os._exit(0)
    time.sleep(2)  # the worker looks four times a second
    return torch.softmax(logits / temperature, dim=-1)
'''
FILLS = {"writes": "handle.write(bytes(2**20))",
         # Blocks taken without a byte written: counted only because fallocate is refused and
         # posix_fallocate then writes its zeros itself.
         "preallocates": "os.posix_fallocate(handle.fileno(), 0, 2**20)",
         # A fourteenth red team's: children that end at once. An ended child's count reaches its
         # parent only when reaped; one the kernel reaps itself counts nowhere, so setting
         # SIGCHLD's action is refused (it wrote 1,000 MiB under a limit of 64).
         "leaves_zombies": "handle.write(bytes(2**20))",
         "autoreaps": "handle.write(bytes(2**20))"}


DISK_OPTIONS = GradeOptions(backend="tiny", sandbox="none", exercises=EXERCISES,
                            limits=Limits(call_seconds=30, submission_seconds=120, memory_mb=1024, disk_mb=64))


@pytest.fixture(scope="module")
def honest_alone_without_sandbox(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """results.json of a copy of solutions/ graded alone under :data:`DISK_OPTIONS`, once."""
    with pytest.MonkeyPatch.context() as patch:  # the machine's /tmp (see above): the learner's uid may enter it
        patch.setenv("TMPDIR", "/tmp")
        patch.setattr(tempfile, "tempdir", None)
        base = tmp_path_factory.mktemp("honest-alone")
        _copy_solutions(base / "class" / "b_honest")
        return grade_class([base / "class" / "b_honest"], base / "out", DISK_OPTIONS, workers=1).results["b_honest"]


def _flood_then_honest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: str, options: GradeOptions,
                       what: str, limit_said: str) -> dict[str, dict]:
    """Grade, without a sandbox on one worker, a copy of solutions/ with ``code`` appended
    (``a_flood``) and then an honest copy; check the first scored 0 with ``limit_said`` in its
    feedback. Returns the results by submission."""
    # The machine's temporary folder (see above): the learner's user id may enter it.
    monkeypatch.setenv("TMPDIR", "/tmp")
    monkeypatch.setattr(tempfile, "tempdir", None)
    flood, honest = tmp_path / "class" / "a_flood", tmp_path / "class" / "b_honest"
    _copy_solutions(honest)
    _copy_solutions(flood)
    module = flood / "distributions.py"
    module.write_text(module.read_text() + code)
    together = grade_class([flood, honest], tmp_path / "together", options, workers=1).results
    failed = [t["output"] for t in together["a_flood"]["tests"] if t["score"] < t["max_score"]]
    assert together["a_flood"]["score"] == 0 and failed, (
        f"a submission that {what} scored {together['a_flood']['score']}/{together['a_flood']['max_score']}; "
        "expected 0, stopped at the limit")
    assert limit_said in failed[0], f"its feedback does not name the limit ({limit_said!r}): {failed[0][:400]}"
    return together


@pytest.mark.parametrize("how", sorted(FILLS))
def test_without_a_sandbox_a_submission_that_floods_the_disk_is_stopped_at_the_disk_limit(
        tmp_path, monkeypatch, honest_alone_without_sandbox, how):
    if how in ("preallocates", "autoreaps") and not network_filter_works()[0]:
        pytest.skip("no seccomp filter loads here, and so neither fallocate nor SIGCHLD's action is refused")
    code = DISK_FLOOD.replace("FILL", FILLS[how]).replace("HOW", repr(how))
    together = _flood_then_honest(tmp_path, monkeypatch, code, DISK_OPTIONS, f"{how} 512 MiB of files under a disk "
                                  "limit of 64 MiB", "wrote more than 64 MiB to files (the disk limit)")
    alone = honest_alone_without_sandbox
    scores = {t["name"]: t["score"] for t in together["b_honest"]["tests"]}
    expected = {t["name"]: t["score"] for t in alone["tests"]}
    assert scores == expected and alone["score"] == alone["max_score"] > 0, (
        f"the honest copy graded after the flood scored {together['b_honest']['score']}, alone {alone['score']} "
        f"of {alone['max_score']}; differing tests: "
        + str({k: (expected.get(k), scores.get(k)) for k in set(scores) | set(expected) if scores.get(k) != expected.get(k)}))



# Empty files cost no bytes, so neither the disk limit nor the output limit sees them; on a disk
# each takes one of its file system's fixed number of inodes (a red team's 200,000 of them ran
# the call out of time and kept a point). The worker counts what the submission's folders hold.
FILE_FLOOD = '''

def softmax_with_temperature(logits, temperature):
    import os, time

    where = os.environ["TMPDIR"]
    if HOW != "flat":
        for depth in range(3):
            where = os.path.join(where, f"d{depth}")
            os.makedirs(where, exist_ok=True)
    for number in range(2_000):
        os.close(os.open(os.path.join(where, f"empty-{number}"), os.O_CREAT | os.O_WRONLY, 0o600))
    if HOW == "unlistable":  # files kept on, in a folder its lister may no longer read
        os.chmod(where, 0o300)
    time.sleep(2)  # the worker looks four times a second
    return torch.softmax(logits / temperature, dim=-1)
'''
FILE_OPTIONS = GradeOptions(backend="tiny", sandbox="none", exercises=EXERCISES,
                            limits=Limits(call_seconds=30, submission_seconds=120, memory_mb=1024, disk_mb=64,
                                          files=500))


@pytest.mark.parametrize("how", ["flat", "nested", "unlistable"])
def test_without_a_sandbox_a_submission_that_makes_empty_files_is_stopped_at_the_file_limit(
        tmp_path, monkeypatch, honest_alone_without_sandbox, how):
    together = _flood_then_honest(tmp_path, monkeypatch, FILE_FLOOD.replace("HOW", repr(how)), FILE_OPTIONS,
                                  f"makes 2,000 empty files ({how}) under a file limit of 500",
                                  "made more than 500 files (the file limit")
    alone = honest_alone_without_sandbox
    assert together["b_honest"]["score"] == alone["score"] == alone["max_score"] > 0, (
        f"the honest copy graded after the flood scored {together['b_honest']['score']}, alone {alone['score']} "
        f"of {alone['max_score']}")


def test_files_below_counts_every_entry_until_past_its_limit(tmp_path):
    from grading.sandbox.learner_side import files_below

    (tmp_path / "a" / "b").mkdir(parents=True)
    for number in range(5):
        (tmp_path / "a" / "b" / f"f{number}").touch()
    (tmp_path / "link").symlink_to("/usr")  # an entry, not followed
    assert files_below(tmp_path, 100) == 8, f"files_below(<2 folders, 5 files, 1 link>, 100) = {files_below(tmp_path, 100)}"
    assert files_below(tmp_path, 3) == 4, f"files_below(<8 entries>, 3) = {files_below(tmp_path, 3)}, expected 4"
    assert files_below(tmp_path / "missing", 3) == 0, "a folder already removed holds no file"


@pytest.mark.skipif(os.geteuid() != 0, reason="becoming an unprivileged user needs root")
def test_files_below_says_when_it_cannot_list_a_folder():
    # Root lists every folder; a worker that is not root cannot list one its submission made
    # unreadable, and must then say so rather than count nothing there.
    import json

    from grading.sandbox.learner_side import files_below

    folder = Path(tempfile.mkdtemp(prefix="decodelab-unlistable-", dir="/var/tmp"))
    folder.chmod(0o777)
    try:
        (folder / "hidden").mkdir()
        for number in range(3):
            (folder / "hidden" / f"f{number}").touch()
        (folder / "hidden").chmod(0o300)
        shutil.chown(folder / "hidden", 65534, 65534)
        child = os.fork()
        if child == 0:
            try:
                os.setgroups([])
                os.setgid(65533)
                os.setuid(65533)  # another user: no capability, no owner's rights
                (folder / "seen.json").write_text(json.dumps(files_below(folder, 100)))
            finally:
                os._exit(0)
        os.waitpid(child, 0)
        seen = json.loads((folder / "seen.json").read_text()) if (folder / "seen.json").exists() else "nothing"
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert seen is None, f"files_below(<a folder with an unlistable one>, 100) = {seen!r}, expected None"

PEEK_NEXT_DOOR = '''

def softmax_with_temperature(logits, temperature):
    import glob, os, time
    mine = os.path.dirname(os.environ["TMPDIR"])
    seen, deadline = {}, time.time() + 4
    while time.time() < deadline:
        for root in glob.glob(os.path.join(os.path.dirname(mine), "decodelab-scratch-*")):
            if root != mine and os.stat(root).st_mtime > time.time() - 600:  # this run's, not a stale one
                try:
                    seen[root] = sorted(os.listdir(root))
                except OSError as error:
                    seen[root] = type(error).__name__
        if any(isinstance(found, list) and found for found in seen.values()):
            break
        time.sleep(0.2)
    raise RuntimeError(f"next door: {sorted(seen.values(), key=str)}")
'''


@pytest.mark.skipif(os.geteuid() != 0, reason="only root switches the learner's code to a user id of its own")
def test_without_a_sandbox_a_learner_cannot_look_into_the_other_workers_scratch(tmp_path, monkeypatch, files):
    # A fourteenth red team's learner listed the other worker's scratch root (open to all),
    # imported its classmate's distributions.py from there, and left notes in it.
    monkeypatch.setenv("TMPDIR", "/tmp")
    monkeypatch.setattr(tempfile, "tempdir", None)
    peeker, honest = tmp_path / "class" / "a_peeker", tmp_path / "class" / "b_honest"
    _copy_solutions(peeker)
    _copy_solutions(honest)
    module = peeker / "distributions.py"
    module.write_text(module.read_text() + PEEK_NEXT_DOOR)
    options = GradeOptions(backend="tiny", sandbox="none", exercises=EXERCISES,
                           limits=Limits(call_seconds=20, submission_seconds=120, memory_mb=1024))
    results = grade_class([peeker, honest], tmp_path / "out", options, workers=2).results
    said = [t["output"] for t in results["a_peeker"]["tests"] if "next door:" in t["output"]]
    assert said, f"a_peeker's feedback does not say what it saw: {results['a_peeker']['output'][-500:]}"
    seen = said[0].split("next door:", 1)[1].split("\n", 1)[0].strip()
    assert "[" not in seen[1:-1], (
        f"a learner on one worker listed the other worker's scratch root: {seen[:300]}")
    if files == "unconfined":  # then the root's mode is the wall, and the learner met it
        assert "PermissionError" in seen, f"the peeker found no other worker's scratch root to try: {seen[:300]}"
    assert results["b_honest"]["score"] == results["b_honest"]["max_score"] > 0, (
        f"the honest copy beside it scored {results['b_honest']['score']}/{results['b_honest']['max_score']}")


@pytest.mark.skipif(os.geteuid() != 0, reason="only root switches the learner's code to a user id of its own")
def test_without_a_sandbox_a_private_temporary_folder_does_not_stop_grading(tmp_path):
    # A root whose $TMPDIR only root may enter: the workers' scratch roots were made there, the
    # learner's user id could not reach them, and every submission "failed" as the grader's fault.
    from tests.test_file_access import _grade

    private = tmp_path / "private-tmp"
    private.mkdir(mode=0o700)
    _copy_solutions(tmp_path / "honest")
    results = _grade(tmp_path, ["honest"], workers=1, tmpdir=str(private))["honest"]
    assert results["score"] == results["max_score"] > 0, (
        f"a copy of solutions/ graded with a private $TMPDIR scored {results['score']}/{results['max_score']}: "
        f"{results['output'][:300]}")
    assert not list(private.iterdir()), f"left in the private $TMPDIR: {sorted(p.name for p in private.iterdir())}"


@pytest.mark.skipif(os.geteuid() != 0, reason="becoming an unprivileged user needs root")
@pytest.mark.skipif(not confinement_works()[0] or not network_filter_works()[0],
                    reason="needs Landlock and a seccomp filter")
@pytest.mark.parametrize("watchable", [False, True])
def test_a_worker_that_is_not_root_reads_its_submissions_write_counts(watchable):
    # A grader that is not root, without bubblewrap: its worker and the submission's processes
    # share a user, and the worker makes itself undumpable (so learner code cannot read its
    # memory). Forked from it, a submission's process was undumpable too, and the worker, with no
    # CAP_SYS_PTRACE, could read none of its counts: the disk limit held nowhere (watchable=False
    # shows it). Made dumpable again once confined, it is counted, and cannot undo that.
    import ctypes
    import json
    import time

    from grading.sandbox.disk import refuse_uncounted_writes, written_bytes
    from grading.sandbox.file_access import confine

    libc = ctypes.CDLL(None, use_errno=True)
    folder = Path(tempfile.mkdtemp(prefix="decodelab-watchable-", dir="/var/tmp"))
    folder.chmod(0o777)
    try:
        worker = os.fork()
        if worker == 0:
            try:
                os.setgroups([])
                os.setgid(65534)
                os.setuid(65534)  # every capability goes with root's uid
                libc.prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0, as the worker does
                child = os.fork()
                if child == 0:
                    try:
                        confine(folder, ["/"])
                        refuse_uncounted_writes(watchable=watchable)
                        (folder / "data").write_bytes(bytes(2**20))
                        refused = libc.prctl(4, 0, 0, 0, 0) != 0
                        (folder / "child.json").write_text(json.dumps({"refused": refused}))
                        time.sleep(3)
                    finally:
                        os._exit(0)
                deadline = time.monotonic() + 10
                while not (folder / "child.json").exists() and time.monotonic() < deadline:
                    time.sleep(0.05)
                (folder / "worker.json").write_text(json.dumps({"counted": written_bytes(child)}))
                os.waitpid(child, 0)
            finally:
                os._exit(0)
        os.waitpid(worker, 0)
        counted = json.loads((folder / "worker.json").read_text())["counted"]
        refused = json.loads((folder / "child.json").read_text())["refused"]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if not watchable:
        assert counted == 0, f"the unprivileged worker read {counted} bytes written by an undumpable child (the premise)"
        return
    assert counted >= 2**20, (
        f"an unprivileged worker read {counted} bytes written by its submission's process, which wrote 1 MiB: "
        "its disk limit cannot hold")
    assert refused, "the submission's process could make itself undumpable again, hiding its counts"
