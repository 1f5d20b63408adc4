"""Mutation testing of the hidden suites with mutmut: how many small bugs in ``solutions/`` they catch.

mutmut 3 (the ``dev`` extra) copies the code to mutate into ``mutants/``, rewrites every
function of it into a *trampoline* that calls the original or one mutant (chosen by the
environment variable ``MUTANT_UNDER_TEST``), and runs pytest in-process from inside
``mutants/``, once per mutant, on the tests that reached the mutated function. A mutant is
*killed* when a test fails, *survives* when every test passes, and *times out* past
``(estimated test time + timeout_constant) * timeout_multiplier``.

How that meets this project's layout: the hidden suites never import ``solutions`` themselves;
the ``target`` fixture does, with ``importlib.import_module("solutions.<module>")`` when pytest
runs with ``--target solutions``. mutmut puts its ``mutants/`` folder first on ``sys.path``, so
that import finds the mutated copy (the editable install's finder comes after ``sys.path``).
mutmut's own forced-fail run proves it: every function raises there, and the run stops with
"Unable to force test failures" if the suites reached an unmutated copy.

One mutmut project per exercise module: ``mutants/<module>/`` holds links to ``solutions/``,
``grading/``, ``reference/`` (with the tiny model) and ``decodelab/``, plus a copy of
``pyproject.toml`` (pytest's ``-p grading.harness.plugin`` and markers) whose ``[tool.mutmut]`` table
says: mutate ``solutions/<module>.py`` only, copy ``grading/``, ``reference/`` and
``decodelab/`` next to it, run ``grading/hidden/test_<module>.py`` with ``--target solutions
--backend tiny``. Separate projects, because a mutmut project restricted to one module copies
the other modules over their mutated versions, and a later run keeps those plain copies (their
mtime is newer than the source's) while its cache still lists their mutants. The table's other settings come
from ``[tool.mutmut]`` of the project's ``pyproject.toml`` when it has one, else from
:data:`DEFAULTS` here (the same settings).

torch runs with one CPU thread (``--torch-threads``): mutmut forks each mutant's test process
from a process that already ran the suites, and a fork of a process whose OpenMP pool is up
spins until mutmut's CPU limit kills it, so every torch mutant that survives reads "timeout".

Scores are per exercise function (a private helper counts towards the exercises that call
it): ``score = (killed + timeout) / checked``, and ``adjusted`` leaves out the survivors recorded
in :data:`EQUIVALENT` (a mutant that changes nothing the docstring specifies), with its reason.

Run (nice: the suites load a model and fill the cores)::

    nice -n 19 python benchmarks/mutation.py --module evaluation --module nucleus
    python benchmarks/mutation.py --report-only          # tables from the last runs
    cd mutants/evaluation && mutmut show NAME            # one mutant's diff (also in the JSON)

Writes ``mutants/mutation-report.json`` (``--json``) and prints a Markdown table per exercise
function and the surviving mutants with their diffs (``--markdown FILE`` writes them too).
"""
from __future__ import annotations

import argparse
import ast
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from grading.harness.catalogue import EXERCISES, modules  # noqa: E402

WORK = ROOT / "mutants"
LINKED = ("solutions", "grading", "reference", "decodelab")

# The [tool.mutmut] settings when pyproject.toml has no such table (see the module docstring);
# only_mutate and the test selection are set per module by this script.
DEFAULTS: dict[str, Any] = {
    "source_paths": ["solutions/"],
    "also_copy": ["grading/", "reference/", "decodelab/"],
    "pytest_add_cli_args": ["--target", "solutions", "--backend", "tiny", "-p", "no:cacheprovider"],
    "pytest_add_cli_args_test_selection": ["grading/hidden/"],
    "timeout_multiplier": 15.0,
    "use_git_change_detection": False,
}
PER_MODULE_KEYS = ("only_mutate", "pytest_add_cli_args_test_selection")

# The reason shared by the sampling loop's mutants that name dim 1 (or +1) for dim -1.
TWO_D_LOGITS = (
    "the logits of the last position are (1, vocab) (input_ids is (1, T) by the docstring): dim 1 is dim -1"
)

# Surviving mutants that change nothing the exercise's docstring specifies, so no hidden test
# may fail them: mutant name -> (the mutated line as `mutmut show` prints it, one-line reason).
# A record whose line no longer matches (the solution changed, mutmut renumbered) is ignored
# and reported as stale.
EQUIVALENT: dict[str, tuple[str, str]] = {
    "solutions.evaluation.x_distinct_n__mutmut_2": (
        "if isinstance(n, bool) and not isinstance(n, int) or n < 1:",
        "only the bool/non-int guard is lost; the docstring promises ValueError for n < 1 only "
        "and types n as int, so distinct_n(texts, True) or (texts, 2.5) is unspecified",
    ),
    "solutions.evaluation.x_distinct_n__mutmut_6": (
        "raise ValueError(None)",
        "the message is not specified (the suite checks the ValueError type, no must_mention)",
    ),
    "solutions.distributions.x_softmax_with_temperature__mutmut_4": (
        'raise ValueError(f"temperature must be a number, got {type(None).__name__}")',
        "the message still names the temperature and says it must be a number; the type name in it is not specified",
    ),
    "solutions.distributions.x_softmax_with_temperature__mutmut_11": (
        '"XX(for temperature 0, take the argmax instead: that is greedy decoding)XX"',
        "only the wording of the message's advice changes; it still says why (a finite number > 0)",
    ),
    "solutions.distributions.x_softmax_with_temperature__mutmut_12": (
        '"(FOR TEMPERATURE 0, TAKE THE ARGMAX INSTEAD: THAT IS GREEDY DECODING)"',
        "only the case of the message's advice changes; it still says why (a finite number > 0)",
    ),
    "solutions.nucleus.x_top_p_mask__mutmut_15": (
        "sorted_probs, order = torch.sort(probs, descending=True)",
        "torch.sort's default dim is -1, the dim=-1 the solution passes",
    ),
    "solutions.nucleus.x_top_p_mask__mutmut_22": (
        "included = sorted_probs.to(None).cumsum(dim=-1)",
        "cumsum in the probabilities' own float32 instead of float64: the docstring lets rounding decide "
        "within ~1e-6 of p and the suite stays 1e-4 away from such spots",
    ),
    "solutions.nucleus.x_top_p_mask__mutmut_37": (
        "keep_sorted = above <= p",
        "differs only where a running total lands exactly on p, where the docstring lets floating-point rounding "
        "decide and the suite stays 1e-4 away",
    ),
    "solutions.tokens.x_piece_bytes__mutmut_34": (
        'return piece.replace("\\u2581", " ").encode("UTF-8")',
        "'UTF-8' and 'utf-8' name the same codec",
    ),
    "solutions.topk.x__check_k__mutmut_2": (
        "if isinstance(k, bool) and not isinstance(k, int) or k < 1:",
        "only the bool/non-int guard is lost; the docstrings type k as int and promise ValueError for k < 1 only, "
        "so top_k_mask(probs, True) or (probs, 2.5) is unspecified",
    ),
    "solutions.topk.x__check_k__mutmut_6": (
        "raise ValueError(None)",
        "the message is not specified: top_k_mask's docstring says only that k < 1 raises ValueError",
    ),
    "solutions.topk.x_top_k_mask__mutmut_15": (
        "kth_largest = torch.topk(probs, k, ).values[..., -1:]",
        "torch.topk's default dim is -1, the dim=-1 the solution passes",
    ),
    "solutions.topk.x_top_k_table__mutmut_2": (
        "if isinstance(k, bool) or not isinstance(k, int) and k < 0:  # k = 0: min(k, vocab) = 0 rows",
        "a negative int k is no longer refused: top_k_table's docstring gives min(k, vocab) rows for k >= 0 "
        "and says nothing of a negative k",
    ),
    "solutions.topk.x_top_k_table__mutmut_3": (
        "if isinstance(k, bool) and not isinstance(k, int) or k < 0:  # k = 0: min(k, vocab) = 0 rows",
        "only the bool/non-int guard is lost; the docstring types k as int, so a bool or float k is unspecified",
    ),
    "solutions.topk.x_top_k_table__mutmut_7": (
        "raise ValueError(None)",
        "the message of an error the docstring does not specify (a negative or non-int k)",
    ),
    "solutions.topk.x_top_k_table__mutmut_10": (
        "raise ValueError(None)",
        "top_k_table's docstring takes a (vocab,) distribution and says nothing of other shapes: "
        "neither the error nor its message is specified",
    ),
    "solutions.topk.x_top_k_table__mutmut_11": (
        'raise ValueError(f"probs must have shape (vocab,), got {tuple(None)}")',
        "a TypeError instead of a ValueError for probs that is not (vocab,): the docstring specifies no error "
        "for other shapes",
    ),
    "solutions.embeddings.x_pca_2d__mutmut_12": (
        "centred = work - work.mean(dim=0, )",
        "a (d,) mean broadcasts over the rows as the (1, d) one does: the same centred matrix",
    ),
    "solutions.embeddings.x_pca_2d__mutmut_14": (
        "centred = work - work.mean(dim=0, keepdim=False)",
        "a (d,) mean broadcasts over the rows as the (1, d) one does: the same centred matrix",
    ),
    "solutions.embeddings.x_pca_2d__mutmut_19": (
        "_, _, vh = torch.linalg.svd(centred, )",
        "the full SVD's Vh has extra rows after the first min(n, d); Vh[:2] are the same two directions "
        "(a sign per column is free, and the tests accept either)",
    ),
    "solutions.embeddings.x_pca_2d__mutmut_20": (
        "_, _, vh = torch.linalg.svd(centred, full_matrices=True)",
        "the full SVD's Vh has extra rows after the first min(n, d); Vh[:2] are the same two directions "
        "(a sign per column is free, and the tests accept either)",
    ),
    "solutions.embeddings.x_subword_averaged_embedding__mutmut_11": (
        "index = torch.tensor(ids, dtype=None, device=embedding_matrix.device)",
        "torch.tensor of Python ints is int64 without being asked: the same index",
    ),
    "solutions.embeddings.x_subword_averaged_embedding__mutmut_12": (
        "index = torch.tensor(ids, dtype=torch.long, device=None)",
        "a CPU index selects the same rows of a matrix on any device (torch moves it), and the result stays "
        "on the matrix's device, which is all the docstring specifies",
    ),
    "solutions.embeddings.x_subword_averaged_embedding__mutmut_14": (
        "index = torch.tensor(ids, device=embedding_matrix.device)",
        "torch.tensor of Python ints is int64 without being asked: the same index",
    ),
    "solutions.embeddings.x_subword_averaged_embedding__mutmut_15": (
        "index = torch.tensor(ids, dtype=torch.long, )",
        "a CPU index selects the same rows of a matrix on any device (torch moves it), and the result stays "
        "on the matrix's device, which is all the docstring specifies",
    ),
    "solutions.decoding.x_greedy_generate__mutmut_8": (
        "out = model(input_ids=step_input, cache=past, use_cache=None)",
        "use_cache=None falls back to config.use_cache, which is true for Mistral-7B and the tiny model "
        "(the docstring's models): the same cache comes back",
    ),
    "solutions.decoding.x_greedy_generate__mutmut_11": (
        "out = model(input_ids=step_input, cache=past, )",
        "use_cache left out falls back to config.use_cache, which is true for Mistral-7B and the tiny model "
        "(the docstring's models): the same cache comes back",
    ),
    "solutions.decoding.x_greedy_generate__mutmut_15": (
        "next_token = out.logits[:, -1, :].argmax(dim=None, keepdim=True)",
        "input_ids is (1, T) by the docstring: the flat argmax of a (1, vocab) row is its argmax over the "
        "vocabulary, kept as (1, 1)",
    ),
    "solutions.decoding.x_greedy_generate__mutmut_17": (
        "next_token = out.logits[:, -1, :].argmax(keepdim=True)",
        "input_ids is (1, T) by the docstring: the flat argmax of a (1, vocab) row is its argmax over the "
        "vocabulary, kept as (1, 1)",
    ),
    "solutions.decoding.x_greedy_generate__mutmut_21": (
        "next_token = out.logits[:, -1, :].argmax(dim=+1, keepdim=True)",
        "dim 1 of the (1, vocab) logits is dim -1",
    ),
    "solutions.decoding.x_greedy_generate__mutmut_29": (
        "sequence = torch.cat([sequence, next_token], dim=+1)",
        "dim 1 of the (1, T) sequence is dim -1",
    ),
    "solutions.sampling.x__keep_nucleus__mutmut_6": (
        "sorted_probs, order = torch.sort(probs, descending=True)",
        "torch.sort's default dim is -1, the dim=-1 the solution passes",
    ),
    "solutions.sampling.x__keep_nucleus__mutmut_8": (
        "sorted_probs, order = torch.sort(probs, dim=+1, descending=True)",
        TWO_D_LOGITS,
    ),
    "solutions.sampling.x__keep_nucleus__mutmut_13": (
        "included = sorted_probs.to(None).cumsum(dim=-1)",
        "cumsum in float32 instead of float64: the rule of top_p_mask, which the docstring points to, lets rounding decide within ~1e-6 of top_p, and the suite moves top_p away from such spots",
    ),
    "solutions.sampling.x__keep_nucleus__mutmut_14": (
        "included = sorted_probs.to(torch.float64).cumsum(dim=+1)",
        TWO_D_LOGITS,
    ),
    "solutions.sampling.x__keep_nucleus__mutmut_25": (
        "above = torch.cat([torch.zeros_like(included[..., :1]), included[..., :-1]], dim=+1)",
        TWO_D_LOGITS,
    ),
    "solutions.sampling.x__keep_nucleus__mutmut_28": (
        "keep_sorted = above <= p",
        "differs only where a running total lands exactly on top_p, where top_p_mask's rule (the docstring's) lets floating-point rounding decide",
    ),
    "solutions.sampling.x__keep_nucleus__mutmut_39": (
        "return torch.zeros_like(keep_sorted).scatter(+1, order, keep_sorted)",
        TWO_D_LOGITS,
    ),
    "solutions.sampling.x_sample_generate__mutmut_18": (
        "raise ValueError(None)",
        "the message is not specified: the docstring says only that top_k < 1 raises ValueError",
    ),
    "solutions.sampling.x_sample_generate__mutmut_27": (
        "raise ValueError(None)",
        "the message is not specified: the docstring says only that top_p outside [0, 1] raises ValueError",
    ),
    "solutions.sampling.x_sample_generate__mutmut_44": (
        "kth_largest = torch.topk(logits, min(top_k, logits.shape[-1]), ).values[..., -1:]",
        "torch.topk's default dim is -1, the dim=-1 the solution passes",
    ),
    "solutions.sampling.x_sample_generate__mutmut_49": (
        "kth_largest = torch.topk(logits, min(top_k, logits.shape[+1]), dim=-1).values[..., -1:]",
        TWO_D_LOGITS,
    ),
    "solutions.sampling.x_sample_generate__mutmut_51": (
        "kth_largest = torch.topk(logits, min(top_k, logits.shape[-1]), dim=+1).values[..., -1:]",
        TWO_D_LOGITS,
    ),
    "solutions.sampling.x_sample_generate__mutmut_67": (
        "probs = torch.softmax(logits, dim=+1)",
        TWO_D_LOGITS,
    ),
    "solutions.sampling.x_sample_generate__mutmut_69": (
        "if top_p <= 1.0:",
        "the nucleus at top_p = 1 keeps every token but a tail whose mass above rounds to 1 (below ~1e-6 in all), which top_p_mask's rule leaves to rounding; skipping it at 1.0 only saves the work",
    ),
    "solutions.sampling.x_sample_generate__mutmut_70": (
        "if top_p < 2.0:",
        "the nucleus at top_p = 1 keeps every token but a tail whose mass above rounds to 1 (below ~1e-6 in all), which top_p_mask's rule leaves to rounding; skipping it at 1.0 only saves the work",
    ),
    "solutions.sampling.x_sample_generate__mutmut_95": (
        "ids = torch.cat([ids, next_token], dim=+1)",
        "dim 1 of the (1, T) ids is dim -1",
    ),
    "solutions.logprobs.x__token_entry__mutmut_35": (
        'raw = text.encode("UTF-8")',
        "'UTF-8' and 'utf-8' name the same codec",
    ),
    "solutions.logprobs.x_completion_logprobs__mutmut_3": (
        "total = sequence.shape[+1]",
        "sequence is (1, T) by the docstring: dim 1 is dim -1",
    ),
    "solutions.logprobs.x_completion_logprobs__mutmut_9": (
        "raise ValueError(None)",
        "the message is not specified: the docstring says only that prompt_length < 1 or > T raises ValueError",
    ),
    "solutions.logprobs.x_completion_logprobs__mutmut_12": (
        "raise ValueError(None)",
        "the message is not specified: the docstring says only that a negative top_n raises ValueError",
    ),
    "solutions.logprobs.x_completion_logprobs__mutmut_21": (
        "logprobs = torch.log_softmax(logits.float(), dim=+1)",
        "the logits of the one sequence are (T, vocab): dim 1 is dim -1",
    ),
}

KILLED, SURVIVED, TIMEOUT = "killed", "survived", "timeout"


# --- configuration -------------------------------------------------------------------------

def project_mutmut_table(pyproject: Path = ROOT / "pyproject.toml") -> dict[str, Any] | None:
    """``[tool.mutmut]`` of the project's pyproject.toml, or None when it has none."""
    import tomllib

    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    table = data.get("tool", {}).get("mutmut")
    return dict(table) if isinstance(table, dict) else None


def module_settings(module: str, base: dict[str, Any] | None = None, all_suites: bool = False) -> dict[str, Any]:
    """The [tool.mutmut] settings of the mutmut project for one exercise module."""
    settings = dict(DEFAULTS if base is None else base)
    settings["only_mutate"] = [f"solutions/{module}.py"]
    settings["pytest_add_cli_args_test_selection"] = (
        ["grading/hidden/"] if all_suites else [f"grading/hidden/test_{module}.py"]
    )
    return settings


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as a TOML value")


def without_mutmut_table(text: str) -> str:
    """pyproject.toml text less its ``[tool.mutmut]`` table (header to the next table)."""
    kept, skipping = [], False
    for line in text.splitlines(keepends=True):
        header = re.match(r"\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$", line)
        if header:
            skipping = header.group(1) == "tool.mutmut" or header.group(1).startswith("tool.mutmut.")
        if not skipping:
            kept.append(line)
    return "".join(kept)


def staged_pyproject(text: str, settings: dict[str, Any]) -> str:
    """The project's pyproject.toml with its [tool.mutmut] table replaced by ``settings``."""
    body = without_mutmut_table(text).rstrip("\n")
    table = "\n".join(f"{key} = {_toml_value(value)}" for key, value in settings.items())
    return f"{body}\n\n[tool.mutmut]\n{table}\n"


def stage(module: str, settings: dict[str, Any], fresh: bool = True) -> Path:
    """``mutants/<module>/``: links to the packages and the module's pyproject.toml."""
    folder = WORK / module
    if fresh and folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name in LINKED:
        link = folder / name
        if not link.is_symlink():
            link.symlink_to(ROOT / name, target_is_directory=True)
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (folder / "pyproject.toml").write_text(staged_pyproject(text, settings), encoding="utf-8")
    return folder


# --- running -------------------------------------------------------------------------------

def mutmut_executable() -> str:
    script = Path(sys.executable).parent / "mutmut"
    return str(script) if script.exists() else "mutmut"


def load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def mutmut_environment(threads: int) -> dict[str, str]:
    """The environment of ``mutmut run``: torch's CPU thread pools of ``threads`` threads.

    mutmut forks one process per mutant from the process that already ran the suites. With
    torch's OpenMP pool started there (more than one thread), a forked child's first parallel
    kernel waits, spinning, for pool threads that did not survive the fork, until the CPU
    limit kills it: surviving mutants of the torch exercises come back as "timeout". One
    thread starts no pool.
    """
    env = dict(os.environ)
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[name] = str(threads)
    env.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    return env


def run_module(folder: Path, max_children: int, threads: int = 1) -> tuple[int, float, str]:
    """``mutmut run`` in the module's project; (exit status, wall seconds, log path)."""
    log = folder / "mutmut-run.log"
    started = time.monotonic()
    with open(log, "w", encoding="utf-8") as out:
        done = subprocess.run(
            [mutmut_executable(), "run", "--max-children", str(max_children)],
            cwd=folder, stdout=out, stderr=subprocess.STDOUT, env=mutmut_environment(threads),
        )
    return done.returncode, round(time.monotonic() - started, 1), str(log)


def mutant_diff(folder: Path, name: str) -> str:
    done = subprocess.run([mutmut_executable(), "show", name], cwd=folder, capture_output=True, text=True)
    return done.stdout.split("\n", 1)[1] if done.returncode == 0 else f"(mutmut show failed: {done.stderr.strip()})"


# --- reading the results -------------------------------------------------------------------

def function_of(mutant: str) -> str:
    """``solutions.evaluation.x__normalise__mutmut_7`` -> ``_normalise``."""
    mangled = mutant.partition("__mutmut_")[0].rpartition(".")[2]
    if not mangled.startswith("x_"):
        raise ValueError(f"not a mutant of a plain function: {mutant}")
    return mangled[2:]


def owners(source: str, exercise_functions: set[str]) -> dict[str, list[str]]:
    """Each function of a module -> the exercise functions it counts for.

    An exercise function counts for itself; a helper for every exercise function that names it
    (directly or through another helper); a helper nobody calls, for itself.
    """
    tree = ast.parse(source)
    functions = {node.name: node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    calls = {
        name: {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and n.id in functions and n.id != name}
        for name, node in functions.items()
    }

    def reaches(start: str, wanted: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            current = todo.pop()
            if current == wanted:
                return True
            if current not in seen:
                seen.add(current)
                todo.extend(calls.get(current, ()))
        return False

    result = {}
    for name in functions:
        if name in exercise_functions:
            result[name] = [name]
        else:
            result[name] = [e for e in functions if e in exercise_functions and reaches(e, name)] or [name]
    return result


def added_line(diff: str) -> str:
    """The mutated line(s) of a unified diff, stripped and joined."""
    return " / ".join(
        line[1:].strip() for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")
    )


@dataclass
class Tally:
    killed: int = 0
    survived: int = 0
    timeout: int = 0
    other: dict[str, int] = field(default_factory=dict)
    equivalent: int = 0

    def add(self, status: str, equivalent: bool = False) -> None:
        if status == KILLED:
            self.killed += 1
        elif status == SURVIVED:
            self.survived += 1
            self.equivalent += int(equivalent)
        elif status == TIMEOUT:
            self.timeout += 1
        else:
            self.other[status] = self.other.get(status, 0) + 1

    @property
    def checked(self) -> int:
        return self.killed + self.survived + self.timeout + sum(
            n for status, n in self.other.items() if status not in ("not checked", "skipped")
        )

    def as_dict(self) -> dict[str, Any]:
        checked, caught = self.checked, self.killed + self.timeout
        return {
            "mutants": checked + sum(self.other.get(s, 0) for s in ("not checked", "skipped")),
            "checked": checked, "killed": self.killed, "survived": self.survived, "timeout": self.timeout,
            "other": dict(self.other), "equivalent": self.equivalent,
            "score": round(caught / checked, 4) if checked else None,
            "adjusted": round(caught / (checked - self.equivalent), 4) if checked > self.equivalent else None,
        }


def read_module(module: str, with_diffs: bool = True) -> dict[str, Any] | None:
    """The results of the last run for ``module``, or None when it never ran."""
    from mutmut.stats import status_by_exit_code

    folder = WORK / module
    meta = folder / "mutants" / "solutions" / f"{module}.py.meta"
    if not meta.exists():
        return None
    data = json.loads(meta.read_text(encoding="utf-8"))
    source = (ROOT / "solutions" / f"{module}.py").read_text(encoding="utf-8")
    exercise_functions = {e.function for e in EXERCISES if e.module == module}
    owner = owners(source, exercise_functions)
    per_function: dict[str, Tally] = {}
    per_exercise: dict[str, Tally] = {}
    mutants, stale = [], []
    for name, code in sorted(data["exit_code_by_key"].items(), key=lambda kv: _natural(kv[0])):
        status = status_by_exit_code[code]
        function = function_of(name)
        diff = mutant_diff(folder, name) if with_diffs and status != KILLED else ""
        equivalent_reason = None
        if status == SURVIVED and name in EQUIVALENT:
            line, reason = EQUIVALENT[name]
            if not with_diffs or line in added_line(diff):
                equivalent_reason = reason
            else:
                stale.append(name)
        per_function.setdefault(function, Tally()).add(status, equivalent_reason is not None)
        for exercise in owner.get(function, [function]):
            per_exercise.setdefault(exercise, Tally()).add(status, equivalent_reason is not None)
        mutants.append({
            "name": name, "function": function, "status": status, "exit_code": code,
            "duration_s": data.get("durations_by_key", {}).get(name),
            **({"diff": diff} if diff else {}),
            **({"equivalent": equivalent_reason} if equivalent_reason else {}),
        })
    course = [e.function for e in EXERCISES]
    in_course_order = sorted(per_exercise, key=lambda f: (course.index(f) if f in course else len(course), f))
    return {
        "module": module,
        "per_exercise": {k: per_exercise[k].as_dict() for k in in_course_order},
        "per_function": {k: v.as_dict() for k, v in per_function.items()},
        "helpers": {f: o for f, o in owner.items() if o != [f]},
        "mutants": mutants,
        "stale_equivalent_records": stale,
    }


def _natural(name: str) -> tuple[str, int]:
    head, _, number = name.rpartition("_")
    return (head, int(number)) if number.isdigit() else (name, 0)


# --- reporting -----------------------------------------------------------------------------

def percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f} %"


def markdown(report: dict[str, Any]) -> str:
    lines = [
        "| module | exercise function | mutants | killed | survived | timeout | other | score | equivalent | adjusted score |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in report["modules"]:
        for exercise, t in result["per_exercise"].items():
            helpers = [h for h, o in result["helpers"].items() if exercise in o]
            label = f"`{exercise}`" + (f" (+ `{'`, `'.join(helpers)}`)" if helpers else "")
            lines.append(
                f"| {result['module']} | {label} | {t['mutants']} | {t['killed']} | {t['survived']} | {t['timeout']} "
                f"| {sum(t['other'].values())} | {percent(t['score'])} | {t['equivalent']} | {percent(t['adjusted'])} |"
            )
    survivors = [m for r in report["modules"] for m in r["mutants"] if m["status"] != KILLED]
    if survivors:
        lines += ["", "Mutants not killed:", ""]
        for m in survivors:
            note = f" — equivalent: {m['equivalent']}" if m.get("equivalent") else ""
            lines += [f"- `{m['name']}` ({m['status']}){note}", "", "```diff", m.get("diff", "").rstrip(), "```", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--module", action="append", choices=modules(),
                        help="a solutions module to mutate (repeatable; default: all, in course order)")
    parser.add_argument("--max-children", type=int, default=1, help="mutants tested at once (default 1)")
    parser.add_argument("--torch-threads", type=int, default=1,
                        help="OMP_NUM_THREADS for the run (default 1: see mutmut_environment)")
    parser.add_argument("--all-suites", action="store_true",
                        help="run every hidden suite, not only grading/hidden/test_<module>.py")
    parser.add_argument("--resume", action="store_true",
                        help="keep mutants/<module>/ and mutmut's cached results (default: start afresh; "
                             "mutmut does not notice edits to the suites)")
    parser.add_argument("--report-only", action="store_true", help="run nothing; report the last runs")
    parser.add_argument("--json", type=Path, default=WORK / "mutation-report.json", help="where to write the report")
    parser.add_argument("--markdown", type=Path, help="also write the Markdown tables here")
    args = parser.parse_args(argv)

    chosen = args.module or modules()
    base = project_mutmut_table()
    report: dict[str, Any] = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "mutmut": _version("mutmut"), "python": platform.python_version(), "cpus": os.cpu_count(),
        "config_from": "pyproject.toml [tool.mutmut]" if base else "benchmarks/mutation.py DEFAULTS",
        "load_average_start": load_average(), "runs": [], "modules": [],
    }
    failed = False
    for module in chosen:
        if not args.report_only:
            folder = stage(module, module_settings(module, base, args.all_suites), fresh=not args.resume)
            print(f"mutmut run: solutions/{module}.py (log: {folder / 'mutmut-run.log'})", flush=True)
            status, wall, log = run_module(folder, args.max_children, args.torch_threads)
            report["runs"].append({"module": module, "exit_status": status, "wall_s": wall,
                                   "load_average_end": load_average()})
            print(f"  exit status {status} after {wall} s; load average {load_average()}", flush=True)
            if status != 0:
                failed = True
                print(Path(log).read_text(encoding="utf-8", errors="replace")[-3000:], file=sys.stderr)
        result = read_module(module)
        if result is None:
            print(f"  no results for {module} (run it without --report-only first)", file=sys.stderr)
            continue
        for name in result["stale_equivalent_records"]:
            print(f"  stale EQUIVALENT record {name}: its diff changed, counted as a survivor", file=sys.stderr)
        report["modules"].append(result)
    report["load_average_end"] = load_average()
    table = markdown(report)
    print(table)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(table + "\n", encoding="utf-8")
    print(f"report: {args.json}")
    return 1 if failed else 0


def _version(package: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return None


if __name__ == "__main__":
    sys.exit(main())
