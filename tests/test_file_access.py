"""A submission's process opens only the files it is meant to, with bubblewrap or without it.

``grading/sandbox/file_access.py`` confines each submission's process with Landlock: reads
beneath the places the worker names, writes beneath its own folder, signals and abstract local
sockets within its own tree. Without bubblewrap (most Docker images, Gradescope) that is what
keeps a learner's code from a checkout's ``solutions/``, from the machine's ``/tmp`` (where a
classmate graded at the same time looks) and from the grader's results.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from grading.sandbox import file_access, grader_side
from grading.sandbox import plan as plan_module
from grading.sandbox.file_access import abi_version, confinement_works
from grading.sandbox.grader_side import SANDBOX_FILES, learner_reads
from grading.sandbox.network import filter_works as network_filter_works
from tests.test_hostile import _copy_solutions, build_hostile

ROOT = Path(__file__).resolve().parent.parent
WORKS, WHY_NOT = confinement_works()
needs_landlock = pytest.mark.skipif(not WORKS, reason=f"no Landlock here: {WHY_NOT}")

# Run in a process of its own: confinement cannot be undone. It reports what it could do.
TRY_EVERYTHING = r"""
import json, os, signal, socket, subprocess, sys
from pathlib import Path
from grading.sandbox.file_access import confine

folder, readable, outside = Path(sys.argv[1]), json.loads(sys.argv[2]), Path(sys.argv[3])
if len(sys.argv) > 4:  # as on an older kernel: a ruleset of that ABI
    from grading.sandbox import file_access
    file_access.abi_version = lambda: int(sys.argv[4])
listener = socket.socket(socket.AF_UNIX)
listener.bind("\0decodelab-landlock-" + folder.name)   # made before: outside the confined tree
listener.listen(1)
abi = confine(folder, readable)

def attempt(action):
    try:
        action()
        return "done"
    except OSError as error:
        return type(error).__name__

def connect():
    client = socket.socket(socket.AF_UNIX)
    client.connect("\0decodelab-landlock-" + folder.name)

report = {
    "abi": abi,
    "write in its folder": attempt(lambda: (folder / "mine" / "note").parent.mkdir() or (folder / "mine" / "note").write_text("x")),
    "write beside its folder": attempt(lambda: (outside / "note").write_text("x")),
    "remove a file outside": attempt(lambda: (outside / "kept").unlink()),
    "truncate a file outside": attempt(lambda: os.truncate(outside / "kept", 0)),
    "read a file outside": attempt(lambda: (outside / "kept").read_text()),
    "list a folder outside": attempt(lambda: os.listdir(outside)),
    "read beneath a readable place": attempt(lambda: open(sys.executable, "rb").close()),
    "write /dev/null": attempt(lambda: open("/dev/null", "w").write("x")),
    "read /dev/urandom": attempt(lambda: open("/dev/urandom", "rb").read(4)),
    "a child reads outside": subprocess.run(
        [sys.executable, "-c", "import sys\ntry:\n    open(sys.argv[1]).read()\n    print('done')\n"
                               "except OSError as error:\n    print(type(error).__name__)", str(outside / "kept")],
        capture_output=True, text=True).stdout.strip(),
    "read its own /proc": attempt(lambda: open("/proc/self/status").read()),
    "read another process's command line": attempt(lambda: open(f"/proc/{os.getppid()}/cmdline").read()),
    "signal its parent": attempt(lambda: os.kill(os.getppid(), 0)),
    "signal itself": attempt(lambda: os.kill(os.getpid(), 0)),
    "connect to a socket made outside": attempt(connect),
}
print(json.dumps(report))
"""


def _confined_report(tmp_path: Path, readable: list[str], abi: int | None = None) -> dict:
    folder, outside = tmp_path / "scratch", tmp_path / "outside"
    folder.mkdir()
    outside.mkdir()
    (outside / "kept").write_text("the grader's")
    older = [str(abi)] if abi is not None else []
    done = subprocess.run([sys.executable, "-c", TRY_EVERYTHING, str(folder), json.dumps(readable), str(outside), *older],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, f"the confined process failed:\n{done.stderr[-2000:]}"
    report = json.loads(done.stdout.strip().splitlines()[-1])
    if abi is None or abi >= 3:  # before ABI 3 Landlock cannot refuse truncate(2), and it was tried
        assert (outside / "kept").read_text() == "the grader's", "a confined process changed a file outside its folder"
    return report


PYTHON = sorted({sys.prefix, sys.base_prefix, os.path.dirname(os.path.dirname(os.path.realpath(sys.executable)))})


@needs_landlock
@pytest.mark.parametrize("abi", [None, 1, 3])
def test_a_confined_process_writes_only_in_its_folder_and_reads_only_where_it_is_told(tmp_path, abi):
    # None: this kernel's ABI; 1 and 3: a ruleset as an older kernel takes it (Ubuntu 22.04's
    # Linux 5.15 has ABI 1, which cannot refuse truncate; a right it does not know is an error)
    if abi is not None and abi > abi_version():
        pytest.skip(f"this kernel's Landlock is ABI {abi_version()}")
    report = _confined_report(tmp_path, ["/usr", "/lib", "/lib64", "/etc", "/proc/meminfo", *PYTHON, str(ROOT)], abi)
    # ROOT is readable here (the probe imports from it), tmp_path is not: it lies outside ROOT
    expected = {
        "write in its folder": "done", "write beside its folder": "PermissionError",
        "remove a file outside": "PermissionError", "truncate a file outside": "PermissionError",
        "read a file outside": "PermissionError", "list a folder outside": "PermissionError",
        "read beneath a readable place": "done", "write /dev/null": "done", "read /dev/urandom": "done",
        "signal itself": "done", "a child reads outside": "PermissionError",
        "read its own /proc": "done", "read another process's command line": "PermissionError",
    }
    if abi is not None and abi < 3:
        del expected["truncate a file outside"]
    got = {key: report[key] for key in expected}
    assert got == expected, "confine(folder, readable) allowed or refused the wrong things: " + str(
        {key: f"expected {expected[key]}, got {got[key]}" for key in expected if got[key] != expected[key]})


@needs_landlock
@pytest.mark.skipif(abi_version() < 6, reason=f"Landlock ABI {abi_version()}: scoping needs ABI 6 (Linux 6.12)")
def test_a_confined_process_can_neither_signal_nor_reach_a_socket_outside_its_tree(tmp_path):
    report = _confined_report(tmp_path, ["/usr", "/lib", "/lib64", "/etc", *PYTHON, str(ROOT)])
    assert report["signal its parent"] == "PermissionError", (
        f"os.kill(parent, 0) from a confined process: {report['signal its parent']}; expected PermissionError "
        "(without it, where learner code runs as the grader's user it can stop or kill its worker)")
    assert report["connect to a socket made outside"] == "PermissionError", (
        f"connecting to an abstract socket made before confinement: {report['connect to a socket made outside']}; "
        "expected PermissionError (without it two submissions graded at once can talk)")


def test_the_places_a_learner_reads_hold_no_solution_hidden_test_or_reference():
    places = [Path(place) for place in learner_reads(["tiny"])]
    secret = [ROOT / "solutions", ROOT / "grading" / "hidden", ROOT / "reference" / "distributions.py",
              ROOT / "tests", ROOT]
    opened = [str(place) for place in places for folder in secret
              if place == folder or (folder != ROOT and folder in place.parents)]
    assert not opened, f"learner_reads(['tiny']) lets a submission read {opened}"
    assert not any(place == ROOT or place in ROOT.parents for place in places), (
        f"learner_reads(['tiny']) names the project's folder or one above it: {[str(p) for p in places]}")
    missing = [relative for relative in SANDBOX_FILES if ROOT / relative not in places]
    assert not missing, f"files the learner's side imports are not readable: {missing}"


@pytest.mark.parametrize("where", ["a virtual environment", "a system folder"])
def test_an_installed_project_is_left_out_of_site_packages(tmp_path, monkeypatch, where):
    # Installed, not editable, the project's packages sit in site-packages beside numpy: that
    # folder is then named entry by entry, without them (and with the sandbox's files only),
    # whether it lies in a virtual environment or below /usr, which is readable as a whole.
    site = tmp_path / "usr" / "lib" / "site-packages"
    for entry in ("numpy", "grading/sandbox", "grading/hidden", "solutions", "reference"):
        (site / entry).mkdir(parents=True)
    (site / "six.py").write_text("")
    for relative in SANDBOX_FILES:
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_text("")
    (site / "reference" / "distributions.py").write_text("")
    if where == "a virtual environment":
        monkeypatch.setattr(grader_side, "_python_roots", lambda: [site])
    else:
        monkeypatch.setattr(grader_side, "_python_roots", lambda: [])
        monkeypatch.setattr(grader_side, "SYSTEM_FOLDERS", (str(tmp_path / "usr"),))
    monkeypatch.setattr(grader_side, "_package_roots",
                        lambda: {name: site / name for name in ("grading", "reference", "solutions")})
    places = {Path(place) for place in learner_reads([])}
    assert {site / "numpy", site / "six.py"} <= places, f"site-packages' other entries are missing: {sorted(places)}"
    leaked = [str(place) for place in places if _under_or(site, place) or any(
        place == site / name or (site / name) in place.parents for name in ("solutions", "grading/hidden"))]
    leaked += [str(place) for place in places if place in (site / "grading", site / "reference",
                                                          site / "reference" / "distributions.py")]
    assert not leaked, f"an installed project's secrets are readable: {leaked}"
    assert {site / relative for relative in SANDBOX_FILES} <= places, "the sandbox's own files are not readable"


def _under_or(folder: Path, place: Path) -> bool:
    """``place`` opens all of ``folder``: it is the folder or one above it."""
    return place == folder or place in folder.parents


# Two submissions graded at the same time on two workers, without bubblewrap: the writer offers
# a note in the machine's /tmp, on an abstract local socket, in a System V segment and in a
# child's command line (the last two a fifteenth red team's: 10/10 against 0/10 alone); the
# reader scores only if it receives one (a classmate's answers, in a real class).
OFFER = '''

def softmax_with_temperature(logits, temperature):
    import ctypes, os, socket, subprocess, threading, time
    libc = ctypes.CDLL(None, use_errno=True)
    libc.shmat.restype = ctypes.c_void_p
    segment = libc.shmget(KEY, ctypes.c_size_t(4096), 0o1000 | 0o666)
    if segment >= 0:
        ctypes.memmove(libc.shmat(segment, None, 0), b"answers", 7)
    else:
        print("segment refused:", os.strerror(ctypes.get_errno()))
    child = subprocess.Popen(["/bin/sh", "-c", "sleep 9; true", "decodelab-concurrent-TOKEN", "answers"])
    try:
        with open("/tmp/decodelab-concurrent-TOKEN", "w") as note:
            note.write("answers")
        os.chmod("/tmp/decodelab-concurrent-TOKEN", 0o644)
    except OSError as error:
        print("note refused:", error)
    try:
        listener = socket.socket(socket.AF_UNIX)
        listener.bind("\\0decodelab-concurrent-TOKEN")
        listener.listen(4)

        def answer():
            while True:
                client, _ = listener.accept()
                client.sendall(b"answers")
                client.close()

        threading.Thread(target=answer, daemon=True).start()
    except OSError as error:
        print("socket refused:", error)
    time.sleep(8)  # while the classmate is graded
    child.kill()
    child.wait()
    if segment >= 0:
        libc.shmctl(segment, 0, None)  # IPC_RMID
    return torch.softmax(logits / temperature, dim=-1)
'''
TAKE = '''

def softmax_with_temperature(logits, temperature):
    import ctypes, glob, socket, time
    libc = ctypes.CDLL(None, use_errno=True)
    libc.shmat.restype = ctypes.c_void_p
    deadline = time.time() + 8
    while time.time() < deadline:
        segment = libc.shmget(KEY, ctypes.c_size_t(4096), 0)
        if segment >= 0 and ctypes.string_at(libc.shmat(segment, None, 0), 7) == b"answers":
            print("through a System V segment")
            return torch.softmax(logits / temperature, dim=-1)
        for path in glob.glob("/proc/[0-9]*/cmdline"):
            try:
                with open(path, "rb") as line:
                    if b"decodelab-concurrent-TOKEN\\0answers" in line.read():
                        print("through a command line")
                        return torch.softmax(logits / temperature, dim=-1)
            except OSError:
                pass
        try:
            with open("/tmp/decodelab-concurrent-TOKEN") as note:
                if note.read() == "answers":
                    print("through a note in /tmp")
                    return torch.softmax(logits / temperature, dim=-1)
        except OSError:
            pass
        try:
            client = socket.socket(socket.AF_UNIX)
            client.connect("\\0decodelab-concurrent-TOKEN")
            if client.recv(16) == b"answers":
                print("through an abstract socket")
                return torch.softmax(logits / temperature, dim=-1)
        except OSError:
            pass
        time.sleep(0.2)
    return torch.zeros_like(logits)
'''


def _grade(base: Path, names: list[str], workers: int, tmpdir: str = "/tmp", sandbox: str = "none",
           environment: dict[str, str] | None = None) -> dict[str, dict]:
    """``decodelab grade`` (by default without bubblewrap), as a user runs it; results.json by
    submission. ``tmpdir``: its ``$TMPDIR`` (by default one the learner's user id may enter);
    ``environment``: variables the grader has besides this process's."""
    environment = dict(os.environ, TMPDIR=tmpdir, **(environment or {}))
    command = [sys.executable, "-m", "decodelab.cli", "grade", *names, "--out", "out", "--sandbox", sandbox,
               "--workers", str(workers), "--backend", "tiny", "--exercises", "temperature"]
    done = subprocess.run(command, cwd=base, capture_output=True, text=True, timeout=900, env=environment)
    assert done.returncode == 0, f"decodelab grade exited {done.returncode}:\n{done.stderr[-2000:]}"
    return {name: json.loads((base / "out" / name / "results.json").read_text()) for name in names}


@needs_landlock
def test_without_bubblewrap_a_submission_reads_no_solution_and_writes_nothing_outside(tmp_path):
    marker = Path("/tmp/decodelab-hostile-was-here")
    marker.unlink(missing_ok=True)
    _copy_solutions(tmp_path / "honest")
    build_hostile("read_solutions", tmp_path / "read_solutions")
    build_hostile("write_outside", tmp_path / "write_outside")
    try:
        results = _grade(tmp_path, ["honest", "read_solutions", "write_outside"], workers=1)
        written = marker.exists()
    finally:
        marker.unlink(missing_ok=True)
    honest = results["honest"]
    assert honest["score"] == honest["max_score"] > 0, f"the honest copy scored {honest['score']}/{honest['max_score']}"
    assert "files confined by Landlock" in honest["extra_data"]["sandbox"], honest["extra_data"]["sandbox"]
    assert results["read_solutions"]["score"] == 0, (
        f"a submission that copies the solutions it finds on the machine scored {results['read_solutions']['score']}; "
        "expected 0 (it may read only the Python installation, the model and the system's libraries)")
    assert results["write_outside"]["score"] == results["write_outside"]["max_score"], (
        "write_outside returns the right answer and should keep every point")
    assert not written, f"a submission wrote {marker} outside its scratch folder"


@needs_landlock
@pytest.mark.skipif(os.geteuid() != 0, reason="only root switches the learner's code to a user id of its own")
def test_without_bubblewrap_two_submissions_graded_at_once_pass_no_note(tmp_path):
    token = os.urandom(6).hex()
    key = int(token[:7], 16)  # the System V key both know
    for name, code in (("a_offer", OFFER), ("b_take", TAKE)):
        _copy_solutions(tmp_path / name)
        module = tmp_path / name / "distributions.py"
        module.write_text(module.read_text() + code.replace("TOKEN", token).replace("KEY", str(key)))
    note = Path(f"/tmp/decodelab-concurrent-{token}")
    try:
        results = _grade(tmp_path, ["a_offer", "b_take"], workers=2)
        written = note.exists()
    finally:
        note.unlink(missing_ok=True)
    texts = [results["b_take"]["output"], *(test["output"] for test in results["b_take"]["tests"])]
    channels = sorted({line.strip() for text in texts for line in text.splitlines() if line.strip().startswith("through ")})
    assert results["b_take"]["score"] == 0, (
        f"a submission that scores only with a note from the one graded beside it scored "
        f"{results['b_take']['score']}/{results['b_take']['max_score']}; expected 0 (no note can pass). "
        f"It said it got one {channels}")
    assert not written, f"a submission left {note} in the machine's /tmp"


def test_a_probe_that_cannot_confine_says_why(monkeypatch):
    # Where the kernel has no Landlock the description must say files were not confined.
    monkeypatch.setattr(plan_module, "confinement_works", lambda: (False, "files are not confined here (test)"))
    monkeypatch.setattr(plan_module, "network_filter_works", lambda: (True, ""))
    monkeypatch.setattr(plan_module, "bwrap_works", lambda: (False, "bubblewrap is not installed"))
    plan = plan_module.sandbox_plan("none")
    assert "it could read files the grader can read" in plan.description and "(test)" in plan.description, plan.description
    monkeypatch.setattr(plan_module, "confinement_works", lambda: (True, ""))
    plan = plan_module.sandbox_plan("none")
    assert "files confined by Landlock" in plan.description, plan.description


def test_landlock_can_be_turned_off_and_the_description_then_says_so(monkeypatch):
    monkeypatch.setenv(file_access.SWITCH_ENV, "0")
    works, why = confinement_works()
    assert not works and "DECODELAB_LANDLOCK=0" in why, f"confinement_works() with the switch off: {(works, why)}"
    assert "DECODELAB_LANDLOCK=0" in plan_module.sandbox_plan("none").description


def test_the_grader_removes_the_probes_folder(tmp_path, monkeypatch):
    # In a temporary folder of its own: a grader running beside this test (the other pytest
    # worker) probes in the shared /tmp, and its folder once read as this probe's leftover.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    before = set(tmp_path.glob("decodelab-probe-*"))
    file_access._probe.cache_clear()
    confinement_works()
    left = set(tmp_path.glob("decodelab-probe-*")) - before
    for folder in left:
        shutil.rmtree(folder, ignore_errors=True)
    assert not left, f"the confinement probe left {sorted(map(str, left))}"


# A fifteenth red team kept a System V segment past its submission by handing it to another
# user (the clean-up looked at owners), and had an honest classmate killed by handing it theirs.
HAND_OVER = '''

def softmax_with_temperature(logits, temperature):
    import ctypes, os
    libc = ctypes.CDLL(None, use_errno=True)
    segment = libc.shmget(KEY, ctypes.c_size_t(4096), 0o1000 | 0o600)
    if segment < 0:
        raise RuntimeError(f"shmget refused: {os.strerror(ctypes.get_errno())}")
    raise RuntimeError(f"shmget made segment {segment}")
'''


@pytest.mark.skipif(not network_filter_works()[0], reason="no seccomp filter loads here")
def test_a_submission_makes_no_system_v_segment(tmp_path):
    key = int(os.urandom(3).hex(), 16) + 0x0DEC0000
    _copy_solutions(tmp_path / "hand_over")
    module = tmp_path / "hand_over" / "distributions.py"
    module.write_text(module.read_text() + HAND_OVER.replace("KEY", str(key)))
    results = _grade(tmp_path, ["hand_over"], workers=1)
    said = [test["output"] for test in results["hand_over"]["tests"] if "shmget" in test["output"]]
    left = [row for row in Path("/proc/sysvipc/shm").read_text().splitlines()[1:] if int(row.split()[0]) == key]
    assert said and "shmget refused: Operation not permitted" in said[0], (
        f"a submission's shmget: {said[0][:300] if said else 'no feedback mentions it'}; expected it refused")
    assert not left, f"the submission's segment is still there after grading: {left}"


def test_a_segment_is_found_by_its_maker_after_it_changes_hands():
    # Where no seccomp filter loads, the clean-up and the watcher find segments by their maker.
    import ctypes

    from grading.sandbox.learner_side import sysv_objects

    if os.geteuid() != 0:
        pytest.skip("giving a segment to another user needs root")
    libc = ctypes.CDLL(None, use_errno=True)
    segment = libc.shmget(0, ctypes.c_size_t(4096), 0o1000 | 0o600)  # IPC_PRIVATE
    assert segment >= 0, f"shmget failed: {os.strerror(ctypes.get_errno())}"

    class Permissions(ctypes.Structure):  # struct ipc_perm, then the rest of shmid_ds
        _fields_ = [("key", ctypes.c_int), ("uid", ctypes.c_uint), ("gid", ctypes.c_uint), ("cuid", ctypes.c_uint),
                    ("cgid", ctypes.c_uint), ("mode", ctypes.c_ushort), ("rest", ctypes.c_byte * 256)]

    try:
        status = Permissions()
        assert libc.shmctl(segment, 2, ctypes.byref(status)) == 0  # IPC_STAT
        status.uid = 65534
        assert libc.shmctl(segment, 1, ctypes.byref(status)) == 0, os.strerror(ctypes.get_errno())  # IPC_SET
        made = [ident for ident, _ in sysv_objects("shm", os.geteuid(), made_only=True)]
        owned_elsewhere = [ident for ident, _ in sysv_objects("shm", 65534)]
        counted_elsewhere = [ident for ident, _ in sysv_objects("shm", 65534, made_only=True)]
        assert segment in made, f"sysv_objects(made_only=True) misses a segment its maker handed away: {made}"
        assert segment in owned_elsewhere, "sysv_objects() misses a segment its new owner holds"
        assert segment not in counted_elsewhere, "a segment handed to another user is counted against that user"
    finally:
        libc.shmctl(segment, 0, None)  # IPC_RMID
