"""The command line's basics: ``--help``, bad arguments, ``decodelab doctor`` and ``decodelab list``.

Doctor must tell the truth, so its report is checked against facts computed here (versions,
the CUDA state, the backend statuses) and, with the statuses monkeypatched, against machines
this one is not (a GPU with Mistral-7B cached, a missing bundled model, no bitsandbytes).
"""
from __future__ import annotations

import importlib
import importlib.metadata
import json
import re
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch

from grading.harness.catalogue import EXERCISES
from reference import backends

ROOT = Path(__file__).resolve().parents[1]


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "decodelab.cli", *args], cwd=ROOT, capture_output=True, text=True,
        timeout=300, env={**os.environ, **(env or {})},
    )


# --- help and bad arguments ---------------------------------------------------------------------


def test_help_lists_the_commands():
    from decodelab.cli import build_parser

    result = _cli("--help")
    assert result.returncode == 0, result.stderr
    subparsers = next(a for a in build_parser()._actions if a.dest == "command")
    names = list(subparsers.choices)
    assert {"doctor", "list", "capture"} <= set(names), f"registered commands: {names}"
    for name in names:
        # argparse puts a long name on a line of its own, so match the name at a line's start
        listed = re.search(rf"^\s+{re.escape(name)}(\s|$)", result.stdout, re.MULTILINE)
        assert listed, f"decodelab --help does not list {name!r}:\n{result.stdout}"


def _one_sentence(result: subprocess.CompletedProcess, call: str) -> str:
    """The one line a refused command printed on stderr: exit 2, no traceback, nothing on stdout
    (the command did no work before refusing)."""
    assert result.returncode == 2, f"{call}: exit {result.returncode}, expected 2\n{result.stderr}"
    assert "Traceback" not in result.stderr, f"{call} printed a traceback:\n{result.stderr}"
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("decodelab"), (
        f"{call} printed {len(lines)} lines on stderr, expected one sentence:\n{result.stderr}"
    )
    assert result.stdout == "", f"{call} printed on stdout before refusing:\n{result.stdout}"
    return lines[0]


@pytest.mark.parametrize("args", [
    ("doctor", "--bogus"),
    ("frobnicate",),
    ("capture",),                                    # neither --out nor --show
    ("capture", "--out", "a.st", "--show", "b.st"),  # both
    ("list", "--json", "extra"),
])
def test_bad_arguments_exit_2_with_one_error_line(args):
    _one_sentence(_cli(*args), f"decodelab {' '.join(args)}")


def test_no_command_prints_help_and_exits_2():
    result = _cli()
    assert result.returncode == 2 and "COMMAND" in result.stdout


# --- where a command writes: --out ----------------------------------------------------------------

# Every command that writes to --out, with the rest of its arguments; ``kind`` is what --out names.
WRITERS = {
    "grade": (["grade", str(ROOT / "solutions")], "folder"),
    "release": (["release"], "folder"),
    "notebooks": (["notebooks"], "folder"),
    "capture": (["capture", "--backend", "tiny"], "file"),
    "demo tokens": (["demo", "tokens", "--reference", "--backend", "tiny"], "file"),
    "gradescope build": (["gradescope", "build"], None),
}


@pytest.mark.parametrize("command", list(WRITERS))
def test_an_out_under_a_file_is_refused_before_any_work(command, tmp_path):
    args, _ = WRITERS[command]
    (tmp_path / "notes.txt").write_text("a file, not a folder")
    out = tmp_path / "notes.txt" / "deeper" / "result"
    line = _one_sentence(_cli(*args, "--out", str(out)), f"decodelab {command} --out {out}")
    assert "notes.txt is a file" in line and "choose another --out" in line, (
        f"decodelab {command} --out {out} said {line!r}; expected it to name notes.txt as the file in the way"
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.txt"], "something was written beside it"


@pytest.mark.parametrize("command", [name for name, (_, kind) in WRITERS.items() if kind is not None])
def test_an_out_of_the_wrong_kind_is_refused(command, tmp_path):
    args, kind = WRITERS[command]
    out = tmp_path / "there"
    if kind == "folder":
        out.write_text("a file where a folder is wanted")
        expected = "exists and is not a folder"
    else:
        out.mkdir()
        expected = "is a folder; name a file"
    line = _one_sentence(_cli(*args, "--out", str(out)), f"decodelab {command} --out {out}")
    assert expected in line, f"decodelab {command} --out {out} said {line!r}; expected {expected!r}"


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs /proc, where no file can be created")
@pytest.mark.parametrize("command", ["capture", "gradescope build"])
def test_an_out_where_the_system_refuses_files_is_refused_before_any_work(command):
    args, _ = WRITERS[command]
    out = "/proc/decodelab-out/result.zip"
    line = _one_sentence(_cli(*args, "--out", out), f"decodelab {command} --out {out}")
    assert "nothing can be created in /proc" in line, f"decodelab {command} --out {out} said {line!r}"


def test_a_path_the_system_refuses_later_is_one_sentence_naming_it(monkeypatch, capsys, tmp_path):
    from decodelab import cli
    from decodelab.commands import release

    def refused(arguments):
        raise PermissionError(13, "Permission denied", str(arguments.out / ".bundle.tmp"))

    monkeypatch.setattr(release, "run", refused)
    status = cli.main(["release", "--out", str(tmp_path / "bundle")])
    printed = capsys.readouterr().err.strip().splitlines()
    assert status == 2, f"decodelab release, refused by the system: exit {status}, expected 2"
    assert printed == [f"decodelab release: Permission denied: {tmp_path / 'bundle' / '.bundle.tmp'}; choose another --out"], (
        f"decodelab release, refused by the system, printed {printed}"
    )
    from decodelab.cli import path_problem

    elsewhere = path_problem(PermissionError(13, "Permission denied", str(ROOT / "exercises" / "nucleus.py")), "grades")
    assert elsewhere.endswith("check that path and its permissions"), (
        f"a file beside --out grades, but not its own, was blamed on --out: {elsewhere!r}")


def test_an_os_error_about_no_path_is_not_called_the_users(monkeypatch, tmp_path):
    from decodelab import cli
    from decodelab.commands import release

    def broken(arguments):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(release, "run", broken)
    with pytest.raises(OSError, match="Input/output error"):
        cli.main(["release", "--out", str(tmp_path / "bundle")])


# --- doctor: the real machine -------------------------------------------------------------------


@pytest.fixture(scope="module")
def doctor_json(tmp_path_factory) -> dict:
    scratch = tmp_path_factory.mktemp("doctor")
    env = {
        "DECODELAB_CACHE": str(scratch / "cache"),   # an empty decodelab cache: tokenizer not built yet
        "HF_HUB_CACHE": str(scratch / "hub"),
        "HF_HUB_OFFLINE": "1",
        "DECODELAB_BACKEND": "tiny:4bit",
        "DECODELAB_CAPTURE": str(scratch / "missing.safetensors"),
    }
    result = _cli("doctor", "--json", env=env)
    assert result.returncode == 0, f"decodelab doctor --json failed: {result.stderr[-2000:]}"
    report = json.loads(result.stdout)
    report["_scratch"] = str(scratch)
    return report


def _installed(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def test_doctor_versions_are_the_installed_ones(doctor_json):
    import platform

    assert doctor_json["python"]["version"] == platform.python_version()
    for name in ("torch", "transformers", "bitsandbytes", "accelerate", "mistral-common"):
        assert doctor_json["packages"][name] == _installed(name), (
            f"doctor says {name} {doctor_json['packages'][name]}, installed is {_installed(name)}"
        )
    assert doctor_json["packages"]["torch"] == torch.__version__
    assert doctor_json["torch_build"]["kind"] == ("cpu" if torch.version.cuda is None else "cuda")
    assert doctor_json["torch_build"]["cuda_version"] == torch.version.cuda


def test_doctor_cuda_state_is_torchs(doctor_json):
    cuda = doctor_json["cuda"]
    assert cuda["available"] == torch.cuda.is_available()
    if torch.cuda.is_available():
        assert cuda["devices"][0]["name"] == torch.cuda.get_device_name(0)
        assert cuda["devices"][0]["memory_gib"] > 0
    else:
        assert cuda["devices"] == [] and "no CUDA GPU" in cuda["reason"]


def test_doctor_backends_match_the_loaders_checks(doctor_json):
    by_name = {b["name"]: b for b in doctor_json["backends"]}
    assert list(by_name) == ["tiny", "tiny:4bit", "mistral-7b-4bit"]
    tiny_ok, tiny_why = backends.tiny_status()
    assert by_name["tiny"] == {"name": "tiny", "available": tiny_ok, "reason": tiny_why}
    assert by_name["tiny:4bit"]["available"] == (tiny_ok and backends.bitsandbytes_status()[0])
    if not torch.cuda.is_available():
        mistral = by_name["mistral-7b-4bit"]
        assert mistral["available"] is False and "no CUDA GPU" in mistral["reason"]
        # the subprocess had an empty HF cache, so the weights are reported missing too
        assert "hf download mistralai/Mistral-7B-v0.1" in mistral["reason"]
        assert doctor_json["auto"]["backend"] == "tiny"
        assert "no CUDA GPU" in doctor_json["auto"]["reason"]


def test_doctor_reports_the_environment_it_was_given(doctor_json):
    scratch = Path(doctor_json["_scratch"])
    default = doctor_json["default_backend"]
    assert default == {"requested": "tiny:4bit", "source": "DECODELAB_BACKEND", "resolves_to": "tiny:4bit",
                       "reason": "asked for 'tiny:4bit'"}
    assert doctor_json["tokenizer"]["cache_folder"] == str(scratch / "cache" / "tokenizers" / "mistral-7b-v0.1")
    assert doctor_json["tokenizer"]["built"] is False, "doctor must not build the tokenizer just to report on it"
    assert not (scratch / "cache").exists(), "doctor wrote into the cache"
    assert doctor_json["tokenizer"]["source_file"].endswith("tokenizer.model.v1")
    assert doctor_json["huggingface"] == {"cache": str(scratch / "hub"), "offline": True}
    assert doctor_json["capture"] == {"path": str(scratch / "missing.safetensors"), "exists": False}


def test_doctor_plain_text_names_each_backend_and_exits_0():
    result = _cli("doctor")
    assert result.returncode == 0, result.stderr
    assert "\x1b[" not in result.stdout, "no colour codes when stdout is not a terminal"
    for name, (ok, _) in (("tiny", backends.tiny_status()), ("mistral-7b-4bit", backends.mistral_status())):
        line = next(line for line in result.stdout.splitlines() if line.strip().startswith(name + " "))
        assert ("not available" not in line) == bool(ok), f"doctor's line for {name} is wrong: {line!r}"
    assert "auto picks: " in result.stdout and "tokenizer cache: " in result.stdout


# --- doctor: machines this one is not (monkeypatched statuses) ------------------------------------


def _collect(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict:
    from decodelab.commands import doctor

    monkeypatch.delenv(backends.BACKEND_ENV, raising=False)
    monkeypatch.delenv("DECODELAB_CAPTURE", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return doctor.collect()


def _fake_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backends, "cuda_status", lambda: (True, "CUDA GPU Fake H100"))
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    monkeypatch.setattr(torch.cuda, "get_device_properties", lambda index: SimpleNamespace(
        name="Fake H100", total_memory=80 * 2**30, major=9, minor=0))


def test_doctor_on_a_gpu_machine_with_mistral_cached(monkeypatch):
    _fake_gpu(monkeypatch)
    monkeypatch.setattr(backends, "bitsandbytes_status", lambda: (True, "bitsandbytes 0.50.2"))
    monkeypatch.setattr(backends, "cached_weights_status", lambda model_id=backends.MISTRAL_ID: (True, "weights cached"))
    report = _collect(monkeypatch)
    assert report["cuda"]["available"] is True
    assert report["cuda"]["devices"] == [{"index": 0, "name": "Fake H100", "memory_gib": 80.0, "capability": "9.0"}]
    by_name = {b["name"]: b for b in report["backends"]}
    assert by_name["mistral-7b-4bit"]["available"] is True
    assert report["auto"]["backend"] == "mistral-7b-4bit"
    if by_name["tiny"]["available"]:
        assert "on the GPU" in by_name["tiny:4bit"]["reason"]


def test_doctor_without_the_bundled_model(monkeypatch, tmp_path):
    from decodelab.commands import doctor

    monkeypatch.setattr(backends, "TINY_FOLDER", tmp_path / "tiny_model")
    monkeypatch.setattr(backends, "cuda_status", lambda: (False, "no CUDA GPU (test)"))
    report = _collect(monkeypatch)
    by_name = {b["name"]: b for b in report["backends"]}
    for name in ("tiny", "tiny:4bit"):
        assert by_name[name]["available"] is False and "reference.train_tiny" in by_name[name]["reason"]
    assert report["auto"]["backend"] == "tiny"
    text = doctor.render_text(report)
    assert "but tiny is not available here" in text, "doctor must not let auto's choice look usable when it is not"


def test_doctor_without_bitsandbytes(monkeypatch):
    monkeypatch.setattr(backends, "bitsandbytes_status", lambda: (False, "bitsandbytes is not installed (test)"))
    report = _collect(monkeypatch)
    by_name = {b["name"]: b for b in report["backends"]}
    assert by_name["tiny:4bit"]["available"] is False
    if backends.tiny_status()[0]:
        assert by_name["tiny:4bit"]["reason"] == "bitsandbytes is not installed (test)"
    assert "bitsandbytes is not installed (test)" in by_name["mistral-7b-4bit"]["reason"]


def test_doctor_survives_a_broken_check(monkeypatch):
    def broken():
        raise RuntimeError("driver exploded")

    monkeypatch.setattr(backends, "tiny_status", broken)
    report = _collect(monkeypatch)
    tiny = report["backends"][0]
    assert tiny["available"] is False and "driver exploded" in tiny["reason"]


def test_doctor_rich_table(monkeypatch):
    from rich.console import Console

    from decodelab.commands import doctor

    report = _collect(monkeypatch)
    console = Console(record=True, width=240, force_terminal=True)
    doctor.render_rich(report, console)
    text = console.export_text()
    for backend in report["backends"]:
        assert backend["name"] in text
    assert "auto picks:" in text and report["packages"]["torch"] in text


# --- list -------------------------------------------------------------------------------------


def _markers_by_collection() -> dict[str, set[str]]:
    """Which exercise markers each public test module carries, by importing it (not by text)."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / "grading" / "public").glob("test_*.py")):
        module = importlib.import_module(f"grading.public.{path.stem}")
        marks = list(getattr(module, "pytestmark", []))
        for value in vars(module).values():
            marks += getattr(value, "pytestmark", [])
            if isinstance(value, type):
                marks += [m for attr in vars(value).values() for m in getattr(attr, "pytestmark", [])]
        found[path.name] = {mark.name for mark in marks}
    return found


def test_list_json_is_the_catalogue_in_course_order():
    result = _cli("list", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [row["key"] for row in rows] == [e.key for e in EXERCISES], "not in course order"
    for row, exercise in zip(rows, EXERCISES, strict=True):
        assert (row["module"], row["function"], row["points"], row["path"]) == (
            exercise.module, exercise.function, exercise.points, f"exercises/{exercise.module}.py"
        ), f"decodelab list --json row {row} disagrees with the catalogue's {exercise}"
    collected = _markers_by_collection()
    for row in rows:
        expected = sorted(name for name, marks in collected.items() if row["key"] in marks)
        assert row["public_tests"] == bool(expected) and row["public_test_files"] == expected, (
            f"{row['key']}: list says public_tests={row['public_tests']} {row['public_test_files']}, "
            f"the public test modules carry its marker in {expected}"
        )


def test_list_plain_text():
    result = _cli("list")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    body = lines[1:-1]
    assert [line.split()[1] for line in body] == [e.key for e in EXERCISES]
    total = sum(e.points for e in EXERCISES)
    assert lines[-1] == f"{len(EXERCISES)} exercises, {total} points"


def test_list_reads_markers_from_text(tmp_path):
    from decodelab.commands.list_exercises import exercise_rows

    (tmp_path / "test_07_nucleus.py").write_text(
        "import pytest\n\n@pytest.mark.top_p\ndef test_a(learner):\n    pass\n", encoding="utf-8")
    (tmp_path / "test_99_other.py").write_text("pytestmark = pytest.mark.slow\n", encoding="utf-8")
    (tmp_path / "helper.py").write_text("@pytest.mark.greedy\n", encoding="utf-8")  # not a test file
    flags = {row["key"]: row["public_tests"] for row in exercise_rows(tmp_path)}
    assert flags["top_p"] is True
    assert not any(flag for key, flag in flags.items() if key != "top_p"), flags


LIBRARY_NOISE = """
import sys, warnings
from decodelab.cli import quiet_libraries
quiet_libraries(verbose=sys.argv[1] == "verbose")
from transformers.utils import logging
logging.get_logger("transformers.modeling_utils").warning("LIBRARY-LOG-LINE")
warnings.warn_explicit("LIBRARY-WARNING", UserWarning, "utils.py", 1, module="transformers.generation.utils")
warnings.warn("LIBRARY-DEPRECATION", FutureWarning)
warnings.warn("THE-LEARNERS-OWN-WARNING", UserWarning)
"""


@pytest.mark.parametrize("mode", ["quiet", "verbose"])
def test_library_warnings_reach_the_screen_only_with_verbose(mode):
    env = {name: value for name, value in os.environ.items() if not name.startswith("TRANSFORMERS_")}
    done = subprocess.run([sys.executable, "-c", LIBRARY_NOISE, mode], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-1500:]
    shown = {line for line in ("LIBRARY-LOG-LINE", "LIBRARY-WARNING", "LIBRARY-DEPRECATION") if line in done.stderr}
    expected = set() if mode == "quiet" else {"LIBRARY-LOG-LINE", "LIBRARY-WARNING", "LIBRARY-DEPRECATION"}
    assert shown == expected, f"quiet_libraries(verbose={mode == 'verbose'}) let through {shown}, expected {expected}"
    assert "THE-LEARNERS-OWN-WARNING" in done.stderr, "a warning of the learner's own code was hidden"


def test_every_command_takes_verbose():
    from decodelab.cli import _command_parsers, build_parser

    missing = [parser.prog for parser in _command_parsers(build_parser())
               if "--verbose" not in parser._option_string_actions]
    assert not missing, f"commands without --verbose: {missing}"
