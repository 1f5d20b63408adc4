"""``decodelab gradescope build --out autograder.zip``: a Gradescope autograder bundle.

The zip holds, at its top, Gradescope's two scripts and the project's source (no solutions,
no project tests):

- ``setup.sh`` (run once when Gradescope builds the image): a virtual environment in
  ``/autograder/venv`` with the CPU build of torch at the project's pin, every other
  distribution from ``requirements.lock`` (exact versions, hashes), the project itself,
  bubblewrap when apt can install it, and the Mistral tokenizer built ahead of time;
- ``run_autograder`` (run per submission): ``decodelab gradescope run``, which grades
  ``/autograder/submission`` with the same hidden suites as ``decodelab grade`` and writes
  ``/autograder/results/results.json`` — always, even when grading itself breaks;
- ``decodelab-gradescope.json``: the backend, exercises, limits, time-out and ``details``
  (when learners see what a failed test expected, :func:`withhold_details`) chosen at build time.

The root (``/autograder``) can be moved with ``$DECODELAB_GRADESCOPE_ROOT`` and the Python
with ``$DECODELAB_PYTHON``, which is how the project's tests run a bundle without Gradescope.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
import traceback
import zipfile
from pathlib import Path

from decodelab.errors import UserError
from grading.harness.scratch import prefix as scratch_prefix
from grading.harness.status import Status

ROOT = Path(__file__).resolve().parents[2]
ROOT_ENV = "DECODELAB_GRADESCOPE_ROOT"
CONFIG = "decodelab-gradescope.json"
# What the bundle carries of the project: everything grading needs, nothing a learner must not see
# (solutions/ is left out; the hidden suites go, since Gradescope never shows the source folder).
INCLUDE = ("pyproject.toml", "requirements.lock", "README.md", "Makefile", "decodelab", "exercises", "grading",
           "reference")
SKIP = ("__pycache__", ".pyc", ".pytest_cache", ".egg-info")

SETUP_SH = r"""#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
set -euo pipefail
SOURCE=/autograder/source
cd "$SOURCE"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends python3 python3-venv python3-pip
# The sandbox for learner code; where the container cannot run it, grading still isolates
# learner code in separate processes and results.json says so.
apt-get install -y -q --no-install-recommends bubblewrap || true
# libseccomp (apt itself depends on it, so this is usually a no-op): the filter that keeps the
# learner's code off the network where bubblewrap does not run.
apt-get install -y -q --no-install-recommends libseccomp2 || true
python3 -m venv /autograder/venv
# The CPU build of torch (no CUDA wheels), at the project's pin; then every other distribution
# at the exact version and hash of requirements.lock (the stack the project's CI graded with;
# made on Linux x86-64 with Python 3.11 — pick a Gradescope base image with Python >= 3.11).
/autograder/venv/bin/python -m pip install --quiet "__TORCH__" --index-url https://download.pytorch.org/whl/cpu
/autograder/venv/bin/python -m pip install --quiet --require-hashes --no-deps -r "$SOURCE/requirements.lock"
/autograder/venv/bin/python -m pip install --quiet --no-deps --no-build-isolation -e "$SOURCE"
# Build the Mistral tokenizer once, now, rather than in every grading run.
/autograder/venv/bin/python -c "from reference.tokenizer import tokenizer_folder; tokenizer_folder()"
chmod +x "$SOURCE/run_autograder"
"""

RUN_AUTOGRADER = r"""#!/usr/bin/env bash
# Gradescope runs this for every submission: grade /autograder/submission into
# /autograder/results/results.json ($DECODELAB_GRADESCOPE_ROOT moves /autograder).
ROOT="${DECODELAB_GRADESCOPE_ROOT:-/autograder}"
PYTHON="${DECODELAB_PYTHON:-$ROOT/venv/bin/python}"
# Gradescope copies this script to /autograder/run_autograder; the bundle is in source/.
if [ -d "$ROOT/source/grading" ]; then cd "$ROOT/source"; else cd "$(dirname "${BASH_SOURCE[0]}")"; fi
# Stopped __DEADLINE__ s in, before Gradescope's own time-out ends the container with no results at all.
timeout -k 10 __DEADLINE__ "$PYTHON" -m decodelab.cli gradescope run --root "$ROOT"
status=$?
if [ ! -s "$ROOT/results/results.json" ]; then
  mkdir -p "$ROOT/results"
  why="The autograder could not start (exit status $status)."
  if [ "$status" = 124 ] || [ "$status" = 137 ]; then
    why="Grading did not finish within the autograder's time-out of __MINUTES__ min."
  fi
  cat > "$ROOT/results/results.json" <<EOF
{"score": 0, "output": "$why This is not a judgement of your code: please tell your instructor.", "tests": [], "extra_data": {"grader_error": "run_autograder exit status $status"}}
EOF
fi
exit 0
"""
# Gradescope's defaults: a 10-minute time-out (at most 40) and half a CPU. Of the time-out, the
# grader keeps START_UP_SECONDS for starting (40-50 s on half a CPU, docs/grading.md) and its own
# work beside the learner's calls; the learner's calls share the rest.
TIMEOUT_MINUTES = 10
START_UP_SECONDS = 180
# What grading one submission holds besides the learner's own code: about 1.0 GB without
# bubblewrap, 1.2 GB with it (docs/grading.md, Resources).
GRADER_MB = 1200


def torch_pin() -> str:
    """The torch requirement the project's CPU set-up uses (the Makefile's ``TORCH_CPU``)."""
    makefile = ROOT / "Makefile"
    if makefile.is_file():
        found = re.search(r"^TORCH_CPU\s*\?=\s*(\S+)", makefile.read_text(), re.MULTILINE)
        if found:
            return found.group(1)
    import torch

    return f"torch=={torch.__version__.split('+')[0]}"


def _add_tree(archive: zipfile.ZipFile, path: Path, name: str) -> None:
    if any(part in SKIP or part.endswith(SKIP) for part in Path(name).parts):
        return
    if path.is_dir():
        for child in sorted(path.iterdir()):
            _add_tree(archive, child, f"{name}/{child.name}")
    elif path.is_file():
        archive.write(path, name)


def _executable(archive: zipfile.ZipFile, name: str, text: str) -> None:
    info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    info.external_attr = 0o100755 << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, text)


def build_bundle(out: Path, backend: str = "tiny", exercises: tuple[str, ...] = (),
                 limits: dict | None = None, timeout_minutes: float = TIMEOUT_MINUTES,
                 details: str = "visible") -> Path:
    """Write the autograder zip to ``out`` (see the module docstring); ``timeout_minutes`` is the
    assignment's autograder time-out set on Gradescope, ``details`` when learners see what a
    failed test expected (:func:`withhold_details`)."""
    if not any((ROOT / "grading" / "hidden").glob("test_*.py")):
        raise UserError("grading/hidden holds no suites: a bundle without the hidden tests would grade nothing")
    if not 1 <= timeout_minutes <= 40:
        raise UserError(f"--timeout-minutes {timeout_minutes:g}: Gradescope's time-out lies between 1 and 40 minutes")
    if details not in DETAILS:
        raise UserError(f"--details {details}: use one of {', '.join(DETAILS)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    config = {"backend": backend, "exercises": list(exercises), "limits": limits or {},
              "timeout_minutes": timeout_minutes, "details": details}
    script = (RUN_AUTOGRADER.replace("__DEADLINE__", str(int(timeout_minutes * 60) - 30))
              .replace("__MINUTES__", f"{timeout_minutes:g}"))
    temporary = out.with_name(f".{out.name}.tmp")
    try:
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
            _executable(archive, "setup.sh", SETUP_SH.replace("__TORCH__", torch_pin()))
            _executable(archive, "run_autograder", script)
            archive.writestr(CONFIG, json.dumps(config, indent=1) + "\n")
            for name in INCLUDE:
                if name == "README.md" and not (ROOT / name).exists():
                    archive.writestr(name, "decodelab autograder\n")  # pyproject names a readme
                    continue
                _add_tree(archive, ROOT / name, name)
        os.replace(temporary, out)
    finally:
        temporary.unlink(missing_ok=True)  # nothing half-written left behind
    return out


def lay_out_root(bundle: Path, root: Path, submission: dict[str, str]) -> Path:
    """``root`` laid out as Gradescope lays out ``/autograder``, to try a bundle before upload.

    The bundle unpacked into ``source/``, ``run_autograder`` copied next to it (as Gradescope
    does), the learner's files (relative path -> text) in ``submission/``, an empty
    ``results/``. Run it with ``DECODELAB_GRADESCOPE_ROOT=root bash root/run_autograder``.
    """
    (root / "source").mkdir(parents=True)
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    (root / "run_autograder").chmod(0o755)
    (root / "results").mkdir()
    (root / "submission").mkdir()
    for name, text in submission.items():
        path = root / "submission" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


# Gradescope's visibilities a failed test's details may be given (its results format).
DETAILS = ("visible", "after_due_date", "after_published")


# What a failed test without a result to compare shows before the due date, by its outcome
# (grading.harness.status.Status): its kind, not its message, which is the learner's own text
# (an exception's, a call cut short) and so can carry the hidden inputs out.
WITHHELD = {
    Status.RAISED: "your code raised an exception",
    Status.TIMEOUT: "your code ran past its time limit",
    Status.CRASHED: "your code's process ended without answering",
    Status.MEMORY: "your code ran out of memory",
    Status.OUTPUT: "your code printed more than it may",
}
LATER = "which input and what happened are shown after the due date"
PRINTED_LATER = "What your code printed"


def withhold_details(results: dict, visibility: str) -> dict:
    """``results`` with what each failed test expected kept until ``visibility`` (see :data:`DETAILS`).

    The hidden inputs are fixed, so feedback that shows the expected values after every upload
    is an answer key: a red team that pasted them back scored 1, then 3, then 5 of 10 points over
    three uploads. Each failed test then shows only that it failed (the record's ``brief``:
    not even the call or the hint, which gave a later red team the answers too; where the test
    has no result to compare, only the kind of failure, :data:`WITHHELD`), points unchanged, and
    a test of 0 points beside it, "… (details)", shows the whole feedback from ``visibility`` on.
    What the learner's code printed is kept until then too, in a test of 0 points of its own: a
    nineteenth red team printed every call its code received (269 hidden inputs of one test in
    one upload) and raised them in an exception's message, and read the answers of a True/False
    exercise off them. ``"visible"`` changes nothing.
    """
    from grading.grader.reports import PRINTED_MARKER

    if visibility == "visible":
        return results
    tests = []
    for test in results.get("tests", []):
        extra = test.get("extra_data") or {}
        brief = extra.get("brief")
        if brief is None or brief == test.get("output"):
            outcome = extra.get("outcome")
            brief = f"{WITHHELD[outcome]}: {LATER}" if outcome in WITHHELD else None
        if test.get("status") == "passed" or brief is None:
            tests.append(test)
            continue
        tests.append(dict(test, output=brief))
        tests.append({"name": f"{test['name']} (details)", "number": test.get("number", ""), "score": 0.0,
                      "max_score": 0.0, "status": "failed", "output": test.get("output", ""),
                      "visibility": visibility})
    output = str(results.get("output", ""))
    summary, marker, printed = output.partition(PRINTED_MARKER)
    if marker:
        output = summary + f"{PRINTED_MARKER} shown after the due date, in \"{PRINTED_LATER}\"."
        tests.append({"name": PRINTED_LATER, "number": "", "score": 0.0, "max_score": 0.0, "status": "passed",
                      "output": marker + printed, "visibility": visibility})
    return dict(results, output=output, tests=tests)


def _error_results(message: str, seconds: float) -> dict:
    return {
        "score": 0.0, "execution_time": round(seconds, 3),
        "output": f"The autograder failed while grading this submission: {message}\n"
                  "This is not a judgement of your code: please tell your instructor.",
        "visibility": "visible", "tests": [],
        "extra_data": {"grader_error": message},
    }


def keep_from_learners(source: Path, root: Path) -> None:
    """Make the unpacked bundle (``source``) and Gradescope's files about the submission
    readable by root alone.

    Docker, and so Gradescope, usually cannot run bubblewrap, and without it the learner's code,
    run as an unprivileged user id, could read every file others may read: the bundle holds the
    hidden suites and the reference the expected values come from, and
    ``submission_metadata.json`` the class's names and earlier scores. The grader and the
    learner's worker start as root and load what they need before a submission's process takes
    its user id; the Python installation lies outside the bundle. Only as root: a grader that
    is not root never switches user ids, and a folder of its own would stay readable to its code.
    """
    if os.geteuid() != 0:
        return
    source.chmod(0o700)
    for path, mode in ((root / "results", 0o700), (root / "submission_metadata.json", 0o600)):
        if path.exists() and not path.is_symlink():
            path.chmod(mode)


def container_memory_mb() -> int | None:
    """The memory limit of the container this runs in (its control group's), in MiB; None where
    there is none or it cannot be read."""
    for path in (Path("/sys/fs/cgroup/memory.max"), Path("/sys/fs/cgroup/memory/memory.limit_in_bytes")):
        try:
            text = path.read_text().strip()
        except OSError:
            continue
        if text.isdigit() and int(text) < 2**60:  # v1 writes "unlimited" as a huge number, v2 as "max"
            return int(text) // 2**20
    return None


def sized_limits(configured: dict, timeout_minutes: float, memory_mb: int | None) -> dict:
    """The limits a submission gets in a container of ``memory_mb`` with a time-out of
    ``timeout_minutes``: what the bundle's configuration or the environment sets, else the
    learner's time and memory shrunk to fit beside the grader's (a learner's calls allowed the
    default 600 s, in a 10-minute time-out, left no results at all; its 2 GB, in a container of
    1.5 GB, had the kernel end the judges)."""
    from grading.sandbox.limits import Limits

    sized = dict(configured)
    default = Limits()
    if "submission_seconds" not in sized and not os.environ.get("DECODELAB_SUBMISSION_SECONDS"):
        sized["submission_seconds"] = max(60.0, min(default.submission_seconds, timeout_minutes * 60 - START_UP_SECONDS))
    if memory_mb is not None and "memory_mb" not in sized and not os.environ.get("DECODELAB_MEMORY_MB"):
        sized["memory_mb"] = max(256, min(default.memory_mb, memory_mb - GRADER_MB))
    return sized


def run_autograder(root: Path) -> int:
    """Grade ``root/submission`` into ``root/results/results.json``; always write that file."""
    from grading.grader.driver import GradeOptions, grade_submission
    from grading.sandbox.limits import Limits
    from grading.grader.reports import atomic_write_text
    from grading.harness.output import encodable

    started = time.monotonic()
    results_path = root / "results" / "results.json"
    here = Path(__file__).resolve().parents[2]
    config_path = here / CONFIG
    config = json.loads(config_path.read_text()) if config_path.is_file() else {}
    try:
        if config_path.is_file():  # the unpacked bundle, not a checkout of the project
            keep_from_learners(here, root)
        limits = Limits.from_env(**sized_limits(config.get("limits", {}),
                                                config.get("timeout_minutes", TIMEOUT_MINUTES), container_memory_mb()))
        options = GradeOptions(backend=config.get("backend") or None, exercises=tuple(config.get("exercises", ())),
                               limits=limits)
        with tempfile.TemporaryDirectory(prefix=scratch_prefix("gradescope")) as scratch:
            # Read where Gradescope put it: the reader takes only the exercise modules, where a
            # copy of the whole upload would follow whatever else it holds (600 nested folders
            # took copytree past Python's recursion limit; a large file, past the disk).
            submission = root / "submission"
            if not submission.is_dir():
                submission = Path(scratch) / "submission"
                submission.mkdir()
            results = withhold_details(grade_submission(submission, Path(scratch) / "out", options),
                                       config.get("details", "visible"))
    except BaseException as error:  # results.json must exist whatever happened
        if isinstance(error, KeyboardInterrupt):
            raise
        traceback.print_exc()
        results = _error_results(f"{type(error).__name__}: {error}", time.monotonic() - started)
    atomic_write_text(results_path, json.dumps(encodable(results), indent=1, ensure_ascii=False) + "\n")
    print(f"decodelab: wrote {results_path} (score {results.get('score')} / {results.get('max_score', '?')})")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "gradescope", help="build a Gradescope autograder bundle (and run it, on Gradescope)",
        description="Build Gradescope's autograder zip (setup.sh, run_autograder, the hidden suites), "
        "or, inside Gradescope, grade /autograder/submission.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    build = actions.add_parser("build", help="write the autograder zip")
    build.add_argument("--out", default="autograder.zip",
                       help="the zip to write, or a folder to write autograder.zip into (default autograder.zip)")
    build.add_argument("--backend", default="tiny", help="the model the bundle grades with (default tiny)")
    build.add_argument("--exercises", nargs="+", default=(), metavar="KEY",
                       help="grade only these exercises (one assignment); default all")
    build.add_argument("--timeout-minutes", type=float, default=TIMEOUT_MINUTES, metavar="M",
                       help=f"the autograder time-out set for the assignment on Gradescope (default "
                            f"{TIMEOUT_MINUTES}, Gradescope's; at most 40): the learner's code gets what "
                            "grading leaves of it")
    build.add_argument("--details", choices=DETAILS, default="visible",
                       help="when learners see what a failed test expected and what came back (default "
                            "visible: after every upload). With after_due_date or after_published they see "
                            "only which tests failed until then: fixed hidden inputs' expected values are an "
                            "answer key")
    build.set_defaults(func=_build)
    run = actions.add_parser("run", help="grade a Gradescope submission (what run_autograder calls)")
    run.add_argument("--root", default=os.environ.get(ROOT_ENV, "/autograder"),
                     help=f"Gradescope's root folder (default ${ROOT_ENV} or /autograder)")
    run.set_defaults(func=_run)
    parser.set_defaults(func=lambda arguments: (parser.print_help(), 2)[1])


def _build(arguments: argparse.Namespace) -> int:
    from grading.harness.catalogue import by_key

    for key in arguments.exercises:
        try:
            by_key(key)
        except KeyError as error:
            raise UserError(str(error).strip("'\"")) from None
    out = Path(arguments.out)
    if out.is_dir() or arguments.out.endswith(("/", os.sep)):
        out = out / "autograder.zip"
    elif out.suffix.lower() != ".zip":
        raise UserError(f"--out {arguments.out}: name a .zip file (Gradescope takes the autograder as a zip) or a "
                        "folder to write autograder.zip into")
    out = build_bundle(out, arguments.backend, tuple(arguments.exercises),
                       timeout_minutes=arguments.timeout_minutes, details=arguments.details)
    size = out.stat().st_size / 2**20
    print(f"Wrote {out} ({size:.1f} MiB). Upload it as the autograder of a Gradescope programming assignment; "
          "give it at least 1.5 GB of memory (2 GB if bubblewrap works in the image; the default "
          f"768 MB is not enough) and a time-out of {arguments.timeout_minutes:g} minutes, the one it was built "
          "for (--timeout-minutes), see docs/grading.md.")
    return 0


def _run(arguments: argparse.Namespace) -> int:
    from decodelab.commands.grade import stop_on_sigterm

    stop_on_sigterm()  # run_autograder's time-out: the shell then writes results.json
    return run_autograder(Path(arguments.root))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run_autograder(Path(os.environ.get(ROOT_ENV, "/autograder"))))
